/**
 * ONNX models end to end on the real stack (Temporal dev server, PostgreSQL, real HTTP): a Bosun model goes to
 * production and is exported with `bosun models export`; then the example pipeline (pipelines/onnx-model.ts) registers
 * an externally shaped ONNX file (float input without column names, ZipMap probabilities keyed 0/1) as the next
 * version: evaluated against that champion, held for approval until the real `temporal` CLI approves it, deployed,
 * hot-swapped into a running serving app, logged, and answering with onnxruntime's own probabilities.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { and, eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportCommand } from '../../src/cli/models';
import type { EvaluateResult } from '../../src/contract/types';
import { readTable } from '../../src/data/read';
import { isFloatColumn, type Table } from '../../src/data/table';
import { lineageEdges, modelVersions, predictionLog, steps } from '../../src/db/schema';
import { readSignature, withoutZipMap } from '../../src/ml/onnx/signature';
import { readPipelineFile } from '../../src/pipeline/loadPipeline';
import type { PipelineSpecInput } from '../../src/pipeline/spec';
import { getAlias } from '../../src/registry/registry';
import { buildServingApp } from '../../src/serving/app';
import { findProgram } from '../../src/stack/binaries';
import { badInputFailure, DATA_DIR, startHarness, type Harness } from './support/pipelineHarness';
import { stack, uniqueName } from './support/stack';

const exec = promisify(execFile);
const TOKEN = 'onnx-test-token-0123456789abcdef';
const REPO = path.resolve(import.meta.dirname, '../..');
const FIXTURE = path.join(REPO, 'pipelines/models/breast-cancer-lr.onnx');

type Prediction = { label: string; probabilities: Record<string, number> };

describe('an ONNX model through the pipeline and into serving', () => {
  let h: Harness;
  let app: FastifyInstance;
  let base: string;
  let table: Table;
  let rows: Record<string, number>[];
  const name = uniqueName('onnx');
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'bosun-onnx-'));

  const predict = async (instances: unknown[]) => {
    const res = await fetch(`${base}/v1/models/${name}:predict`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` }, body: JSON.stringify({ instances }) });
    return { status: res.status, body: (await res.json()) as { model_version: string; predictions: Prediction[] } };
  };
  async function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = await probe();
      if (v) return v;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  beforeAll(async () => {
    h = await startHarness({ postgres: true });
    table = await readTable(readFileSync(path.join(DATA_DIR, 'breast_cancer.csv')));
    const cols = table.columns.filter(isFloatColumn).filter((c) => c.name !== 'diagnosis');
    rows = Array.from({ length: 40 }, (_, i) => Object.fromEntries(cols.map((c) => [c.name, c.values[i] as number])));
    app = buildServingApp({ db: h.app.db, store: h.app.store, config: { ...h.config, serve: { ...h.config.serve, token: TOKEN } }, pollMs: 200, logFlushMs: 200, logger: false });
    await app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    await app?.close();
    await h?.close();
  });

  it('a Bosun model in production exports to ONNX that computes what serving answers', async () => {
    const champion: PipelineSpecInput = {
      name,
      source: 'breast_cancer.csv',
      target: 'diagnosis',
      positiveClass: 'malignant',
      features: { steps: [], passthrough: 'keep' },
      model: { algorithm: 'logistic_regression' },
      evaluation: { primaryMetric: 'roc_auc', gates: [{ metric: 'roc_auc', min: 0.9 }] },
      approval: { autoApprove: true },
    };
    expect(await (await h.submit(champion)).result()).toMatchObject({ status: 'succeeded', deployed: true });
    const served = await until('v1 to be served', async () => {
      const r = await predict(rows);
      return r.status === 200 && r.body;
    });
    expect(served.model_version).toBe('1');

    const out = path.join(scratch, 'v1.onnx');
    const [line] = await exportCommand(h.app, name, { out });
    expect(line).toMatch(new RegExp(`^${name} v1 \\(logistic_regression, 30 inputs\\) written to `));
    const bytes = readFileSync(out);
    expect(JSON.parse(readSignature(bytes).metadata['bosun.inputs'])).toEqual(Object.keys(rows[0]));
    const session = await InferenceSession.create(bytes);
    const X = Float64Array.from(rows.flatMap((r) => Object.values(r)));
    const probs = (await session.run({ input: new Tensor('float64', X, [rows.length, 30]) })).probabilities.data as Float64Array;
    served.predictions.forEach((p, i) => {
      expect(Math.abs(p.probabilities.benign - probs[2 * i])).toBeLessThan(1e-6);
      expect(Math.abs(p.probabilities.malignant - probs[2 * i + 1])).toBeLessThan(1e-6);
    });
  });

  it('the example pipeline registers the ONNX file, evaluates it against the champion, waits for approval, deploys and serves it', async () => {
    const example = (await readPipelineFile(path.join(REPO, 'pipelines/onnx-model.ts'))) as PipelineSpecInput & { model: { onnx: string; framework: string } };
    const spec: PipelineSpecInput = { ...example, name, source: 'breast_cancer.csv', model: { ...example.model, onnx: FIXTURE }, approval: {} };
    const run = await h.submit(spec);
    await h.waitForStage(run, 'awaiting_approval');

    const [version] = await h.app.db.select().from(modelVersions).where(and(eq(modelVersions.modelName, name), eq(modelVersions.runId, run.workflowId)));
    expect(version).toMatchObject({ version: 2, algorithm: 'onnx', status: 'candidate' });
    expect(version.params).toMatchObject({ framework: example.model.framework, onnxSha256: expect.stringMatching(/^[0-9a-f]{64}$/), inputs: ['float_input'] });
    expect(version.profileHash).toMatch(/^[0-9a-f]{64}$/); // the drift reference its monitoring compares against
    const edges = await h.app.db.select().from(lineageEdges).where(and(eq(lineageEdges.toKind, 'model_version'), eq(lineageEdges.toId, String(version.id))));
    expect(edges.map((e) => e.relation).sort()).toEqual(['produced', 'registered_from', 'trained_on']);
    expect(edges.find((e) => e.relation === 'registered_from')!.fromId).toBe((version.params as { onnxSha256: string }).onnxSha256);

    const [evaluate] = await h.app.db.select().from(steps).where(and(eq(steps.runId, run.workflowId), eq(steps.name, 'evaluate')));
    const evaluation = evaluate.output as EvaluateResult;
    expect(evaluation).toMatchObject({ blessed: true, championVersion: 1, primaryMetric: 'roc_auc' });
    expect(evaluation.metrics.roc_auc).toBeGreaterThan(0.95);
    expect(evaluation.championMetrics!.roc_auc).toBeGreaterThan(0.9);
    const card = (await h.app.store.get(evaluation.modelCardHash)).toString('utf8');
    expect(card).toContain('onnx');

    // Not served before approval: v1 still answers.
    expect((await predict(rows.slice(0, 1))).body.model_version).toBe('1');

    const temporal = findProgram('temporal', { explicit: h.config.temporal.cliPath, cacheDir: h.config.cacheDir });
    await exec(temporal, ['workflow', 'signal', '--address', stack().temporalAddress, '--namespace', 'default', '--workflow-id', run.workflowId, '--name', 'approve', '--input', '{"reviewer": "dr-ada", "comment": "ONNX model reviewed"}']);
    expect(await run.result()).toMatchObject({ status: 'succeeded', deployed: true, modelVersion: 2 });
    expect((await getAlias(h.app.db, name, 'production'))?.version).toBe(2);

    // Hot swap: the running app picks v2 up; its probabilities are onnxruntime's on the same rows.
    const served = await until('v2 to be served', async () => {
      const r = await predict(rows);
      return r.status === 200 && r.body.model_version === '2' && r.body;
    });
    const session = await InferenceSession.create(withoutZipMap(readFileSync(FIXTURE)));
    const X = Float32Array.from(rows.flatMap((r) => Object.values(r)));
    const probs = (await session.run({ float_input: new Tensor('float32', X, [rows.length, 30]) })).probabilities.data as Float32Array;
    served.predictions.forEach((p, i) => {
      // ZipMap key 0 is benign and 1 malignant (the spec's classes).
      expect(p.probabilities).toEqual({ benign: probs[2 * i], malignant: probs[2 * i + 1] });
      expect(p.label).toBe(probs[2 * i + 1] > probs[2 * i] ? 'malignant' : 'benign');
    });
    expect(served.predictions.filter((p) => p.label === 'malignant').length).toBeGreaterThan(5);

    // Logged like any version's predictions (what drift checks read).
    const logged = await until('the predictions to be logged', async () => {
      const r = await h.app.db.select().from(predictionLog).where(and(eq(predictionLog.modelName, name), eq(predictionLog.modelVersion, 2)));
      return r.length >= rows.length && r;
    });
    expect(logged[0].output).toMatchObject({ label: expect.stringMatching(/^(benign|malignant)$/), probabilities: { benign: expect.any(Number), malignant: expect.any(Number) } });
  });

  it('a model whose inputs do not match the data is refused at submit, naming the input, and no run starts', async () => {
    const example = (await readPipelineFile(path.join(REPO, 'pipelines/onnx-model.ts'))) as PipelineSpecInput & { model: { onnx: string; inputs: string[] } };
    const name = uniqueName('onnx-mismatch');
    const inputs = example.model.inputs.map((c) => (c === 'worst area' ? 'worst_area' : c));
    const spec: PipelineSpecInput = { ...example, name, source: 'breast_cancer.csv', model: { ...example.model, onnx: FIXTURE, inputs } };
    await expect(h.submit(spec)).rejects.toThrow(/model input "float_input" reads column "worst_area", which the data's features do not have .*model\.inputs/);
    const started: string[] = [];
    for await (const w of h.client.workflow.list({ query: `BosunPipeline = "${name}"` })) started.push(w.workflowId);
    expect(started).toEqual([]);
  });

  it('behind feature steps, a model input the fitted features do not produce fails the train stage as bad input, naming it', async () => {
    const example = (await readPipelineFile(path.join(REPO, 'pipelines/onnx-model.ts'))) as PipelineSpecInput & { model: { onnx: string } };
    // With steps, the columns are known only once features are fitted: submit accepts it, train refuses it (once, no retries).
    const spec: PipelineSpecInput = { ...example, name: uniqueName('onnx-bad'), source: 'breast_cancer.csv', features: { steps: [{ drop: 'worst area' }], passthrough: 'keep' }, model: { ...example.model, onnx: FIXTURE } };
    const { message } = await badInputFailure(h, spec);
    expect(message).toMatch(/^model\.onnx: model input "float_input" reads column "worst area", which the data's features do not have \(they are: mean radius, .*\); .*model\.inputs/);
  });

  it('bosun models export hands an ONNX-registered version back as the file it came from', async () => {
    const out = path.join(scratch, 'v2.onnx');
    await exportCommand(h.app, name, { version: '2', out });
    expect(readFileSync(out).equals(readFileSync(FIXTURE))).toBe(true);
  });
});
