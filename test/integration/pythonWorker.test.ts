/**
 * The Python worker for real: python -m bosun_worker (official temporalio SDK) on its own task queue, the
 * pythonStep workflow on the pipeline worker calling it, the Temporal dev server, and the artifact store on the
 * filesystem and on MinIO. The interpreter comes from BOSUN_PYTHON or scripts/python-env.sh (support/python.ts).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ActivityFailure, ApplicationFailure, CancelledFailure, WorkflowFailedError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TableRef, UserStepInput, UserStepResult } from '../../src/contract/steps';
import { readParquet } from '../../src/data/parquet';
import { writeParquet } from '../../src/data/parquetWrite';
import { readTable } from '../../src/data/read';
import { getColumn, isFloatColumn } from '../../src/data/table';
import { PYTHON_PACKAGE_DIR, startPythonWorker, type PythonWorkerService } from '../../src/python/pythonWorker';
import { pythonStep, type PythonStepOptions } from '../../workflows/pythonStep';
import { DATA_DIR, startHarness, type Harness } from './support/pipelineHarness';
import { TEST_STEPS_DIR, testPython } from './support/python';
import { uniqueName } from './support/stack';

// The shared copy beside the checkout when there is one (CI lays it there), else the repository's.
const SHARED = path.resolve(import.meta.dirname, '../../../shared/data/breast_cancer.csv');
const BREAST_CANCER = existsSync(SHARED) ? SHARED : path.join(DATA_DIR, 'breast_cancer.csv');

interface Fixture {
  h: Harness;
  python: string;
  queue: string;
  table: TableRef;
  parquetFile: string;
  workers: PythonWorkerService[];
  logFile: string;
  startWorker(): Promise<PythonWorkerService>;
  run(input: Partial<UserStepInput>, o?: PythonStepOptions): Promise<UserStepResult>;
  start(input: Partial<UserStepInput>, o?: PythonStepOptions): ReturnType<Harness['client']['workflow']['start']>;
  close(): Promise<void>;
}

async function fixture(o: { minio: boolean }): Promise<Fixture> {
  const python = testPython();
  const h = await startHarness({ minio: o.minio });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bosun-pytest-'));
  const queue = uniqueName('bosun-python');
  // The training table as the TypeScript side writes it: CSV read by Bosun, written as Parquet to the store.
  const parsed = await readTable(readFileSync(BREAST_CANCER), 'csv');
  const parquet = writeParquet(parsed);
  const parquetFile = path.join(dir, 'breast_cancer.parquet');
  writeFileSync(parquetFile, parquet);
  const ref = await h.app.store.put(parquet);
  const table: TableRef = { sha256: ref.hash, format: 'parquet', rows: parsed.nrows, columns: parsed.columns.length };
  const logFile = path.join(dir, 'python-worker.log');
  const workers: PythonWorkerService[] = [];
  const base: UserStepInput = { runId: 'test-run', pipeline: 'python-steps', step: 'fit', kind: 'train', entry: 'bosun_test_steps:fit_logistic', codeHash: 'test', table, target: 'diagnosis', params: { c: 1 }, seed: 7 };
  const start = (input: Partial<UserStepInput>, so: PythonStepOptions = {}) =>
    h.client.workflow.start(pythonStep, {
      taskQueue: h.config.temporal.taskQueue,
      workflowId: uniqueName('python-step'),
      args: [{ ...base, ...input }, { taskQueue: queue, heartbeatTimeoutMs: 5_000, ...so }],
    });
  return {
    h,
    python,
    queue,
    table,
    parquetFile,
    workers,
    logFile,
    async startWorker() {
      const w = await startPythonWorker({
        python,
        stepModules: ['bosun_test_steps'],
        taskQueue: queue,
        config: h.config,
        logFile,
        pythonPath: [TEST_STEPS_DIR],
        env: { BOSUN_PYTHON_HEARTBEAT_SECONDS: '0.5' },
        dieWithParent: true,
      });
      workers.push(w);
      return w;
    },
    start,
    async run(input, so) {
      return (await start(input, so)).result();
    },
    async close() {
      await Promise.all(workers.map((w) => w.stop()));
      await h.close();
    },
  };
}

/** Refits the step's model in Python and scores the stored ONNX bytes with onnxruntime on the same rows. */
const PARITY_SCRIPT = `
import json, sys
import numpy as np, onnxruntime as ort, pyarrow.parquet as pq
from bosun_test_steps import fit_logistic
parquet_file, onnx_file, inputs = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
df = pq.read_table(parquet_file).to_pandas()
model = fit_logistic(df, "diagnosis", {"c": 1}, 7)
sess = ort.InferenceSession(open(onnx_file, "rb").read(), providers=["CPUExecutionProvider"])
got = sess.run(["probabilities"], {"input": df[inputs].to_numpy(np.float64)})[0]
want = model.predict_proba(df[inputs])
print(json.dumps({
  "rows": len(df), "columns": df.shape[1], "radiusSum": float(df["mean radius"].sum()),
  "maxDiff": float(np.max(np.abs(got - want))), "shape": list(got.shape),
  "outputs": [[o.name, o.type] for o in sess.get_outputs()], "inputs": [[i.name, i.type] for i in sess.get_inputs()],
  "classes": [str(c) for c in model.classes_],
}))
`;

function pythonJson(f: Fixture, script: string, args: string[]): Record<string, unknown> {
  const out = execFileSync(f.python, ['-c', script, ...args], {
    encoding: 'utf8',
    env: { ...process.env, PYTHONPATH: [PYTHON_PACKAGE_DIR, TEST_STEPS_DIR].join(path.delimiter), PYTHONWARNINGS: 'ignore' },
  });
  return JSON.parse(out.trim().split('\n').at(-1)!) as Record<string, unknown>;
}

function failureChain(err: unknown): Array<Error & { type?: string; nonRetryable?: boolean }> {
  const chain: Array<Error & { type?: string }> = [];
  for (let e = err as (Error & { cause?: unknown }) | undefined; e; e = e.cause as typeof e) chain.push(e);
  return chain;
}

describe.each([
  { store: 'filesystem', minio: false },
  { store: 'MinIO', minio: true },
])('Python train and transform steps, artifacts on the $store', ({ minio }) => {
  let f: Fixture;
  beforeAll(async () => {
    f = await fixture({ minio });
    await f.startWorker();
  }, 900_000);
  afterAll(async () => f?.close());

  it('trains in Python, exports ONNX whose probabilities equal scikit-learn predict_proba within 1e-6', async () => {
    const result = await f.run({});
    if (result.kind !== 'train') throw new Error(`expected a train result, got ${JSON.stringify(result)}`);
    expect(result.classes).toEqual(['benign', 'malignant']);
    expect(result.inputs).toHaveLength(30);
    expect(result.inputs).not.toContain('diagnosis');
    expect(result.framework).toBe('sklearn.pipeline.Pipeline(StandardScaler, LogisticRegression)');
    // The code the worker ran, for lineage: the step module's source as it imported it.
    expect((result as { codeHash?: string }).codeHash).toBe(createHash('sha256').update(readFileSync(path.join(TEST_STEPS_DIR, 'bosun_test_steps.py'))).digest('hex'));

    // The ONNX bytes are in the store this process reads (written by Python, found by TypeScript).
    const onnx = await f.h.app.store.get(result.onnx.sha256);
    expect(onnx.length).toBe(result.onnx.bytes);
    const onnxFile = path.join(path.dirname(f.parquetFile), 'model.onnx');
    writeFileSync(onnxFile, onnx);

    const check = pythonJson(f, PARITY_SCRIPT, [f.parquetFile, onnxFile, JSON.stringify(result.inputs)]);
    // pyarrow reads the Parquet hyparquet-writer wrote: same shape, same numbers.
    const parsed = await readTable(readFileSync(BREAST_CANCER), 'csv');
    const radius = getColumn(parsed, 'mean radius');
    expect(isFloatColumn(radius)).toBe(true);
    const radiusSum = Array.from((radius as { values: Float64Array }).values).reduce((a, b) => a + b, 0);
    expect(check).toMatchObject({ rows: f.table.rows, columns: f.table.columns, classes: ['benign', 'malignant'], shape: [f.table.rows, 2] });
    expect(check.radiusSum as number).toBeCloseTo(radiusSum, 9);
    expect(check.maxDiff as number).toBeLessThanOrEqual(1e-6);
    // The export's fixed shape: one double tensor in, a label and a plain probability tensor out (no ZipMap).
    expect(check.inputs).toEqual([['input', 'tensor(double)']]);
    expect(check.outputs).toEqual([
      ['label', 'tensor(string)'],
      ['probabilities', 'tensor(double)'],
    ]);
  });

  it('transforms a table in Python into a Parquet artifact the TypeScript reader reads', async () => {
    const result = await f.run({ kind: 'transform', step: 'ratio', entry: 'bosun_test_steps:add_ratio', target: undefined });
    if (result.kind !== 'transform') throw new Error(`expected a transform result, got ${JSON.stringify(result)}`);
    expect(result.table).toMatchObject({ format: 'parquet', rows: f.table.rows, columns: f.table.columns + 1 });
    const table = await readParquet(await f.h.app.store.get(result.table.sha256));
    const ratio = getColumn(table, 'radius to texture') as { values: Float64Array };
    const r = getColumn(table, 'mean radius') as { values: Float64Array };
    const t = getColumn(table, 'mean texture') as { values: Float64Array };
    expect(table.nrows).toBe(f.table.rows);
    for (const i of [0, 100, table.nrows - 1]) expect(ratio.values[i]).toBeCloseTo(r.values[i] / t.values[i], 12);
  });
});

describe('the Python worker on failures', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await fixture({ minio: false });
  }, 900_000);
  afterAll(async () => f?.close());

  it('turns a Python exception into a non-retryable BadInput failure carrying its type, message and last frames', async () => {
    await f.startWorker();
    const handle = await f.start({ step: 'broken', entry: 'bosun_test_steps:broken' });
    const err = await handle.result().then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(WorkflowFailedError);
    const chain = failureChain(err);
    expect(chain.some((e) => e instanceof ActivityFailure)).toBe(true);
    const app = chain.find((e) => e instanceof ApplicationFailure) as ApplicationFailure;
    expect(app, chain.map((e) => `${e.name}: ${e.message}`).join(' <- ')).toBeDefined();
    expect(app.type).toBe('BadInput');
    expect(app.nonRetryable).toBe(true);
    expect(app.message).toContain('step "broken" (bosun_test_steps:broken) raised ValueError: column \'no_such_column\' is needed by this step');
    // The traceback summary: the user's frames, innermost last, not the worker's own.
    expect(app.message).toMatch(/bosun_test_steps\.py:\d+ in broken: _check_column\(df, "no_such_column"\)/);
    expect(app.message).toMatch(/bosun_test_steps\.py:\d+ in _check_column: raise ValueError/);
    expect(app.message).not.toContain('bosun_worker');
    const history = await handle.fetchHistory();
    const attempts = history.events!.filter((e) => e.activityTaskStartedEventAttributes).map((e) => Number(e.activityTaskStartedEventAttributes!.attempt));
    expect(attempts).toEqual([1]);
  });

  it('refuses an entry outside the served modules as BadInput naming BOSUN_PYTHON_STEPS', async () => {
    const err = await f.run({ entry: 'os:system' }).then(
      () => null,
      (e: unknown) => e,
    );
    const app = failureChain(err).find((e) => e instanceof ApplicationFailure) as ApplicationFailure | undefined;
    expect(app?.type).toBe('BadInput');
    expect(app?.message).toContain("module 'os' is not served by this Python worker (BOSUN_PYTHON_STEPS=bosun_test_steps)");
  });

  it('cancels a running step: the user code stops and the activity reports cancelled', async () => {
    const markers = mkdtempSync(path.join(os.tmpdir(), 'bosun-py-cancel-'));
    const handle = await f.start({ step: 'slow', entry: 'bosun_test_steps:slow_fit', params: { seconds: 120, markerDir: markers } });
    await waitForHeartbeat(handle);
    await handle.cancel();
    const err = await handle.result().then(
      () => null,
      (e: unknown) => e,
    );
    expect(failureChain(err).some((e) => e instanceof CancelledFailure)).toBe(true);
    const history = await handle.fetchHistory();
    expect(history.events!.filter((e) => e.activityTaskCanceledEventAttributes)).toHaveLength(1);
    // Interrupted in its sleep loop: it never reached the line after it.
    expect(readdirSync(markers).filter((n) => n.startsWith('done-'))).toEqual([]);
    expect(readdirSync(markers).filter((n) => n.startsWith('attempt-'))).toHaveLength(1);
  });

  it('finishes a step once on a new worker after the one running it is killed with SIGKILL', async () => {
    const markers = mkdtempSync(path.join(os.tmpdir(), 'bosun-py-kill-'));
    // The sleep outlasts the SDK's heartbeat throttle (80% of the timeout), so the kill lands inside it.
    for (const w of f.workers.splice(0)) await w.stop();
    const first = await f.startWorker();
    const handle = await f.start({ step: 'slow', entry: 'bosun_test_steps:slow_fit', params: { seconds: 12, markerDir: markers } }, { heartbeatTimeoutMs: 5_000 });
    await waitForHeartbeat(handle);
    process.kill(first.pid, 'SIGKILL');
    expect(await first.exited).toBe('SIGKILL');
    await f.startWorker();

    const result = await handle.result();
    expect(result.kind).toBe('train');
    const history = await handle.fetchHistory();
    const events = history.events!;
    expect(events.filter((e) => e.activityTaskScheduledEventAttributes)).toHaveLength(1);
    expect(events.filter((e) => e.activityTaskCompletedEventAttributes)).toHaveLength(1);
    const started = events.filter((e) => e.activityTaskStartedEventAttributes).map((e) => Number(e.activityTaskStartedEventAttributes!.attempt));
    expect(started.at(-1), 'the step was retried after the kill').toBeGreaterThan(1);
    // Two attempts began (one per worker process); only the second got past the sleep.
    const attempts = readdirSync(markers).filter((n) => n.startsWith('attempt-'));
    expect(new Set(attempts.map((n) => n.split('-')[1])).size).toBe(2);
    expect(readdirSync(markers).filter((n) => n.startsWith('done-'))).toHaveLength(1);
  });
});

/** Waits until the step's user code is running: a heartbeat carries the progress slow_fit reports from its loop. */
async function waitForHeartbeat(handle: Awaited<ReturnType<Fixture['start']>>): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const desc = await handle.describe();
    const pending = desc.raw.pendingActivities?.find((a) => a.activityType?.name === 'bosunTrainStep');
    const data = pending?.heartbeatDetails?.payloads?.[0]?.data;
    // The worker's first heartbeat comes before the user function starts; only its report says it is in it.
    if (data && (JSON.parse(Buffer.from(data).toString('utf8')) as { progress?: string }).progress === 'sleeping before fit') return;
    if (Date.now() > deadline) throw new Error('the Python step never reported progress');
    await new Promise((r) => setTimeout(r, 200));
  }
}
