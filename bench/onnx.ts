/**
 * ONNX serving benchmark: the same logistic regression on breast_cancer.csv (30 numeric features, `features: auto`)
 * served two ways in the same run: as Bosun's own model, and exported to ONNX (`bosun models export`) and registered
 * as an ONNX version, so onnxruntime computes the probabilities. Everything else is the same serving path
 * (envelope schema, instance check, micro-batched feature transform, response rendering, metrics); the prediction log
 * is discarded in both, so the figures compare the model call and not the log's database.
 *
 * Each server runs in a child process of its own and is loaded from this one with loadgen.ts: throughput from a
 * closed loop of 32 keep-alive connections (best of alternating rounds), p99 latency from a paced open loop at half
 * of the Bosun model's best throughput, the same rate for both, so the p99s are comparable.
 *
 *     npx tsx bench/onnx.ts          or, beside the other rows: npx tsx bench/index.ts onnx
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { closedLoad, pacedLoad, percentile, type LoadTarget } from './loadgen';
import { serverExecArgv } from './serverArgv';

const DATA = fileURLToPath(new URL('../data/breast_cancer.csv', import.meta.url));
const TARGET = 'diagnosis';

type Kind = 'native' | 'onnx';

export interface OnnxServerFigures {
  rps: number;
  cpuUsPerRequest: number;
  p50Ms: number;
  p99Ms: number;
  pacedRps: number;
}

export interface OnnxBenchResult {
  native: OnnxServerFigures;
  onnx: OnnxServerFigures;
  /** onnx rps / native rps. */
  ratio: number;
  errors: number;
  clients: number;
}

/** Fits the model, registers it (natively or as its ONNX export), promotes it, serves it with the log discarded. */
async function serve(kind: Kind): Promise<{ port: number; close(): Promise<void> }> {
  const { readTable } = await import('../src/data/read');
  const { openDb } = await import('../src/db/client');
  const { fitFeatures, transformTable } = await import('../src/features');
  const { fitModel } = await import('../src/ml/model');
  const { exportOnnx } = await import('../src/ml/onnx/export');
  const { bindOnnx } = await import('../src/ml/onnx/binding');
  const { readSignature } = await import('../src/ml/onnx/signature');
  const { OnnxModel } = await import('../src/ml/onnx/model');
  const { encodeTarget, resolveTask } = await import('../src/pipeline/target');
  const { registerServedModel } = await import('./servedModel');
  const { FsArtifactStore } = await import('../src/storage/fsStore');
  const { loadConfig } = await import('../src/config');
  const { buildServingApp } = await import('../src/serving/app');

  const home = mkdtempSync(path.join(os.tmpdir(), 'bosun-onnx-bench-'));
  const store = new FsArtifactStore(path.join(home, 'artifacts'));
  const handle = await openDb({ kind: 'pglite', dataDir: 'memory://' });
  const db = handle.db;
  const table = await readTable(readFileSync(DATA));
  const task = resolveTask({ target: TARGET, positiveClass: 'malignant' }, table);
  const { y } = encodeTarget(table, TARGET, task);
  const fitted = fitFeatures({ auto: true }, table, { target: TARGET });
  const X = transformTable(fitted, table);
  let model = fitModel({ algorithm: 'logistic_regression', params: {} }, X, y, task, { seed: 1, featureNames: fitted.outputNames });
  if (kind === 'onnx') {
    const bytes = exportOnnx(model);
    const ref = await store.put(Buffer.from(bytes));
    model = new OnnxModel(task, X.cols, bytes, bindOnnx(readSignature(bytes), fitted.outputNames, task), { sha256: ref.hash, framework: 'bosun export' });
  }
  await registerServedModel(db, store, { source: 'bench:breast_cancer.csv', rows: table.nrows, fitted, model, versions: [{ modelName: 'bench', runId: 'bench-run' }] });
  const app = buildServingApp({ db, store, config: loadConfig({ BOSUN_HOME: home, HOME: process.env.HOME }), logger: false, logWriter: async () => {} });
  await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    port: (app.server.address() as { port: number }).port,
    async close() {
      await app.close();
      await handle.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

interface Server {
  kind: Kind;
  port: number;
  child: ChildProcess;
}

async function spawnServer(kind: Kind): Promise<Server> {
  const child = fork(fileURLToPath(import.meta.url), ['--serve', kind], { execArgv: serverExecArgv(), stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m: { port: number }) => resolve(m.port));
    child.once('exit', (code) => reject(new Error(`the ${kind} benchmark server exited with code ${code} before listening`)));
  });
  return { kind, port, child };
}

function serverCpuMs(s: Server): Promise<number> {
  return new Promise((resolve) => {
    s.child.once('message', (m: { cpuMs: number }) => resolve(m.cpuMs));
    s.child.send({ cpu: true });
  });
}


export async function runOnnxBench(o: { clients?: number; seconds?: number; rounds?: number } = {}): Promise<OnnxBenchResult> {
  const clients = o.clients ?? 32;
  const ms = (o.seconds ?? 3) * 1000;
  const rounds = o.rounds ?? 3;
  const { readTable } = await import('../src/data/read');
  const table = await readTable(readFileSync(DATA));
  const cols = table.columns.filter((c) => c.name !== TARGET) as { name: string; values: Float64Array }[];
  const bodies = Array.from({ length: 50 }, (_, i) => Buffer.from(JSON.stringify({ instances: [Object.fromEntries(cols.map((c) => [c.name, c.values[i]]))] })));
  const servers: Server[] = [];
  let errors = 0;
  try {
    for (const kind of ['native', 'onnx'] as const) servers.push(await spawnServer(kind));
    const target = (s: Server): LoadTarget => ({ port: s.port, path: '/v1/models/bench:predict', bodies });
    const best = new Map<Kind, { rps: number; cpuUsPerRequest: number }>();
    for (let r = 0; r < rounds; r++) {
      for (const s of servers) {
        await closedLoad(target(s), clients, 1000); // warm-up
        const cpu0 = await serverCpuMs(s);
        const run = await closedLoad(target(s), clients, ms);
        const cpuMs = (await serverCpuMs(s)) - cpu0;
        errors += run.errors;
        const rps = run.done / (run.elapsedMs / 1000);
        if (rps > (best.get(s.kind)?.rps ?? 0)) best.set(s.kind, { rps, cpuUsPerRequest: (cpuMs * 1000) / run.done });
      }
    }
    const rate = best.get('native')!.rps / 2;
    const figures = async (s: Server): Promise<OnnxServerFigures> => {
      await pacedLoad(target(s), rate, 1000);
      let lowest: { p50: number; p99: number; rps: number } | null = null;
      for (let r = 0; r < rounds; r++) {
        const run = await pacedLoad(target(s), rate, ms);
        errors += run.errors;
        const sorted = Array.from(run.latencies).sort((a, b) => a - b);
        const f = { p50: percentile(sorted, 50), p99: percentile(sorted, 99), rps: run.rps };
        if (!lowest || f.p99 < lowest.p99) lowest = f;
      }
      return { ...best.get(s.kind)!, p50Ms: lowest!.p50, p99Ms: lowest!.p99, pacedRps: lowest!.rps };
    };
    const native = await figures(servers[0]);
    const onnx = await figures(servers[1]);
    return { native, onnx, ratio: onnx.rps / native.rps, errors, clients };
  } finally {
    await Promise.all(
      servers.map((s) => {
        const exited = new Promise((resolve) => s.child.once('exit', resolve));
        s.child.send({ stop: true });
        return exited;
      }),
    );
  }
}

if (process.argv[2] === '--serve') {
  const server = await serve(process.argv[3] as Kind);
  process.send!({ port: server.port });
  process.on('message', (m: { cpu?: boolean; stop?: boolean }) => {
    if (m.cpu) {
      const u = process.cpuUsage();
      process.send!({ cpuMs: (u.user + u.system) / 1000 });
    }
    if (m.stop) void server.close().then(() => process.exit(0));
  });
} else if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const r = await runOnnxBench();
  const f = (x: number, d = 0) => x.toFixed(d);
  console.log(`onnx serving bench: 1 instance x 30 features per request, ${r.clients} keep-alive clients, log discarded`);
  console.table(
    (['native', 'onnx'] as const).map((k) => ({ model: k === 'native' ? "Bosun's logistic regression" : 'the same, exported to ONNX (onnxruntime)', 'req/s': f(r[k].rps), 'cpu us/req': f(r[k].cpuUsPerRequest), 'paced req/s': f(r[k].pacedRps), 'p50 ms': f(r[k].p50Ms, 2), 'p99 ms': f(r[k].p99Ms, 2) })),
  );
  console.log(`onnx / native req/s: ${f(r.ratio, 3)}; errors: ${r.errors}`);
}
