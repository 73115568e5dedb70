// Custom TypeScript steps on a real Temporal dev server: the step's table is what the model trains on; its
// result is cached by input and code (same code → cached, edited code → re-run); a worker without the step's
// code, or with other code than was submitted, fails the run naming the step and the fix; the step is in
// `bosun status` and `bosun lineage`. And training goes to the training task queue when one is configured.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { lineageCommand } from '../../src/cli/lineage';
import type { Config } from '../../src/config';
import { statusQuery, type RunStatus } from '../../src/contract/messages';
import { featureSets, modelVersions, steps } from '../../src/db/schema';
import type { PipelineSpecInput } from '../../src/pipeline/spec';
import { stepCodeHash } from '../../src/pipeline/userSteps/codeHash';
import { loadStepRegistry, type StepRegistry } from '../../src/pipeline/userSteps/registry';
import { createQueueWorkers, type WorkerQueue } from '../../workers/pipelineWorker';
import { startPythonWorker } from '../../src/python/pythonWorker';
import { bundleOnce } from './support/bundle';
import { breastCancerSpec, startHarness, type Harness } from './support/pipelineHarness';
import { TEST_STEPS_DIR, testPython } from './support/python';
import { uniqueName } from './support/stack';

/** A pipeline file with one transform that derives a column; `factor` stands for an edit of the step's code. */
function pipelineFile(dir: string, name: string, factor: number): string {
  const file = path.join(dir, `${name}-${factor}.mjs`);
  writeFileSync(
    file,
    `export default {
  name: ${JSON.stringify(name)},
  source: 'breast_cancer.csv',
  target: 'diagnosis',
  positiveClass: 'malignant',
  model: { algorithm: 'logistic_regression' },
  evaluation: { primaryMetric: 'roc_auc', gates: [{ metric: 'roc_auc', min: 0.9 }] },
  approval: { autoApprove: true },
  steps: [
    {
      name: 'add-ratio',
      kind: 'transform',
      run: (table) => {
        const col = (n) => table.columns.find((c) => c.name === n).values;
        const radius = col('mean radius'), area = col('mean area');
        const values = Float64Array.from(radius, (r, i) => (${factor} * r * r) / area[i]);
        return { nrows: table.nrows, columns: [...table.columns, { name: 'radius_area_ratio', type: 'numeric', values }] };
      },
    },
  ],
};
`,
  );
  return file;
}

async function importSpec(file: string): Promise<PipelineSpecInput> {
  return ((await import(pathToFileURL(file).href)) as { default: PipelineSpecInput }).default;
}

describe('custom TypeScript steps', () => {
  let h: Harness;
  let dir: string;
  const name = uniqueName('bc-steps');
  let stopWorker: () => Promise<void> = async () => {};

  /** (Re)starts the pipeline worker with the step code it serves, as a restart after a deploy would. */
  async function serve(registry: StepRegistry, config: Config = h.config, queues?: WorkerQueue[]): Promise<() => Promise<void>> {
    const workers = await createQueueWorkers({ config, queues, bundle: await bundleOnce(), deps: { config, db: h.app.db, store: h.app.store, temporal: h.client, userSteps: registry } });
    const running = workers.map((w) => w.worker.run());
    return async () => {
      workers.forEach((w) => w.worker.shutdown());
      await Promise.all(running);
      await Promise.all(workers.map((w) => w.connection.close()));
    };
  }
  const stepState = (s: RunStatus) => s.stages.find((r) => r.name === 'add-ratio');

  beforeAll(async () => {
    h = await startHarness({ worker: false });
    dir = mkdtempSync(path.join(os.tmpdir(), 'bosun-steps-'));
  });
  afterAll(async () => {
    await stopWorker();
    await h?.close();
  });

  it('runs the step before validation, caches it by code, and refuses code the worker does not have', async () => {
    const v1 = pipelineFile(dir, name, 1);
    const v2 = pipelineFile(dir, name, 2);
    const spec1 = await importSpec(v1);
    const spec2 = await importSpec(v2);
    stopWorker = await serve(await loadStepRegistry([v1]));

    const run = async (spec: PipelineSpecInput): Promise<{ handle: WorkflowHandle; status: RunStatus }> => {
      const handle = await h.submit(spec);
      await handle.result();
      return { handle, status: await handle.query(statusQuery) };
    };

    // First run: the step runs, and it is listed right after ingest in `bosun status`.
    const first = await run(spec1);
    expect(first.status.stages.map((s) => s.name).slice(0, 3)).toEqual(['ingest', 'add-ratio', 'validate']);
    expect(stepState(first.status)).toMatchObject({ state: 'succeeded', summary: '569 rows × 32 columns' });
    // The model trained on the derived column.
    const [mv] = await h.app.db.select().from(modelVersions).where(eq(modelVersions.runId, first.handle.workflowId));
    const [fs] = await h.app.db.select().from(featureSets).where(eq(featureSets.id, mv.featureSetId!));
    expect(fs.featureNames).toContain('radius_area_ratio');
    const [row1] = await h.app.db.select().from(steps).where(and(eq(steps.runId, first.handle.workflowId), eq(steps.name, 'add-ratio')));
    expect(row1.output).toMatchObject({ step: 'add-ratio', runtime: 'typescript', codeHash: stepCodeHash((spec1.steps![0] as unknown as { run: () => unknown }).run) });
    // The evaluation report names the step with its code hash.
    const [evalRow] = await h.app.db.select().from(steps).where(and(eq(steps.runId, first.handle.workflowId), eq(steps.name, 'evaluate')));
    const report = (await h.app.store.get((evalRow.output as { reportHash: string }).reportHash)).toString('utf8');
    expect(report).toContain(`<tr><td><code>add-ratio</code></td><td>typescript</td><td><code>${(row1.output as { codeHash: string }).codeHash.slice(0, 12)}</code></td>`);

    // Same code, same data: served from the step cache.
    const second = await run(spec1);
    expect(stepState(second.status)?.state).toBe('cached');

    // Edited code, worker restarted with it: the step runs again and makes another table.
    await stopWorker();
    stopWorker = await serve(await loadStepRegistry([v2]));
    const third = await run(spec2);
    expect(stepState(third.status)?.state).toBe('succeeded');
    const [row3] = await h.app.db.select().from(steps).where(and(eq(steps.runId, third.handle.workflowId), eq(steps.name, 'add-ratio')));
    expect((row3.output as { tableHash: string }).tableHash).not.toBe((row1.output as { tableHash: string }).tableHash);

    // The old file submitted to the worker serving the edited one: refused, with the fix.
    const stale = await h.submit(spec1);
    const staleErr = await stale.result().catch((e: unknown) => e);
    expect(staleErr).toBeInstanceOf(WorkflowFailedError);
    expect((staleErr as WorkflowFailedError).cause?.message).toMatch(/^add-ratio: step "add-ratio" of pipeline "bc-steps-[^"]+": the worker runs other code than the pipeline that was submitted .*restart the pipeline workers/);

    // A worker that never registered the pipeline: refused, naming the step and BOSUN_PIPELINES, not retried.
    await stopWorker();
    stopWorker = await serve(await loadStepRegistry([]));
    const missing = await h.submit(spec2);
    const missingErr = await missing.result().catch((e: unknown) => e);
    expect((missingErr as WorkflowFailedError).cause?.message).toMatch(/step "add-ratio" of pipeline "bc-steps-[^"]+": this pipeline worker has no code for it \(it was started without BOSUN_PIPELINES\); add the pipeline file to BOSUN_PIPELINES/);
    const attempts = (await missing.fetchHistory()).events!.filter((e) => e.activityTaskStartedEventAttributes).map((e) => Number(e.activityTaskStartedEventAttributes!.attempt));
    expect(Math.max(...attempts)).toBe(1);

    // Lineage: ingested dataset → the step (its code hash, input and output tables) → features → model.
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const l = await lineageCommand(h.app, name, mv.version);
    vi.restoreAllMocks();
    const out1 = row1.output as { tableHash: string; inputTableHash: string; codeHash: string; datasetVersionId: number };
    expect(l.steps).toEqual([{ name: 'add-ratio', runId: first.handle.workflowId, codeSha256: out1.codeHash, inputTableSha256: out1.inputTableHash, outputTableSha256: out1.tableHash, datasetVersionId: out1.datasetVersionId }]);
    expect(l.dataset?.tableSha256).toBe(out1.inputTableHash);
    expect(l.dataset?.source).toMatch(/breast_cancer\.csv$/);
  });

  it('runs a Python transform on the Python worker: its table is trained on, cached by its declared version', async () => {
    const config: Config = { ...h.config, temporal: { ...h.config.temporal, pythonTaskQueue: uniqueName('tq-python') } };
    await stopWorker();
    const stopNode = await serve(await loadStepRegistry([]), config);
    stopWorker = stopNode;
    const py = await startPythonWorker({ python: testPython(), stepModules: ['bosun_test_steps'], taskQueue: config.temporal.pythonTaskQueue, config, logFile: path.join(dir, 'python.log'), pythonPath: [TEST_STEPS_DIR], dieWithParent: true });
    stopWorker = async () => {
      await stopNode();
      await py.stop();
    };
    const spec: PipelineSpecInput = { ...breastCancerSpec(uniqueName('bc-python'), { autoApprove: true }), steps: [{ name: 'py-ratio', kind: 'transform', python: 'bosun_test_steps:add_ratio', version: '1' }] };
    const first = await h.submit(spec);
    expect(await first.result()).toMatchObject({ status: 'succeeded' });
    const status = await first.query(statusQuery);
    expect(status.stages.find((s) => s.name === 'py-ratio')).toMatchObject({ state: 'succeeded', summary: '569 rows × 32 columns' });
    const [mv] = await h.app.db.select().from(modelVersions).where(eq(modelVersions.runId, first.workflowId));
    const [fs] = await h.app.db.select().from(featureSets).where(eq(featureSets.id, mv.featureSetId!));
    expect(fs.featureNames).toContain('radius to texture');
    // The step ran on the Python queue; the Python worker's own code hash is what lineage records.
    const scheduled = (await first.fetchHistory()).events!.map((e) => e.activityTaskScheduledEventAttributes).filter((a) => !!a);
    expect(scheduled.filter((a) => a.activityType?.name === 'bosunTransformStep').map((a) => a.taskQueue?.name)).toEqual([config.temporal.pythonTaskQueue]);
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const l = await lineageCommand(h.app, spec.name, mv.version);
    vi.restoreAllMocks();
    expect(l.steps).toEqual([expect.objectContaining({ name: 'py-ratio', runId: first.workflowId, codeSha256: expect.stringMatching(/^[0-9a-f]{64}$/) })]);

    // Same input and version: served from the cache, Python not called.
    const second = await h.submit(spec);
    await second.result();
    expect((await second.query(statusQuery)).stages.find((s) => s.name === 'py-ratio')?.state).toBe('cached');
    const called = (await second.fetchHistory()).events!.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'bosunTransformStep');
    expect(called).toHaveLength(0);

    // A Python train step: fitted on the training rows' features, its ONNX model registered, evaluated and deployed.
    const trainSpec: PipelineSpecInput = { ...breastCancerSpec(uniqueName('bc-pyfit'), { autoApprove: true }), steps: [{ name: 'py-fit', kind: 'train', python: 'bosun_test_steps:fit_logistic', params: { c: 1 } }] };
    const fit = await h.submit(trainSpec);
    expect(await fit.result()).toMatchObject({ status: 'succeeded', deployed: true });
    const [fitted] = await h.app.db.select().from(modelVersions).where(eq(modelVersions.runId, fit.workflowId));
    expect(fitted.params).toMatchObject({ step: 'py-fit', entry: 'bosun_test_steps:fit_logistic', framework: expect.stringContaining('LogisticRegression') });
    const fitEvents = (await fit.fetchHistory()).events!.map((e) => e.activityTaskScheduledEventAttributes).filter((a) => !!a);
    expect(fitEvents.filter((a) => a.activityType?.name === 'bosunTrainStep').map((a) => a.taskQueue?.name)).toEqual([config.temporal.pythonTaskQueue]);
    expect(fitEvents.some((a) => a.activityType?.name === 'train')).toBe(false);
  });

  it('trains on the training task queue, which only the training worker polls', async () => {
    const config: Config = { ...h.config, temporal: { ...h.config.temporal, trainingTaskQueue: uniqueName('tq-training') } };
    await stopWorker();
    const registry = await loadStepRegistry([]);
    const stopPipeline = await serve(registry, config, ['pipeline']);
    const stopTraining = await serve(registry, config, ['training']);
    stopWorker = async () => {
      await stopPipeline();
      await stopTraining();
    };
    const spec: PipelineSpecInput = { ...(await importSpec(pipelineFile(dir, uniqueName('bc-queue'), 1))), steps: undefined };
    const handle = await h.submit(spec);
    expect(await handle.result()).toMatchObject({ status: 'succeeded' });
    const scheduled = (await handle.fetchHistory()).events!.map((e) => e.activityTaskScheduledEventAttributes).filter((a) => !!a);
    const queueOf = (type: string) => scheduled.filter((a) => a.activityType?.name === type).map((a) => a.taskQueue?.name);
    expect(queueOf('train')).toEqual([config.temporal.trainingTaskQueue]);
    expect(queueOf('features')).toEqual([config.temporal.taskQueue]);
  });
});
