/**
 * Feature-store serving benchmark: `:predict` by entity key (`{"customer_id": 42}` → one online-store query for
 * the stored features → the fitted graph and model) beside the plain `:predict` path (the client sends every
 * feature) of the same model, in the same server, in the same run.
 *
 * The data are the seeded customers of src/featurestore/synthetic.ts (10 000 customers); the view is materialized
 * into an in-memory PGlite, a logistic regression is fitted on the point-in-time training table and registered
 * twice: `churn-plain` (a run without feature views) and `churn-by-key` (a run whose spec names the view). Both
 * use the same artifacts, so the only difference between the two paths is the lookup. Prediction-log records are
 * discarded (the serving bench measures logging), so the figures compare the request paths alone. The lookup runs
 * against the in-process PGlite, as `bosun dev` does (every query on the serving thread, one at a time), and again
 * against a PostgreSQL server where its binaries are installed (the production setup: a loopback round trip).
 *
 * Throughput of each path is a closed loop of 32 connections; latency an open loop at half of the by-key path's
 * best throughput, both paths at that same rate, best of a few rounds (a shared machine). Target: by-key p99 at
 * half load ≤ 2× the plain path's p99 at the same rate, and ≤ 10 ms.
 *
 *     npx tsx bench/featureStore.ts
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { closedLoad, pacedLoad, percentile, type LoadTarget } from './loadgen';
import { serverExecArgv } from './serverArgv';

const CUSTOMERS = 10_000;

export interface FeatureStoreBenchResult {
  /** Where the online store (and registry) lived: the in-process PGlite or a PostgreSQL server. */
  database: 'pglite' | 'postgres';
  plainRps: number;
  byKeyRps: number;
  /** Requests per second both paths were paced at: half the by-key path's best. */
  halfLoadRps: number;
  plainP99Ms: number;
  byKeyP99Ms: number;
  byKeyP50Ms: number;
  ratio: number;
  errors: number;
}

interface Setup {
  port: number;
  plainBodies: string[];
  byKeyBodies: string[];
}

/** In the child: data, view, materialization, model, two registrations, the serving app. */
async function serve(): Promise<void> {
  const { readTable } = await import('../src/data/read');
  const { openDb } = await import('../src/db/client');
  const { pipelines, runs } = await import('../src/db/schema');
  const { fitFeatures, transformTable } = await import('../src/features');
  const { fitModel } = await import('../src/ml/model');
  const { encodeTarget, resolveTask } = await import('../src/pipeline/target');
  const { registerServedModel } = await import('./servedModel');
  const { FsArtifactStore } = await import('../src/storage/fsStore');
  const { loadConfig } = await import('../src/config');
  const { buildServingApp } = await import('../src/serving/app');
  const { storeSpec } = await import('../src/pipeline/specStore');
  const { customerData } = await import('../src/featurestore/synthetic');
  const { registerFromCode } = await import('../src/featurestore/registry');
  const { materializeView } = await import('../src/featurestore/materialize');
  const { buildTrainingTable, readFeatureViews } = await import('../src/featurestore/offline');
  const { lookupOnline, onlineView } = await import('../src/featurestore/online');

  const home = mkdtempSync(path.join(os.tmpdir(), 'bosun-features-bench-'));
  const store = new FsArtifactStore(path.join(home, 'artifacts'));
  const pgUrl = process.env.BOSUN_BENCH_PG_URL;
  const handle = await openDb(pgUrl ? { kind: 'postgres', url: pgUrl } : { kind: 'pglite', dataDir: 'memory://' });
  const db = handle.db;
  const config = loadConfig({ BOSUN_HOME: home, HOME: process.env.HOME });

  const DAY = 86_400_000;
  const data = customerData({ customers: CUSTOMERS, seed: 1, start: Date.now() - 121 * DAY, days: 120 });
  const activityFile = path.join(home, 'activity.csv');
  writeFileSync(activityFile, data.activityCsv);
  const view = { name: 'customer-activity', entity: 'customer_id', source: activityFile, timestamp: 'event_time', features: ['balance', 'txn_count_30d', 'segment'], ttl: '365d' };
  const v = await registerFromCode(db, view);
  await materializeView({ db, store, config }, view.name, { runId: 'bench' });
  const section = { timestamp: 'label_time', views: [view], onMissing: 'error' as const };
  const entities = await readTable(Buffer.from(data.labelsCsv), 'csv');
  const table = buildTrainingTable(entities, section, await readFeatureViews({ db, store, config }, section), 'status').table;

  const task = resolveTask({ target: 'status', positiveClass: 'churned' }, table);
  const { y } = encodeTarget(table, 'status', task);
  const fitted = fitFeatures({ auto: true }, table, { target: 'status' });
  const model = fitModel({ algorithm: 'logistic_regression', params: {} }, transformTable(fitted, table), y, task, { seed: 1, featureNames: fitted.outputNames });
  const baseSpec = { source: 'bench', target: 'status', model: { algorithm: 'logistic_regression' } };
  const versions: { modelName: string; runId: string }[] = [];
  for (const [name, spec] of [
    ['churn-plain', { ...baseSpec, name: 'churn-plain' }],
    ['churn-by-key', { ...baseSpec, name: 'churn-by-key', featureViews: section }],
  ] as const) {
    // The by-key path finds a model's feature views through its run's spec.
    const [p] = await db.insert(pipelines).values({ name }).returning();
    await db.insert(runs).values({ id: `bench-${name}`, pipelineId: p.id, startedBy: 'bench', specHash: await storeSpec(store, spec) });
    versions.push({ modelName: name, runId: `bench-${name}` });
  }
  await registerServedModel(db, store, { source: 'bench:customers', rows: table.nrows, fitted, model, versions });

  const app = buildServingApp({ db, store, config, logger: false, logWriter: async () => {} });
  await app.listen({ port: 0, host: '127.0.0.1' });
  // Bodies: the same 200 customers both ways (plain: the features the lookup would find).
  const ids = Array.from({ length: 200 }, (_, i) => 1 + ((i * 37) % CUSTOMERS));
  const channels = ['web', 'app', 'branch'];
  const looked = await lookupOnline(db, [onlineView(v)], ids.map((id, i) => ({ customer_id: id, channel: channels[i % 3] })));
  const plainBodies = looked.instances.map(({ customer_id: _id, ...features }) => JSON.stringify({ instances: [features] }));
  const byKeyBodies = ids.map((id, i) => JSON.stringify({ instances: [{ customer_id: id, channel: channels[i % 3] }] }));
  const setup: Setup = { port: (app.server.address() as { port: number }).port, plainBodies, byKeyBodies };
  process.send!(setup);
  process.on('message', (m: { stop?: boolean }) => {
    if (m.stop) void app.close().then(() => handle.close()).then(() => rmSync(home, { recursive: true, force: true })).then(() => process.exit(0));
  });
}


/** One row per database: PGlite (the `bosun dev` default), and PostgreSQL where its binaries are installed. */
export async function runFeatureStoreBench(o: { seconds?: number; rounds?: number } = {}): Promise<FeatureStoreBenchResult[]> {
  const out = [await benchOn(null, o)];
  // Imported here, not at the top: serving.ts serves a child of its own when its argv says --serve, as ours does.
  const { startBenchPostgres } = await import('./serving');
  const pg = await startBenchPostgres();
  if (pg) {
    try {
      out.push(await benchOn(pg.url, o));
    } finally {
      await pg.stop();
    }
  }
  return out;
}

async function benchOn(pgUrl: string | null, o: { seconds?: number; rounds?: number }): Promise<FeatureStoreBenchResult> {
  const ms = (o.seconds ?? 3) * 1000;
  const rounds = o.rounds ?? 3;
  const env = pgUrl ? { ...process.env, BOSUN_BENCH_PG_URL: pgUrl } : { ...process.env, BOSUN_BENCH_PG_URL: '' };
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), ['--serve'], { env, execArgv: serverExecArgv(), stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  try {
    const setup = await new Promise<Setup>((resolve, reject) => {
      child.once('message', (m: Setup) => resolve(m));
      child.once('exit', (code) => reject(new Error(`the feature-store benchmark server exited with code ${code} before listening`)));
    });
    const plain: LoadTarget = { port: setup.port, path: '/v1/models/churn-plain:predict', bodies: setup.plainBodies.map((b) => Buffer.from(b)) };
    const byKey: LoadTarget = { port: setup.port, path: '/v1/models/churn-by-key:predict', bodies: setup.byKeyBodies.map((b) => Buffer.from(b)) };
    let errors = 0;
    const best = { plain: 0, byKey: 0 };
    for (let r = 0; r < rounds; r++) {
      for (const [k, t] of [['plain', plain], ['byKey', byKey]] as const) {
        await closedLoad(t, 32, 1000);
        const run = await closedLoad(t, 32, ms);
        errors += run.errors;
        best[k] = Math.max(best[k], run.done / (run.elapsedMs / 1000));
      }
    }
    const rate = best.byKey / 2;
    const p99 = { plain: Infinity, byKey: Infinity };
    let byKeyP50 = Infinity;
    for (let r = 0; r < rounds; r++) {
      for (const [k, t] of [['plain', plain], ['byKey', byKey]] as const) {
        await pacedLoad(t, rate, 1000);
        const run = await pacedLoad(t, rate, ms);
        errors += run.errors;
        const sorted = Array.from(run.latencies).sort((a, b) => a - b);
        const q = percentile(sorted, 99);
        if (q < p99[k]) {
          p99[k] = q;
          if (k === 'byKey') byKeyP50 = percentile(sorted, 50);
        }
      }
    }
    return { database: pgUrl ? 'postgres' : 'pglite', plainRps: best.plain, byKeyRps: best.byKey, halfLoadRps: rate, plainP99Ms: p99.plain, byKeyP99Ms: p99.byKey, byKeyP50Ms: byKeyP50, ratio: p99.byKey / p99.plain, errors };
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.send({ stop: true });
    await exited;
  }
}

if (process.argv.includes('--serve')) {
  await serve();
} else if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(await runFeatureStoreBench());
}
