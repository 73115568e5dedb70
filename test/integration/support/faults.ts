/**
 * For the fault tests: a pipeline worker and client on servers the test starts (and kills) itself, a
 * pipeline whose training takes several seconds, and the consistency checks every fault test makes.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { and, eq, notExists, sql } from 'drizzle-orm';
import { expect } from 'vitest';
import { createActivities } from '../../../activities';
import { openApp, type AppDeps } from '../../../src/app';
import { loadConfig, type Config } from '../../../src/config';
import { artifacts, datasets, datasetVersions, deployments, modelAliases, modelVersions, runs, steps } from '../../../src/db/schema';
import { prepareSpec } from '../../../src/pipeline/loadPipeline';
import type { PipelineSpecInput } from '../../../src/pipeline/spec';
import { submitRun } from '../../../src/pipeline/submit';
import { createPipelineWorker } from '../../../workers/createWorker';
import { sleep } from '../../../src/stack/process';
import { bundleOnce } from './bundle';
import { DATA_DIR } from './pipelineHarness';
import { stack, uniqueName } from './stack';

export interface FaultHarness {
  config: Config;
  app: AppDeps;
  client: Client;
  submit(spec: PipelineSpecInput): Promise<WorkflowHandle>;
  close(): Promise<void>;
}

/** A worker in this process on the given servers (defaults: the suite's Temporal, a fresh PGlite, files). */
export async function startFaultHarness(o: {
  temporalAddress?: string;
  databaseUrl?: string;
  s3?: { endpoint: string; accessKey: string; secretKey: string; bucket: string };
}): Promise<FaultHarness> {
  const home = mkdtempSync(path.join(os.tmpdir(), 'bosun-fault-'));
  const config = loadConfig({
    BOSUN_HOME: home,
    TEMPORAL_ADDRESS: o.temporalAddress ?? stack().temporalAddress,
    BOSUN_TASK_QUEUE: uniqueName('tq'),
    DATABASE_URL: o.databaseUrl,
    ...(o.s3
      ? { BOSUN_ARTIFACTS_URL: `s3://${o.s3.bucket}`, BOSUN_S3_ENDPOINT: o.s3.endpoint, BOSUN_S3_ACCESS_KEY: o.s3.accessKey, BOSUN_S3_SECRET_KEY: o.s3.secretKey }
      : {}),
    HOME: process.env.HOME,
  });
  const app = await openApp(config);
  const connection = await Connection.connect({ address: config.temporal.address });
  const client = new Client({ connection });
  const { worker, connection: wc } = await createPipelineWorker({
    address: config.temporal.address,
    namespace: 'default',
    taskQueue: config.temporal.taskQueue,
    activities: createActivities({ config, db: app.db, store: app.store, temporal: client }),
    bundle: await bundleOnce(),
  });
  const running = worker.run();
  let workerError: unknown;
  running.catch((e: unknown) => (workerError = e));
  return {
    config,
    app,
    client,
    async submit(spec) {
      const prepared = await prepareSpec(spec, { baseDir: DATA_DIR, store: app.store });
      return submitRun({ client, store: app.store, taskQueue: config.temporal.taskQueue, prepared, startedBy: 'fault-test' });
    },
    async close() {
      if (!workerError) {
        worker.shutdown();
        await running.catch(() => {});
      }
      await wc.close().catch(() => {});
      await connection.close();
      await app.close();
      if (workerError) throw workerError;
    },
  };
}

/**
 * Training that takes several seconds, so a fault surely lands in the middle of it: the fair-affairs data
 * five times over (31,830 rows) and a thousand boosting rounds. Many rows rather than many trees, and a
 * small holdout, keep evaluation quick (it predicts the holdout with every tree, many times over).
 */
export function slowTrainingSpec(name: string): PipelineSpecInput {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bosun-fault-data-'));
  const [header, ...rows] = readFileSync(path.join(DATA_DIR, 'fair.csv'), 'utf8').trimEnd().split('\n');
  const file = path.join(dir, 'fair-x5.csv');
  writeFileSync(file, [header, ...rows, ...rows, ...rows, ...rows, ...rows].join('\n') + '\n');
  return {
    name,
    source: file,
    target: 'affairs',
    task: 'regression',
    split: { strategy: 'random', testSize: 0.02 },
    model: { algorithm: 'gbdt', params: { maxIter: 1000, learningRate: 0.05, maxLeafNodes: 31, minSamplesLeaf: 20, earlyStopping: false } },
    approval: { autoApprove: true },
  };
}

/** Until the train activity has reported progress through a heartbeat (so it is mid-fit). */
export async function waitForTraining(handle: WorkflowHandle, timeoutMs = 120_000): Promise<void> {
  await waitFor('the train activity to heartbeat', async () => {
    const desc = await handle.describe();
    if (desc.status.name !== 'RUNNING') throw new Error(`run ended (${desc.status.name}) before training`);
    const train = desc.raw.pendingActivities?.find((a) => a.activityType?.name === 'train');
    return !!train?.heartbeatDetails?.payloads?.length;
  }, timeoutMs);
}

/** Until the train activity has failed at least once; returns its last failure with its causes, one per line. */
export async function waitForTrainFailure(handle: WorkflowHandle, timeoutMs = 120_000): Promise<string> {
  return waitFor('the train activity to fail while the server is down', async () => {
    const desc = await handle.describe().catch(() => null);
    const train = desc?.raw.pendingActivities?.find((a) => a.activityType?.name === 'train');
    const lines: string[] = [];
    for (let f = train?.lastFailure; f; f = f.cause) lines.push(f.message ?? '');
    return lines.length ? lines.join('\n') : null;
  }, timeoutMs);
}

export async function waitFor<T>(what: string, probe: () => Promise<T>, timeoutMs = 60_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe().catch(() => null);
    if (v) return v as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}`);
    await sleep(200);
  }
}

/** kill -9 of a process and every process it started (PostgreSQL's backends), as a crash does. */
export function killTree(pid: number): void {
  const children = readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        // Field 4 of /proc/<pid>/stat is the parent pid; the name (field 2) is in parentheses.
        return Number(readFileSync(`/proc/${d}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ')[1]) === pid;
      } catch {
        return false;
      }
    })
    .map(Number);
  process.kill(pid, 'SIGKILL');
  for (const c of children) {
    try {
      process.kill(c, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/**
 * The run finished exactly once and left the database consistent: one succeeded run row, one model
 * version (and it is production, once), no step left running, no dataset without a version.
 */
export async function expectFinishedOnce(h: FaultHarness, handle: WorkflowHandle, model: string): Promise<void> {
  const result = await handle.result();
  if (process.env.BOSUN_FAULT_TIMELINE) {
    const events = (await handle.fetchHistory()).events!;
    const t0 = Number(events[0].eventTime!.seconds);
    for (const e of events) {
      const name = e.activityTaskScheduledEventAttributes?.activityType?.name ?? '';
      console.log(`${Number(e.eventTime!.seconds) - t0}s ${e.eventType} ${name} ${e.activityTaskStartedEventAttributes?.attempt ?? ''}`);
    }
    for (const st of await h.app.db.select().from(steps).where(eq(steps.runId, handle.workflowId))) console.log(`step ${st.name} ${st.status} ${st.durationMs} ms`);
  }
  expect(result).toMatchObject({ status: 'succeeded', modelVersion: 1, deployed: true });
  const db = h.app.db;
  const runId = handle.workflowId;
  const [run] = await db.select().from(runs).where(eq(runs.id, runId));
  expect(run).toMatchObject({ status: 'succeeded' });
  expect(run.finishedAt).toBeInstanceOf(Date);
  const versions = await db.select().from(modelVersions);
  expect(versions.map((v) => [v.modelName, v.version, v.runId, v.status])).toEqual([[model, 1, runId, 'production']]);
  expect(await db.select().from(modelAliases).where(eq(modelAliases.alias, 'production'))).toHaveLength(1);
  expect((await db.select().from(deployments)).map((d) => d.status)).toEqual(['live']);
  const stepRows = await db.select().from(steps).where(eq(steps.runId, runId));
  expect(stepRows.filter((s) => s.status !== 'succeeded').map((s) => `${s.name}: ${s.status}`)).toEqual([]);
  for (const name of ['ingest', 'validate', 'features', 'train', 'evaluate']) expect(stepRows.map((s) => s.name)).toContain(name);
  const orphanDatasets = await db
    .select({ id: datasets.id })
    .from(datasets)
    .where(notExists(db.select({ one: sql`1` }).from(datasetVersions).where(and(eq(datasetVersions.datasetId, datasets.id)))));
  expect(orphanDatasets).toEqual([]);
  // Every artifact the database names is in the store and its bytes hash to its name (get() verifies).
  const rows = await db.select().from(artifacts);
  expect(rows.length).toBeGreaterThan(0);
  for (const a of rows) expect((await h.app.store.get(a.hash)).length).toBe(a.size);
}
