/**
 * `npm run bench`: every speed and memory target, each measured beside its reference in the same run and
 * reported as a ratio. Rows: orchestration overhead (vs a bare Temporal activity chain), serving (vs a bare
 * Node HTTP server doing the same work, and FastAPI + scikit-learn), ONNX serving (vs the same model served as Bosun's own), drift (vs SciPy). Pick rows with `npm run bench -- orchestration drift`. The soak row (serving
 * at half its max rate for 10 minutes) runs only when named: `npm run bench -- soak [--minutes N]`.
 * Targets are printed, never asserted: timing belongs here, not in the test suite.
 */
import os from 'node:os';
import { runDriftBench } from './drift';
import { runFeatureStoreBench } from './featureStore';
import { runIngestBench } from './ingest';
import { runOnnxBench } from './onnx';
import { runOrchestrationBench } from './orchestration';
import { runSelectionParity } from './parity/selection';
import { runServingBench } from './serving';
import { minutesArg, printSoak, runSoakBench } from './soak';
import { printTraining, runTrainingBench } from './training';

interface Row {
  row: string;
  bosun: string;
  reference: string;
  ratio: string;
  target: string;
  met: boolean | null;
}

const rows: Row[] = [];
const args = process.argv.slice(2);
// Row names; `--minutes N` is the soak's option, not a row.
const wanted = new Set(args.filter((a, i) => !a.startsWith('--') && args[i - 1] !== '--minutes'));
const want = (name: string) => wanted.size === 0 || wanted.has(name);
const f = (v: number, digits = 1) => v.toFixed(digits);

if (want('orchestration')) {
  const o = await runOrchestrationBench();
  rows.push({
    row: `orchestration: ${o.steps}-step no-op pipeline, median of ${o.samples}`,
    bosun: `${f(o.bosunMedianMs)} ms`,
    reference: `${f(o.bareMedianMs)} ms (bare activity chain)`,
    ratio: `${f(o.ratio, 3)}×`,
    target: '≤ 1.25×',
    met: o.ratio <= 1.25,
  });
  rows.push({
    row: `orchestration: runs/min with ${o.inFlight} in flight`,
    bosun: f(o.bosunRunsPerMinute, 0),
    reference: `${f(o.bareRunsPerMinute, 0)} (bare activity chain)`,
    ratio: `${f(o.bosunRunsPerMinute / o.bareRunsPerMinute, 3)}×`,
    target: 'reported',
    met: null,
  });
}

if (want('serving')) {
  const s = await runServingBench();
  const setup = s.postgres ? 'log to PostgreSQL' : 'log to PGlite (no PostgreSQL binaries)';
  const us = (x: { cpuUsPerRequest: number }) => `${f(x.cpuUsPerRequest, 0)} µs`;
  const headHalf = s.postgres?.halfLoad ?? s.bosun.halfLoad;
  rows.push({
    row: `serving: requests/s, 30-feature LR, 1 instance/request (${setup})`,
    bosun: f(s.bosunRps, 0),
    reference: `${f(s.bareRps, 0)} (bare node:http doing the same work by hand); Fastify alone, same work: ${f(s.fastify.rps, 0)} = ${f(s.fastify.rps / s.bareRps, 2)}×`,
    ratio: `${f(s.ratio, 3)}×`,
    target: '≥ 0.7× bare same-work',
    met: s.postgres ? s.ratio >= 0.7 : null,
  });
  rows.push({
    row: `serving: p99 latency at half of Bosun's max load (${setup})`,
    bosun: `${f(s.p99AtHalfLoadMs, 2)} ms at ${f(s.bosunRps / 2, 0)} req/s (median round ${f(headHalf.p99MedianMs, 2)} ms; in the best round the server used ${f(headHalf.serverCorePct, 0)}% of a core, CPU steal ${headHalf.stealPct === null ? '-' : `${f(headHalf.stealPct, 1)}%`}, client event-loop lag p99 ${f(headHalf.clientLagP99Ms, 1)} ms)`,
    reference:
      `same rate: bare same-work ${f(s.bare.atBosunHalfLoad.p99Ms, 2)} ms (median round ${f(s.bare.atBosunHalfLoad.p99MedianMs, 2)}; ${f(s.bare.atBosunHalfLoad.serverCorePct, 0)}% of a core), ` +
      `Fastify alone ${f(s.fastify.atBosunHalfLoad.p99Ms, 2)} ms, bare constant answer (the client's and machine's floor) ${f(s.bareConstant.atBosunHalfLoad.p99Ms, 2)} ms (median round ${f(s.bareConstant.atBosunHalfLoad.p99MedianMs, 2)})`,
    ratio: '-',
    target: '≤ 5 ms',
    met: s.postgres ? s.p99AtHalfLoadMs <= 5 : null,
  });
  rows.push(
    'rps' in s.fastapi
      ? {
          row: `serving: requests/s vs FastAPI + scikit-learn, same model (${setup})`,
          bosun: f(s.bosunRps, 0),
          reference: `${f(s.fastapi.rps, 0)} (FastAPI on uvicorn, 1 process; ${us(s.fastapi)}/request)`,
          ratio: `${f(s.fastapi.bosunOver, 1)}×`,
          target: '≥ 10×',
          met: s.fastapi.bosunOver >= 10,
        }
      : { row: 'serving: requests/s vs FastAPI + scikit-learn', bosun: f(s.bosunRps, 0), reference: `not measured: ${s.fastapi.why}`, ratio: '-', target: '≥ 10×', met: null },
  );
  rows.push({
    row: 'serving: server CPU per request',
    bosun: `${us(s.postgres ?? s.bosun)} (${setup}); ${us(s.hotPath)} hot path (log discarded)`,
    reference: `${us(s.bare)} bare same-work; ${us(s.fastify)} Fastify alone; ${us(s.bareConstant)} bare constant answer`,
    ratio: `${f(s.bare.cpuUsPerRequest / (s.postgres ?? s.bosun).cpuUsPerRequest, 3)}×`,
    target: 'reported',
    met: null,
  });
  if (s.postgres?.databaseCpuUsPerRow !== undefined) {
    rows.push({
      row: 'serving: PostgreSQL CPU per logged prediction (COPY into prediction_log)',
      bosun: `${f(s.postgres.databaseCpuUsPerRow, 1)} µs per row`,
      reference: `${us(s.postgres)} the serving process per request`,
      ratio: '-',
      target: 'reported',
      met: null,
    });
  }
  rows.push({
    row: 'serving hot path (log discarded): requests/s',
    bosun: f(s.hotPath.rps, 0),
    reference: `${f(s.bareRps, 0)} (bare same-work); bare constant answer ${f(s.bareConstant.rps, 0)}`,
    ratio: `${f(s.hotPath.ratio, 3)}×`,
    target: 'reported',
    met: null,
  });
  rows.push({ row: 'serving: log to in-process PGlite (bosun dev): requests/s', bosun: f(s.bosun.rps, 0), reference: `${f(s.bareRps, 0)} (bare same-work)`, ratio: `${f(s.bosun.rps / s.bareRps, 3)}×`, target: 'reported', met: null });
  rows.push({ row: 'serving hot path: p99 at half load', bosun: `${f(s.hotPath.halfLoad.p99Ms, 2)} ms`, reference: `${f(s.fastify.halfLoad.p99Ms, 2)} ms (Fastify alone at its half load)`, ratio: '-', target: 'reported', met: null });
}

if (want('onnx')) {
  const x = await runOnnxBench();
  rows.push({
    row: 'onnx serving: requests/s, 30-feature LR exported to ONNX (log discarded)',
    bosun: f(x.onnx.rps, 0),
    reference: `${f(x.native.rps, 0)} (the same model as Bosun's own, same serving path)`,
    ratio: `${f(x.ratio, 3)}×`,
    target: 'reported',
    met: null,
  });
  rows.push({
    row: `onnx serving: p99 at ${f(x.onnx.pacedRps, 0)} req/s (half the native max)`,
    bosun: `${f(x.onnx.p99Ms, 2)} ms`,
    reference: `${f(x.native.p99Ms, 2)} ms (Bosun's own model, same rate)`,
    ratio: '-',
    target: 'reported',
    met: null,
  });
}

if (want('features')) {
  for (const x of await runFeatureStoreBench()) {
    const where = x.database === 'postgres' ? 'online store on PostgreSQL' : 'online store on PGlite';
    rows.push({
      row: `feature store: lookup + predict p99 at ${f(x.halfLoadRps, 0)} req/s (half the by-key max; ${where})`,
      bosun: `${f(x.byKeyP99Ms, 2)} ms (p50 ${f(x.byKeyP50Ms, 2)} ms)`,
      reference: `${f(x.plainP99Ms, 2)} ms (plain :predict, features sent, same rate)`,
      ratio: `${f(x.ratio, 2)}×`,
      target: '≤ 2× and ≤ 10 ms',
      met: x.ratio <= 2 && x.byKeyP99Ms <= 10,
    });
    rows.push({ row: `feature store: requests/s by key (${where})`, bosun: f(x.byKeyRps, 0), reference: `${f(x.plainRps, 0)} (plain :predict)`, ratio: `${f(x.byKeyRps / x.plainRps, 3)}×`, target: 'reported', met: null });
  }
}

if (want('drift')) {
  const d = await runDriftBench();
  const speedup = d.scipySeconds ? d.scipySeconds / d.seconds : null;
  rows.push({
    row: `drift: ${d.rows / 1e6}M rows × ${d.cols} columns`,
    bosun: `${f(d.seconds, 2)} s, ${f(d.peakRssMb, 0)} MB peak`,
    reference: d.scipySeconds ? `${f(d.scipySeconds, 2)} s, ${f(d.scipyPeakRssMb ?? 0, 0)} MB (SciPy ks_2samp per column)` : d.scipyNote ?? 'SciPy not measured',
    ratio: speedup ? `${f(speedup, 1)}× faster` : '-',
    target: '≤ 10 s',
    met: d.seconds <= 10,
  });
}

if (want('ingest')) {
  const g = await runIngestBench();
  const ref = g.duckdb;
  const note = `load avg ${f(g.loadAverage, 1)} on ${os.cpus().length} cores`;
  rows.push({
    row: `ingest: CSV read + infer, ${g.rows / 1e6}M rows × ${g.columns} cols (${f(g.fileMb, 0)} MB)`,
    bosun: `${f(g.readSeconds, 2)} s`,
    reference: ref ? `${f(ref.readSeconds, 2)} s (DuckDB ${ref.version} read_csv, ${ref.threads} threads; ${note})` : `DuckDB unavailable: ${g.duckdbNote}`,
    ratio: ref ? `${f(g.readSeconds / ref.readSeconds, 2)}×` : '-',
    target: 'reported',
    met: null,
  });
  rows.push({
    row: 'ingest: read + infer + profile',
    bosun: `${f(g.totalSeconds, 2)} s (profile ${f(g.profileSeconds, 2)} s)`,
    reference: ref ? `${f(ref.totalSeconds, 2)} s (DuckDB read_csv + SUMMARIZE)` : '-',
    ratio: ref ? `${f(g.totalSeconds / ref.totalSeconds, 2)}×` : '-',
    target: '≤ 1.5×',
    met: ref ? g.totalSeconds / ref.totalSeconds <= 1.5 : null,
  });
  rows.push({
    row: 'ingest: peak RSS (read + infer + profile)',
    bosun: `${f(g.peakRssMb, 0)} MB`,
    reference: `${f(g.rawMb, 0)} MB raw typed table${ref ? `; DuckDB ${f(ref.peakRssMb, 0)} MB` : ''}`,
    ratio: `${f(g.peakRssMb / g.rawMb, 2)}×`,
    target: '≤ 3×',
    met: g.peakRssMb / g.rawMb <= 3,
  });
}

if (want('training')) {
  const t = await runTrainingBench();
  printTraining(t);
  const sk = t.sklearn;
  const load = `load avg ${f(t.loadBefore[0], 1)} → ${f(t.loadAfter[0], 1)}`;
  const fit = (x: { seconds: number; cpuSeconds: number; auc: number }) => `${f(x.seconds, 2)} s (CPU ${f(x.cpuSeconds, 1)} s), AUC ${f(x.auc, 4)}`;
  const lrRatio = sk ? t.bosun.lr.seconds / sk.lr.seconds : null;
  rows.push({
    row: `training: logistic regression fit, ${t.trainRows / 1e3}k × ${t.cols}`,
    // The thread start is paid once per process before any fit (as scikit-learn's import): shown, not timed.
    bosun: `${fit(t.bosun.lr)}${t.threadStartSeconds !== undefined ? `; thread start ${f(t.threadStartSeconds, 2)} s once, untimed` : ''}`,
    reference: sk ? `${fit(sk.lr)} (scikit-learn lbfgs, BLAS ${sk.blasThreads ?? '?'} threads; ${load})` : `scikit-learn unavailable: ${t.sklearnNote}`,
    ratio: lrRatio ? `${f(lrRatio, 2)}×` : '-',
    target: '≤ 1× time',
    met: lrRatio ? lrRatio <= 1 : null,
  });
  const gbRatio = sk ? t.bosun.gbdt.seconds / sk.gbdt.seconds : null;
  const aucGap = sk ? t.bosun.gbdt.auc - sk.gbdt.auc : null;
  rows.push({
    row: `training: GBDT fit (100 × 31 leaves, ${t.bosun.gbdtThreads} threads)`,
    bosun: fit(t.bosun.gbdt),
    reference: sk ? `${fit(sk.gbdt)} (HistGradientBoosting, ${sk.threads} threads; ${load})` : `scikit-learn unavailable: ${t.sklearnNote}`,
    ratio: gbRatio ? `${f(gbRatio, 2)}×, ΔAUC ${aucGap! >= 0 ? '+' : ''}${f(aucGap!, 4)}` : '-',
    target: '≤ 1× time, |ΔAUC| ≤ 0.002',
    met: gbRatio ? gbRatio <= 1 && Math.abs(aucGap!) <= 0.002 : null,
  });
  if (t.bosun.gbdtOneThread) {
    const one = t.bosun.gbdtOneThread;
    rows.push({
      row: 'training: GBDT fit on 1 thread (BOSUN_TRAIN_THREADS=1)',
      bosun: fit(one),
      reference: `${f(t.bosun.gbdt.seconds, 2)} s on ${t.bosun.gbdtThreads} threads`,
      ratio: `${f(one.seconds / t.bosun.gbdt.seconds, 2)}× speed-up from threads`,
      target: 'reported',
      met: null,
    });
  }
  rows.push({
    row: 'training: peak RSS (read matrix → LR fit → GBDT fit)',
    bosun: `${f(t.bosun.peakRssMb, 0)} MB`,
    reference: `${f(t.rawNumericMb, 0)} MB raw numeric (1M × 20 float64)${sk ? `; scikit-learn ${f(sk.peakRssMb, 0)} MB` : ''}`,
    ratio: `${f(t.bosun.peakRssMb / t.rawNumericMb, 2)}×`,
    target: '≤ 3×',
    met: t.bosun.peakRssMb / t.rawNumericMb <= 3,
  });
}

if (want('selection')) {
  // The pipeline `bosun init` writes, against the better of scikit-learn's LogisticRegression and HistGradientBoosting.
  for (const r of await runSelectionParity()) {
    const linear = r.references.logistic ?? r.references.linear;
    rows.push({
      row: `bosun init's model on ${r.dataset} (held-out ${r.metric})`,
      bosun: `${f(r.bosun, 4)} (${r.winner})`,
      reference: `sklearn LR ${f(linear, 4)}, HGB ${f(r.references.hgb, 4)}`,
      ratio: r.metric === 'rmse' ? `${f(r.bosun / Math.min(linear, r.references.hgb), 3)}×` : `${f(r.bosun - Math.max(linear, r.references.hgb), 4)}`,
      target: r.tolerance,
      met: r.ok,
    });
  }
}

if (wanted.has('soak')) {
  const s = await runSoakBench({ minutes: minutesArg(args) });
  printSoak(s);
  const worstP99 = Math.max(...s.minutes.map((m) => m.p99Ms));
  const first = s.minutes[s.minutes.length >= 3 ? 1 : 0];
  const last = s.minutes[s.minutes.length - 1];
  rows.push({
    row: `soak: ${s.minutes.length} min at half max load (${f(s.targetRps, 0)} req/s, log to ${s.logTo === 'postgres' ? 'PostgreSQL' : 'PGlite'})`,
    bosun: `${s.errors} errors, worst-minute p99 ${f(worstP99, 2)} ms, RSS ${f(first.rssMedianMb, 0)} → ${f(last.rssMedianMb, 0)} MB`,
    reference: `RSS of minute ${first.minute}`,
    ratio: `${f(s.rssRatio, 3)}×`,
    target: '0 errors, RSS within ±10%',
    met: s.errors === 0 && s.rssFlat,
  });
}

const cols: (keyof Row)[] = ['row', 'bosun', 'reference', 'ratio', 'target'];
const widths = cols.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c]).length)));
console.log(cols.map((c, i) => c.toUpperCase().padEnd(widths[i])).join('  ') + '  MET');
for (const r of rows) console.log(cols.map((c, i) => String(r[c]).padEnd(widths[i])).join('  ') + `  ${r.met === null ? '-' : r.met ? 'yes' : 'NO'}`);
