/**
 * Soak: the serving process held at half its measured maximum rate for a long time (10 minutes by default), to see
 * what short benchmarks cannot: errors that appear only after a while, a latency tail that grows, memory that never
 * comes back. Printed per minute: requests, errors (non-200 answers and broken connections), p50 and p99, the
 * server's RSS (median and peak of samples every 5 s), its V8 heap right after a full collection, and the prediction
 * log's records written, dropped and still queued. RSS counts as flat when the last minute's median is within 10%
 * of the second minute's (the first minute still warms up: JIT, connection pools, the log's first batches).
 *
 * The server is the production setup: Bosun's serving app in a child process of its own, its registry and its
 * prediction log on a throwaway PostgreSQL (another process), the model a logistic regression on breast_cancer.csv
 * trained in-process (test/unit/serving/support/servedModel.ts, as the serving tests do). The load comes from this
 * process through bench/loadgen.ts (lean raw-socket keep-alive client, open loop at a fixed rate), one instance per
 * request. The maximum comes from two 5 s closed-loop rounds of 32 connections, as in bench/serving.ts, but counts
 * what is sustained: the lower of good answers per second and prediction-log rows written per second in the same
 * round. (Answers alone overstate it: a log that falls behind drops records, which is cheaper than writing them, and
 * at half of that figure the server was overloaded within a minute.) The log columns say whether it kept up.
 *
 *     npm run bench -- soak [--minutes N]      or      npx tsx bench/soak.ts [--minutes N]
 */
import { fork } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ask, closedLoad, pacedLoad, percentile, type LoadTarget } from './loadgen';
import { serverExecArgv } from './serverArgv';

export interface SoakMinute {
  minute: number;
  requests: number;
  errors: number;
  p50Ms: number;
  p99Ms: number;
  rssMedianMb: number;
  rssPeakMb: number;
  /**
   * V8 heap in use right after a full collection at the end of the minute (the load paused between minutes), and the
   * log records queued then: RSS swings with backlog and collector timing, a leak shows here as steady growth.
   */
  heapAfterGcMb: number;
  logQueued: number;
  /** Prediction-log records written and dropped (queue full: the database not keeping up) during the minute. */
  logWritten: number;
  logDropped: number;
}

type LogCounts = { written: number; dropped: number };

export interface SoakResult {
  /** min(answeredRps, loggedRps): the most the server sustains with every prediction logged. */
  maxRps: number;
  /** Best closed-loop round: good answers per second, and prediction-log rows written per second meanwhile. */
  answeredRps: number;
  loggedRps: number;
  targetRps: number;
  minutes: SoakMinute[];
  errors: number;
  /** Last minute's median RSS over the reference minute's (the second, or the first when there is only one or two). */
  rssRatio: number;
  rssFlat: boolean;
  logWritten: number;
  logDropped: number;
  /** Load averages (1 min) of the machine before and after: other work shares the cores. */
  loadBefore: number;
  loadAfter: number;
  /** The log's PostgreSQL, or PGlite where its binaries are missing. */
  logTo: 'postgres' | 'pglite';
}

const SAMPLE_MS = 5000;

// ---------------------------------------------------------------------------------------------------------------
// Server side (child process)

async function serveChild(): Promise<void> {
  const { openDb } = await import('../src/db/client');
  const { loadConfig } = await import('../src/config');
  const { buildServingApp } = await import('../src/serving/app');
  const { BREAST_CANCER, servedModels } = await import('../test/unit/serving/support/servedModel');
  const url = process.env.BOSUN_SOAK_PG_URL;
  const handle = await openDb(url ? { kind: 'postgres', url } : { kind: 'pglite', dataDir: 'memory://' });
  const fixture = await servedModels([{ name: 'soak', ...BREAST_CANCER }], handle);
  const config = loadConfig({ BOSUN_HOME: fixture.home, HOME: process.env.HOME, ...(url ? { DATABASE_URL: url } : {}) });
  const app = buildServingApp({ db: handle.db, store: fixture.store, config, logger: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  process.send!({ port: (app.server.address() as { port: number }).port, instances: fixture.rows.get('soak')!.slice(0, 50) });
  process.on('message', (m: { rss?: boolean; gc?: boolean; log?: boolean; drain?: boolean; stop?: boolean }) => {
    if (m.rss) process.send!({ rss: process.memoryUsage().rss });
    if (m.gc) {
      (globalThis as { gc?: () => void }).gc?.();
      process.send!({ gc: { heapUsed: process.memoryUsage().heapUsed, queued: app.serving.log.depth } });
    }
    if (m.log) process.send!({ log: { written: app.serving.log.written, dropped: app.serving.log.dropped } });
    if (m.drain) {
      void (async () => {
        const log = app.serving.log;
        for (let i = 0; i < 100 && log.depth > 0; i++) await log.flush();
        process.send!({ drained: { written: log.written, dropped: log.dropped } });
      })();
    }
    if (m.stop) {
      void (async () => {
        await app.close();
        await fixture.close();
        await handle.close();
        process.exit(0);
      })();
    }
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Load side (this process)



const median = (xs: number[]) => percentile([...xs].sort((a, b) => a - b), 50);

/** A throwaway PostgreSQL for the log and the registry (null where its binaries are not installed). */
async function startSoakPostgres(): Promise<{ url: string; stop: () => Promise<void> } | null> {
  const { findPostgresBin, startPostgres } = await import('../src/stack/postgresServer');
  const { freePort } = await import('../src/stack/process');
  try {
    findPostgresBin();
  } catch {
    return null;
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bosun-soak-pg-'));
  chmodSync(dir, 0o755); // PostgreSQL runs as its own user when this runs as root
  const pg = await startPostgres({ dataDir: path.join(dir, 'pg'), port: await freePort(), logFile: path.join(dir, 'postgres.log') });
  return {
    url: pg.databaseUrl,
    stop: async () => {
      await pg.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function runSoakBench(o: { minutes?: number; onMinute?: (m: SoakMinute) => void } = {}): Promise<SoakResult> {
  const minutes = o.minutes ?? 10;
  if (!(Number.isInteger(minutes) && minutes >= 1)) throw new Error(`--minutes: expected a whole number of minutes >= 1, got ${minutes}`);
  const loadBefore = os.loadavg()[0];
  const pg = await startSoakPostgres();
  const child = fork(fileURLToPath(import.meta.url), ['--serve'], {
    env: { ...process.env, ...(pg ? { BOSUN_SOAK_PG_URL: pg.url } : {}) },
    execArgv: serverExecArgv('--expose-gc'),
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  try {
    const ready = await new Promise<{ port: number; instances: Record<string, unknown>[] }>((resolve, reject) => {
      child.once('message', (m: { port: number; instances: Record<string, unknown>[] }) => resolve(m));
      child.once('exit', (code) => reject(new Error(`the soak server exited with code ${code} before listening`)));
    });
    const target: LoadTarget = { port: ready.port, path: '/v1/models/soak:predict', bodies: ready.instances.map((inst) => Buffer.from(JSON.stringify({ instances: [inst] }))) };

    const warm = await closedLoad(target, 32, 2000);
    if (warm.errors > 0) throw new Error(`the soak server answered ${warm.errors} of ${warm.done} warm-up requests with an error; see its output above`);
    // The maximum is the rate at which every prediction is answered and also reaches the log: a server that answers
    // faster by dropping log records (cheaper than writing them) is not sustaining that rate.
    let answeredRps = 0;
    let loggedRps = 0;
    for (let r = 0; r < 2; r++) {
      await ask(child, { drain: true }, 'drained');
      const before = await ask<LogCounts>(child, { log: true }, 'log');
      const run = await closedLoad(target, 32, 5000);
      const after = await ask<LogCounts>(child, { log: true }, 'log');
      const seconds = run.elapsedMs / 1000;
      // Only good answers count: a server failing fast is not a fast server.
      const answered = (run.done - run.errors) / seconds;
      const logged = (after.written - before.written) / seconds;
      if (Math.min(answered, logged) > Math.min(answeredRps, loggedRps) || r === 0) [answeredRps, loggedRps] = [answered, logged];
    }
    // The closed-loop rounds may have left the log queue full; the soak starts from a written log.
    await ask(child, { drain: true }, 'drained');
    const maxRps = Math.min(answeredRps, loggedRps);
    const targetRps = maxRps / 2;

    const rows: SoakMinute[] = [];
    let logBefore = await ask<LogCounts>(child, { log: true }, 'log');
    for (let m = 1; m <= minutes; m++) {
      const rss: number[] = [];
      const sampler = setInterval(() => void ask<number>(child, { rss: true }, 'rss').then((v) => rss.push(v)), SAMPLE_MS);
      const run = await pacedLoad(target, targetRps, 60_000);
      clearInterval(sampler);
      rss.push(await ask<number>(child, { rss: true }, 'rss'));
      const logNow = await ask<LogCounts>(child, { log: true }, 'log');
      const heap = await ask<{ heapUsed: number; queued: number }>(child, { gc: true }, 'gc');
      const sorted = Array.from(run.latencies).sort((a, b) => a - b);
      const row = {
        minute: m,
        requests: run.latencies.length,
        errors: run.errors,
        p50Ms: percentile(sorted, 50),
        p99Ms: percentile(sorted, 99),
        rssMedianMb: median(rss) / 2 ** 20,
        rssPeakMb: Math.max(...rss) / 2 ** 20,
        heapAfterGcMb: heap.heapUsed / 2 ** 20,
        logQueued: heap.queued,
        logWritten: logNow.written - logBefore.written,
        logDropped: logNow.dropped - logBefore.dropped,
      };
      logBefore = logNow;
      rows.push(row);
      o.onMinute?.(row);
    }
    const log = await ask<{ written: number; dropped: number }>(child, { drain: true }, 'drained');
    const reference = rows[rows.length >= 3 ? 1 : 0];
    const rssRatio = rows[rows.length - 1].rssMedianMb / reference.rssMedianMb;
    return {
      maxRps,
      answeredRps,
      loggedRps,
      targetRps,
      minutes: rows,
      errors: rows.reduce((s, r) => s + r.errors, 0),
      rssRatio,
      rssFlat: Math.abs(rssRatio - 1) <= 0.1,
      logWritten: log.written,
      logDropped: log.dropped,
      loadBefore,
      loadAfter: os.loadavg()[0],
      logTo: pg ? 'postgres' : 'pglite',
    };
  } finally {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.send({ stop: true });
      await exited;
    }
    await pg?.stop();
  }
}

/** The per-minute table, as printed by `npm run bench -- soak` and by this file run alone. */
export function printSoak(r: SoakResult): void {
  const f = (x: number, d = 0) => x.toFixed(d);
  console.log(
    `soak: ${r.minutes.length} min at ${f(r.targetRps)} req/s, half of the measured max ${f(r.maxRps)} req/s ` +
      `(closed loop, 32 connections: ${f(r.answeredRps)} answers/s, ${f(r.loggedRps)} log rows/s written; the max is the lower), 1 instance x 30 features per request, ` +
      `registry and prediction log on ${r.logTo === 'postgres' ? 'PostgreSQL' : 'in-process PGlite'}; load average ${f(r.loadBefore, 2)} before, ${f(r.loadAfter, 2)} after (2 cores shared)`,
  );
  console.table(
    r.minutes.map((m) => ({
      minute: m.minute,
      requests: m.requests,
      errors: m.errors,
      'p50 ms': f(m.p50Ms, 2),
      'p99 ms': f(m.p99Ms, 2),
      'RSS MB (median)': f(m.rssMedianMb, 1),
      'RSS MB (peak)': f(m.rssPeakMb, 1),
      'heap MB after GC': f(m.heapAfterGcMb, 1),
      'log queued': m.logQueued,
      'log written': m.logWritten,
      'log dropped': m.logDropped,
    })),
  );
  console.log(
    `errors: ${r.errors}; RSS last minute / ${r.minutes.length >= 3 ? 'second' : 'first'} minute: ${f(r.rssRatio, 3)} (${r.rssFlat ? 'flat' : 'NOT flat'}, limit ±10%); ` +
      `prediction log since start (max-rate rounds included): ${r.logWritten} written, ${r.logDropped} dropped`,
  );
}

/** `--minutes N` from an argument list (default 10). */
export function minutesArg(argv: string[]): number | undefined {
  const i = argv.indexOf('--minutes');
  return i >= 0 ? Number(argv[i + 1]) : undefined;
}

if (process.argv[2] === '--serve') {
  await serveChild();
} else if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const r = await runSoakBench({ minutes: minutesArg(process.argv), onMinute: (m) => console.log(`minute ${m.minute}: ${m.requests} requests, ${m.errors} errors, p99 ${m.p99Ms.toFixed(2)} ms, RSS ${m.rssMedianMb.toFixed(1)} MB`) });
  printSoak(r);
}
