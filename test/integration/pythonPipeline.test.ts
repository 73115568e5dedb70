/**
 * The example pipelines/sklearn-python.ts end to end, on the real Temporal dev server, on PGlite and on PostgreSQL:
 * its Python train step (pipelines/python/breast_cancer_steps.py) fits scikit-learn on the Python worker, which
 * exports ONNX; Bosun evaluates it (gates, report), an approver approves with the real `temporal` CLI, it is
 * deployed and served over HTTP, and the served probabilities equal scikit-learn's predict_proba on the same rows.
 * And a Python worker killed with SIGKILL mid-fit is restarted by its supervisor (as `bosun dev` does): the run
 * finishes once, with one model version.
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { WorkflowHandle } from '@temporalio/client';
import { and, eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config';
import type { UserStepInput } from '../../src/contract/steps';
import type { EvaluateResult } from '../../src/contract/types';
import { readTable } from '../../src/data/read';
import { isFloatColumn } from '../../src/data/table';
import { modelVersions, predictionLog, steps } from '../../src/db/schema';
import { readPipelineFile } from '../../src/pipeline/loadPipeline';
import type { PipelineSpecInput } from '../../src/pipeline/spec';
import { loadStepRegistry } from '../../src/pipeline/userSteps/registry';
import { PYTHON_PACKAGE_DIR, pythonSettings, supervisePythonWorker, type PythonWorkerService } from '../../src/python/pythonWorker';
import { buildServingApp } from '../../src/serving/app';
import { findProgram } from '../../src/stack/binaries';
import type { Supervisor } from '../../src/stack/supervisor';
import { createQueueWorkers } from '../../workers/pipelineWorker';
import { bundleOnce } from './support/bundle';
import { DATA_DIR, startHarness, type Harness } from './support/pipelineHarness';
import { TEST_STEPS_DIR, testPython } from './support/python';
import { stack, uniqueName } from './support/stack';

const exec = promisify(execFile);
const REPO = path.resolve(import.meta.dirname, '../..');
const EXAMPLE = path.join(REPO, 'pipelines/sklearn-python.ts');
const EXAMPLE_STEPS = path.join(REPO, 'pipelines/python/breast_cancer_steps.py');
// The shared copy beside the checkout when there is one (CI lays it there), else the repository's.
const SHARED = path.resolve(REPO, '../shared/data/breast_cancer.csv');
const BREAST_CANCER = existsSync(SHARED) ? SHARED : path.join(DATA_DIR, 'breast_cancer.csv');
const TOKEN = 'python-pipeline-token';

/** Refits the example's step on the very table the run gave it and scores the rows serving was sent. */
const REFERENCE_SCRIPT = `
import json, sys
import pandas as pd, pyarrow.parquet as pq
from breast_cancer_steps import fit_scaled_logistic
parquet_file, step_input, instances = sys.argv[1], json.loads(sys.argv[2]), json.load(open(sys.argv[3]))
df = pq.read_table(parquet_file).to_pandas()
model = fit_scaled_logistic(df, step_input["target"], step_input.get("params") or {}, step_input.get("seed"))
X = pd.DataFrame(instances)[list(model.feature_names_in_)]
print(json.dumps({"rows": len(df), "classes": [str(c) for c in model.classes_], "proba": model.predict_proba(X).tolist()}))
`;

describe.each([
  { db: 'PGlite', postgres: false },
  { db: 'PostgreSQL', postgres: true },
])('pipelines/sklearn-python.ts on $db', ({ postgres }) => {
  let h: Harness;
  let python: string;
  let pyWorker: Supervisor<PythonWorkerService>;
  let stopNode: () => Promise<void> = async () => {};
  let serving: FastifyInstance;
  let base: string;
  let temporalCli: string;
  let example: PipelineSpecInput;
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'bosun-pypipe-'));
  const pyQueue = uniqueName('tq-python');

  beforeAll(async () => {
    python = testPython();
    h = await startHarness({ postgres, worker: false });
    temporalCli = findProgram('temporal', { explicit: h.config.temporal.cliPath, cacheDir: h.config.cacheDir });
    example = await readPipelineFile(EXAMPLE);
    // The pipeline worker as `bosun dev --run pipelines/sklearn-python.ts` runs it: serving the file it runs.
    const config: Config = { ...h.config, temporal: { ...h.config.temporal, pythonTaskQueue: pyQueue } };
    const workers = await createQueueWorkers({ config, bundle: await bundleOnce(), deps: { config, db: h.app.db, store: h.app.store, temporal: h.client, userSteps: await loadStepRegistry([EXAMPLE]) } });
    const running = workers.map((w) => w.worker.run());
    stopNode = async () => {
      workers.forEach((w) => w.worker.shutdown());
      await Promise.all(running);
      await Promise.all(workers.map((w) => w.connection.close()));
    };
    // The Python worker as `bosun dev` starts it: settings from BOSUN_PYTHON_STEPS (the example's file by path),
    // supervised so a killed worker is restarted. The fixture module adds the slow step the kill test needs.
    const settings = pythonSettings({ BOSUN_PYTHON: python, BOSUN_PYTHON_STEPS: `${EXAMPLE_STEPS},bosun_test_steps`, BOSUN_PYTHON_TASK_QUEUE: pyQueue }, REPO);
    expect(settings).toMatchObject({ stepModules: ['breast_cancer_steps', 'bosun_test_steps'], pythonPath: [path.dirname(EXAMPLE_STEPS)] });
    pyWorker = await supervisePythonWorker({
      ...settings!,
      pythonPath: [...settings!.pythonPath!, TEST_STEPS_DIR],
      config,
      logFile: path.join(scratch, 'python-worker.log'),
      dieWithParent: true,
      log: () => undefined,
    });
    serving = buildServingApp({ db: h.app.db, store: h.app.store, config: { ...h.config, serve: { ...h.config.serve, token: TOKEN } }, pollMs: 200, logFlushMs: 200, logger: false });
    await serving.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(serving.server.address() as { port: number }).port}`;
  }, 900_000);
  afterAll(async () => {
    await serving?.close();
    await pyWorker?.stop();
    await stopNode();
    await h?.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  /** The example, renamed per test and reading the shared data; `extra` replaces fields (e.g. the step). */
  const exampleSpec = (name: string, extra: Partial<PipelineSpecInput> = {}): PipelineSpecInput => ({ ...example, name, source: BREAST_CANCER, ...extra });

  /** `temporal workflow signal`, as an approver types it. */
  const approve = (workflowId: string, input: object) =>
    exec(temporalCli, ['workflow', 'signal', '--address', stack().temporalAddress, '--namespace', 'default', '--workflow-id', workflowId, '--name', 'approve', '--input', JSON.stringify(input)]);

  /** The bosunTrainStep activity's input as the run scheduled it (the table reference the Python worker read). */
  async function trainStepInput(handle: WorkflowHandle): Promise<UserStepInput> {
    const events = (await handle.fetchHistory()).events!;
    const scheduled = events.map((e) => e.activityTaskScheduledEventAttributes).filter((a) => a?.activityType?.name === 'bosunTrainStep');
    expect(scheduled).toHaveLength(1);
    return JSON.parse(Buffer.from(scheduled[0]!.input!.payloads![0].data!).toString('utf8')) as UserStepInput;
  }

  it('trains in Python, exports ONNX, evaluates, is approved with the temporal CLI, deployed, and served equal to predict_proba', async () => {
    const name = uniqueName('bc-sklearn');
    const handle = await h.submit(exampleSpec(name));
    await h.waitForStage(handle, 'awaiting_approval', 300_000);

    // Registered from the Python step's ONNX: one candidate version, the step and framework recorded.
    const versions = await h.app.db.select().from(modelVersions).where(eq(modelVersions.modelName, name));
    expect(versions).toHaveLength(1);
    expect(versions[0]).toMatchObject({ version: 1, algorithm: 'onnx', status: 'candidate', runId: handle.workflowId });
    expect(versions[0].params).toMatchObject({ step: 'sklearn-fit', entry: 'breast_cancer_steps:fit_scaled_logistic', framework: 'sklearn.pipeline.Pipeline(StandardScaler, LogisticRegression)' });

    // Evaluated on the held-out rows: the example's gates passed, and the report names the Python step.
    const [evalRow] = await h.app.db.select().from(steps).where(and(eq(steps.runId, handle.workflowId), eq(steps.name, 'evaluate')));
    const evaluation = evalRow.output as EvaluateResult;
    expect(evaluation.blessed).toBe(true);
    expect(evaluation.metrics.roc_auc).toBeGreaterThanOrEqual(0.95);
    expect(evaluation.metrics.recall).toBeGreaterThanOrEqual(0.85);
    const report = (await h.app.store.get(evaluation.reportHash)).toString('utf8');
    expect(report).toContain('roc_auc');
    expect(report).toMatch(/<code>sklearn-fit<\/code><\/td><td>python<\/td>/);

    // Approved by a clinical lead from the command line, as the example's approval policy asks.
    await approve(handle.workflowId, { reviewer: 'dr-ada', comment: 'metrics reviewed' });
    expect(await handle.result()).toEqual({ status: 'succeeded', modelVersion: 1, deployed: true });

    // Served over HTTP: rows of the data set, as a client sends them.
    const table = await readTable(readFileSync(BREAST_CANCER), 'csv');
    const cols = table.columns.filter(isFloatColumn).filter((c) => c.name !== 'diagnosis');
    expect(cols).toHaveLength(30);
    const instances = Array.from({ length: 60 }, (_, k) => Object.fromEntries(cols.map((c) => [c.name, c.values[k * 9] as number])));
    type Served = { model_version: string; predictions: Array<{ label: string; probabilities: Record<string, number> }> };
    let served: Served | undefined;
    for (const deadline = Date.now() + 30_000; !served; ) {
      const res = await fetch(`${base}/v1/models/${name}:predict`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` }, body: JSON.stringify({ instances }) });
      if (res.status === 200) served = (await res.json()) as Served;
      else if (Date.now() > deadline) throw new Error(`serving never answered 200 (last ${res.status}: ${await res.text()})`);
      else await new Promise((r) => setTimeout(r, 200));
    }
    expect(served.model_version).toBe('1');
    expect(served.predictions).toHaveLength(instances.length);

    // What serving saw, from its prediction log (row i of the request is `<request id>/<i>`): the reference scores
    // these. The example's features pass the columns through, so they are the model's inputs as they are.
    let logged: Array<{ requestId: string; features: unknown }> = [];
    for (const deadline = Date.now() + 20_000; logged.length < instances.length; await new Promise((r) => setTimeout(r, 200))) {
      logged = await h.app.db.select({ requestId: predictionLog.requestId, features: predictionLog.features }).from(predictionLog).where(eq(predictionLog.modelName, name));
      if (Date.now() > deadline) throw new Error(`the prediction log has ${logged.length} of ${instances.length} rows`);
    }
    const seen = logged.sort((a, b) => Number(a.requestId.split('/').at(-1)) - Number(b.requestId.split('/').at(-1))).map((r) => (typeof r.features === 'string' ? JSON.parse(r.features) : r.features) as Record<string, number>);
    expect(seen).toEqual(instances);

    // scikit-learn's own answer: the step refitted on the exact table the run gave it (its training rows, read back
    // from the store by the reference the activity was scheduled with), scoring the rows serving saw.
    const input = await trainStepInput(handle);
    const parquetFile = path.join(scratch, `${name}.parquet`);
    writeFileSync(parquetFile, await h.app.store.get(input.table.sha256));
    const instancesFile = path.join(scratch, `${name}-instances.json`);
    writeFileSync(instancesFile, JSON.stringify(seen));
    const out = execFileSync(python, ['-c', REFERENCE_SCRIPT, parquetFile, JSON.stringify(input), instancesFile], {
      encoding: 'utf8',
      env: { ...process.env, PYTHONPATH: [PYTHON_PACKAGE_DIR, path.dirname(EXAMPLE_STEPS)].join(path.delimiter), PYTHONWARNINGS: 'ignore' },
    });
    const ref = JSON.parse(out.trim().split('\n').at(-1)!) as { rows: number; classes: string[]; proba: number[][] };
    // Training rows only (the stratified 75%), never the test rows evaluation scored.
    expect(ref.rows).toBe(input.table.rows);
    expect(ref.rows).toBeGreaterThan(400);
    expect(ref.rows).toBeLessThan(table.nrows);
    expect(ref.classes).toEqual(['benign', 'malignant']);
    let maxDiff = 0;
    served.predictions.forEach((p, i) => {
      ref.classes.forEach((c, k) => (maxDiff = Math.max(maxDiff, Math.abs(p.probabilities[c] - ref.proba[i][k]))));
      expect(p.label).toBe(ref.proba[i][1] > ref.proba[i][0] ? 'malignant' : 'benign');
    });
    expect(maxDiff).toBeLessThan(1e-6);
    // Not a vacuous match: the rows span both classes with confident and unsure scores.
    expect(new Set(served.predictions.map((p) => p.label)).size).toBe(2);
  });

  it('finishes once, with one model version, after the Python worker is killed with SIGKILL mid-fit', async () => {
    const name = uniqueName('bc-sklearn-kill');
    const markers = mkdtempSync(path.join(scratch, 'markers-'));
    // The fixture's slow_fit drops a marker as it starts, sleeps, then fits; the kill lands in the sleep.
    const spec = exampleSpec(name, {
      steps: [{ name: 'sklearn-fit', kind: 'train', python: 'bosun_test_steps:slow_fit', params: { seconds: 10, markerDir: markers } }],
      approval: { autoApprove: true },
    });
    const handle = await h.submit(spec);
    const first = pyWorker.current();
    for (const deadline = Date.now() + 300_000; !readdirSync(markers).some((n) => n.startsWith('attempt-')); ) {
      if (Date.now() > deadline) throw new Error('the Python train step never started');
      await new Promise((r) => setTimeout(r, 100));
    }
    process.kill(first.pid, 'SIGKILL');
    expect(await first.exited).toBe('SIGKILL');
    expect(readdirSync(markers).filter((n) => n.startsWith('done-'))).toEqual([]);

    // The supervisor restarts the worker; Temporal retries the step on it after the heartbeat timeout.
    expect(await handle.result()).toEqual({ status: 'succeeded', modelVersion: 1, deployed: true });
    expect(pyWorker.current().pid).not.toBe(first.pid);

    const versions = await h.app.db.select().from(modelVersions).where(eq(modelVersions.modelName, name));
    expect(versions).toHaveLength(1);
    expect(versions[0]).toMatchObject({ version: 1, runId: handle.workflowId });
    const events = (await handle.fetchHistory()).events!;
    const trainScheduled = events.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'bosunTrainStep').map((e) => String(e.eventId));
    expect(trainScheduled).toHaveLength(1);
    const completed = events.filter((e) => trainScheduled.includes(String(e.activityTaskCompletedEventAttributes?.scheduledEventId)));
    expect(completed).toHaveLength(1);
    const attempt = events.find((e) => trainScheduled.includes(String(e.activityTaskStartedEventAttributes?.scheduledEventId)))?.activityTaskStartedEventAttributes?.attempt;
    expect(Number(attempt), 'the step was retried after the kill').toBeGreaterThan(1);
    // One attempt per worker process; only the one on the restarted worker got past the sleep and fitted.
    const attempts = readdirSync(markers).filter((n) => n.startsWith('attempt-'));
    expect(new Set(attempts.map((n) => n.split('-')[1])).size).toBe(2);
    expect(readdirSync(markers).filter((n) => n.startsWith('done-'))).toEqual([`done-${pyWorker.current().pid}`]);
    const trainRows = await h.app.db.select().from(steps).where(and(eq(steps.runId, handle.workflowId), eq(steps.name, 'sklearn-fit')));
    expect(trainRows).toHaveLength(1);
  });
});
