/** A real pipeline worker on the test stack, and helpers to submit runs to it. */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection, WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { expect } from 'vitest';
import { createActivities } from '../../../activities';
import { openApp, type AppDeps } from '../../../src/app';
import type { Config } from '../../../src/config';
import { prepareSpec } from '../../../src/pipeline/loadPipeline';
import type { PipelineSpecInput } from '../../../src/pipeline/spec';
import { submitRun } from '../../../src/pipeline/submit';
import { createPipelineWorker } from '../../../workers/createWorker';
import { statusQuery, type RunStatus } from '../../../src/contract/messages';
import { bundleOnce } from './bundle';
import { createTestDatabase, testConfig, uniqueName } from './stack';

export const DATA_DIR = path.resolve(import.meta.dirname, '../../../data');

/** The breast-cancer pipeline most integration tests run; `approval` differs per test. */
export function breastCancerSpec(name: string, approval: PipelineSpecInput['approval']): PipelineSpecInput {
  return {
    name,
    source: 'breast_cancer.csv',
    target: 'diagnosis',
    positiveClass: 'malignant',
    model: { algorithm: 'logistic_regression', search: { strategy: 'grid', space: { c: [0.1, 1] } } },
    evaluation: { primaryMetric: 'roc_auc', gates: [{ metric: 'roc_auc', min: 0.9 }] },
    approval,
  };
}

export interface Harness {
  config: Config;
  app: AppDeps;
  client: Client;
  submit(spec: PipelineSpecInput, o?: { startedBy?: string; noCache?: boolean; workflowId?: string }): Promise<WorkflowHandle>;
  waitForStage(handle: WorkflowHandle, stage: string, timeoutMs?: number): Promise<RunStatus>;
  close(): Promise<void>;
}

export async function startHarness(o: { postgres?: boolean; minio?: boolean; worker?: boolean } = {}): Promise<Harness> {
  const home = mkdtempSync(path.join(os.tmpdir(), 'bosun-run-'));
  const config = testConfig({
    home,
    databaseUrl: o.postgres ? await createTestDatabase() : undefined,
    s3Bucket: o.minio ? uniqueName('bosun') : undefined,
  });
  const app = await openApp(config);
  const connection = await Connection.connect({ address: config.temporal.address });
  const client = new Client({ connection });
  let stopWorker = async () => {};
  if (o.worker !== false) {
    const { worker, connection: wc } = await createPipelineWorker({
      address: config.temporal.address,
      namespace: 'default',
      taskQueue: config.temporal.taskQueue,
      activities: createActivities({ config, db: app.db, store: app.store, temporal: client }),
      bundle: await bundleOnce(),
    });
    const running = worker.run();
    stopWorker = async () => {
      worker.shutdown();
      await running;
      await wc.close();
    };
  }
  return {
    config,
    app,
    client,
    async submit(spec, s = {}) {
      const prepared = await prepareSpec(spec, { baseDir: DATA_DIR, store: app.store });
      return submitRun({ client, store: app.store, taskQueue: config.temporal.taskQueue, prepared, startedBy: s.startedBy ?? 'test-submitter', noCache: s.noCache, workflowId: s.workflowId });
    },
    async waitForStage(handle, stage, timeoutMs = 120_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const status = await handle.query(statusQuery).catch(() => null);
        if (status?.stage === stage) return status;
        const desc = await handle.describe();
        if (desc.status.name !== 'RUNNING') throw new Error(`run ended (${desc.status.name}) before reaching ${stage}; last status ${JSON.stringify(status)}`);
        if (Date.now() > deadline) throw new Error(`run did not reach ${stage} in ${timeoutMs} ms; at ${status?.stage}`);
        await new Promise((r) => setTimeout(r, 300));
      }
    },
    async close() {
      await stopWorker();
      await connection.close();
      await app.close();
    },
  };
}

/**
 * Runs a spec that must fail on bad input: asserts the run failed, that no activity was retried, and returns
 * the innermost BadInput failure's message (the layers above it may wrap or repeat it).
 */
export async function badInputFailure(h: Harness, s: PipelineSpecInput): Promise<{ message: string; runId: string }> {
  const handle = await h.submit(s);
  const err = await handle.result().then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowFailedError);
  const history = await handle.fetchHistory();
  const attempts = history.events!.filter((e) => e.activityTaskStartedEventAttributes).map((e) => Number(e.activityTaskStartedEventAttributes!.attempt));
  expect(Math.max(...attempts), 'bad input must not be retried').toBe(1);
  const chain: Array<Error & { type?: string }> = [];
  for (let e = (err as WorkflowFailedError).cause as (Error & { type?: string; cause?: unknown }) | undefined; e; e = e.cause as typeof e) chain.push(e);
  const bad = chain.filter((e) => e.type === 'BadInput').at(-1);
  expect(bad, `no BadInput failure in ${chain.map((e) => `${e.name}(${e.type ?? ''}): ${e.message}`).join(' <- ')}`).toBeDefined();
  return { message: bad!.message, runId: handle.workflowId };
}
