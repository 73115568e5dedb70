/**
 * The serving process end to end on the real stack: models trained and deployed by real pipeline runs on Temporal,
 * registry and prediction log in PostgreSQL, served over real HTTP on an ephemeral port. The tests share one serving
 * app and run in order: the model appears, is queried, swapped, rolled back, canaried and shadowed without restart.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { and, eq, inArray } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTable } from '../../src/data/read';
import { isFloatColumn, takeRows, type Table } from '../../src/data/table';
import { featureSets, predictionLog } from '../../src/db/schema';
import { deserializeFeatures, transformTable } from '../../src/features';
import { deserializeModel } from '../../src/ml/serialize';
import type { PipelineSpecInput } from '../../src/pipeline/spec';
import { concludeVerification, getAlias, promote, registerVersion, rollback, startVerification } from '../../src/registry/registry';
import { buildServingApp } from '../../src/serving/app';
import { scoreTable } from '../../src/serving/batchScore';
import { METRIC_NAMES } from '../../src/serving/metrics';
import { routesToChallenger } from '../../src/serving/routing';
import { breastCancerSpec, DATA_DIR, startHarness, type Harness } from './support/pipelineHarness';
import { uniqueName } from './support/stack';

const TOKEN = 'serving-test-token-0123456789abcdef';
const AUTH = { authorization: `Bearer ${TOKEN}` };

const spec = (name: string): PipelineSpecInput => breastCancerSpec(name, { autoApprove: true });

interface Answer {
  status: number;
  body: { predictions?: { label: string; probabilities: Record<string, number> }[]; model_version?: string; error?: string; [k: string]: unknown };
  requestId: string | null;
}

describe('real-time serving on PostgreSQL', () => {
  let h: Harness;
  let app: FastifyInstance;
  let base: string;
  const name = uniqueName('serve');
  let table: Table;
  let rows: Record<string, unknown>[];

  async function call(method: 'GET' | 'POST', url: string, body?: unknown, headers: Record<string, string> = AUTH): Promise<Answer> {
    const res = await fetch(`${base}${url}`, {
      method,
      headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: Answer['body'];
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = { raw: text };
    }
    return { status: res.status, body: parsed, requestId: res.headers.get('x-request-id') };
  }
  const predict = (instances: unknown, headers: Record<string, string> = AUTH, model = name) => call('POST', `/v1/models/${model}:predict`, { instances }, headers);

  /** What the deployed version computes for `t`, straight from its artifacts (no serving code involved). */
  async function direct(version: number, t: Table): Promise<Float64Array> {
    const mv = (await getAlias(h.app.db, name, 'production'))!;
    expect(mv.version).toBe(version);
    const [fs] = await h.app.db.select().from(featureSets).where(eq(featureSets.id, mv.featureSetId!));
    const model = deserializeModel((await h.app.store.get(mv.artifactHash)).toString('utf8'));
    const fitted = deserializeFeatures((await h.app.store.get(fs.fittedHash)).toString('utf8'));
    return model.predict(transformTable(fitted, t));
  }

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
    const features = table.columns.filter((c) => c.name !== 'diagnosis');
    rows = Array.from({ length: table.nrows }, (_, i) => Object.fromEntries(features.map((c) => [c.name, isFloatColumn(c) ? c.values[i] : null])));
    // Started before any model exists: the first one must appear without a restart.
    app = buildServingApp({
      db: h.app.db,
      store: h.app.store,
      config: { ...h.config, serve: { ...h.config.serve, token: TOKEN } },
      pollMs: 200,
      logFlushMs: 200,
      logger: false,
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    await app?.close();
    await h?.close();
  });

  it('is ready with no model, then serves a model as soon as a run deploys it', async () => {
    expect((await call('GET', '/healthz', undefined, {})).status).toBe(200);
    const ready = await call('GET', '/readyz', undefined, {});
    expect(ready).toMatchObject({ status: 200, body: { ready: true, models: {} } });
    const before = await predict([rows[0]]);
    expect(before.status).toBe(404);
    expect(before.body.error).toMatch(new RegExp(`model "${name}" is not served here.*no model has a production version yet`));

    const run = await h.submit(spec(name));
    expect(await run.result()).toMatchObject({ status: 'succeeded', deployed: true });
    const info = await until('the model to appear', async () => {
      const r = await call('GET', `/v1/models/${name}`);
      return r.status === 200 && r;
    });
    expect(info.body).toMatchObject({ name, model_version: '1', status: 'AVAILABLE', task: 'binary', classes: ['benign', 'malignant'], target: 'diagnosis', challenger: null });
    const inputs = info.body.inputs as { name: string; type: string }[];
    expect(inputs).toHaveLength(30);
    expect(inputs).toContainEqual({ name: 'mean radius', type: 'numeric' });
    expect(inputs.map((c) => c.name)).not.toContain('diagnosis');
    expect((await call('GET', '/readyz', undefined, {})).body).toEqual({ ready: true, models: { [name]: '1' } });
  });

  it('answers the first 20 rows exactly as the deployed artifacts compute them', async () => {
    const first = takeRows(table, Array.from({ length: 20 }, (_, i) => i));
    const expected = await direct(1, first);
    const r = await predict(rows.slice(0, 20), { ...AUTH, 'x-request-id': 'batch-of-20' });
    expect(r.status).toBe(200);
    expect(r.body.model_version).toBe('1');
    expect(r.requestId).toBe('batch-of-20');
    const predictions = r.body.predictions!;
    expect(predictions).toHaveLength(20);
    predictions.forEach((p, i) => {
      expect(p.probabilities).toEqual({ benign: expected[2 * i], malignant: expected[2 * i + 1] });
      expect(p.label).toBe(expected[2 * i + 1] > expected[2 * i] ? 'malignant' : 'benign');
    });
    // One instance per request, many at once (they share micro-batches): same numbers.
    const singles = await Promise.all(rows.slice(0, 20).map((row) => predict([row])));
    singles.forEach((s, i) => expect(s.body.predictions![0].probabilities).toEqual(predictions[i].probabilities));
    // Batch scoring goes through the same loading code.
    expect(Array.from(await scoreTable(h.app.db, h.app.store, name, first))).toEqual(Array.from(expected));
  });

  it('refuses bad requests with a 4xx naming the field, while good requests around them succeed', async () => {
    const { 'mean radius': _dropped, ...missing } = rows[0];
    const bad: [string, () => Promise<Answer>, number, RegExp][] = [
      ['malformed JSON', () => call('POST', `/v1/models/${name}:predict`, '{"instances": [{"mean radius": 1,', AUTH), 400, /^body: malformed JSON/],
      ['missing feature', () => predict([rows[0], missing]), 400, /^instances\[1\]\["mean radius"\]: missing field/],
      ['extra feature', () => predict([{ ...rows[0], colour: 'red' }]), 400, /^instances\[0\]\.colour: unexpected field/],
      ['the target', () => predict([{ ...rows[0], diagnosis: 'benign' }]), 400, /^instances\[0\]\.diagnosis: this is the target/],
      ['wrong type', () => predict([{ ...rows[0], 'mean texture': 'abc' }]), 400, /^instances\[0\]\["mean texture"\]: expected a number, got "abc"/],
      // "NaN" is missing, as ingest reads it (src/data/values.ts); an infinity ingest keeps only for validation to refuse.
      ['"Infinity" string', () => predict([{ ...rows[0], 'worst area': 'Infinity' }]), 400, /^instances\[0\]\["worst area"\]: expected a finite number, got "Infinity"; send null/],
      ['empty instances', () => predict([]), 400, /^instances: empty/],
      ['too many instances', () => predict(Array.from({ length: 10_001 }, () => ({}))), 400, /^instances: more than 10000/],
      ['instances not a list', () => predict({ 'mean radius': 1 }), 400, /^instances: expected an array/],
      ['an instance not an object', () => predict([rows[0], 42]), 400, /^instances\[1\]: expected an object/],
      ['no instances key', () => call('POST', `/v1/models/${name}:predict`, { inputs: [rows[0]] }), 400, /^body: (missing "instances"|unexpected field "inputs")/],
      ['oversized body', () => predict(Array.from({ length: 4000 }, () => rows[0])), 413, /^body: \d+ bytes is over the 1048576-byte limit/],
      ['unknown model', () => predict([rows[0]], AUTH, 'no-such-model'), 404, new RegExp(`^model "no-such-model" is not served here.*served models: .*${name}`)],
      ['no token', () => predict([rows[0]], {}), 401, /^authorization: missing/],
      ['wrong token', () => predict([rows[0]], { authorization: 'Bearer not-the-token-at-all-0000' }), 401, /^authorization: the bearer token is not/],
      ['request id too long', () => predict([rows[0]], { ...AUTH, 'x-request-id': 'x'.repeat(200) }), 400, /^x-request-id: 200 characters/],
    ];
    const expected = await direct(1, takeRows(table, Array.from({ length: 40 }, (_, i) => i)));
    const good = (i: number) =>
      predict([rows[i]]).then((r) => {
        expect(r.status).toBe(200);
        expect(r.body.predictions![0].probabilities.malignant).toBe(expected[2 * i + 1]);
      });
    // Each bad request races two good ones.
    const results = await Promise.all(bad.map(([, send], k) => Promise.all([good(k), send(), good(k + 20)]).then(([, answer]) => answer)));
    results.forEach((answer, k) => {
      const [what, , status, message] = bad[k];
      expect({ what, status: answer.status }).toEqual({ what, status });
      expect(answer.body.error, what).toMatch(message);
    });
    // Several problems are all listed.
    const many = await predict([{ ...rows[0], 'mean texture': 'x' }, missing]);
    expect(many.body.issues).toHaveLength(2);
    expect(many.body.error).toMatch(/and 1 more problem/);
  });

  it('logs every prediction with its request id, features and output', async () => {
    const ids = ['log-a', 'log-b', 'log-c'];
    const answers = await Promise.all(ids.map((id, i) => predict([rows[i]], { ...AUTH, 'x-request-id': id })));
    await app.serving.log.flush();
    const logged = await h.app.db.select().from(predictionLog).where(inArray(predictionLog.requestId, [...ids, 'batch-of-20/0', 'batch-of-20/19']));
    const byId = new Map(logged.map((r) => [r.requestId, r]));
    ids.forEach((id, i) => {
      const row = byId.get(id)!;
      expect(row).toMatchObject({ modelName: name, modelVersion: 1, shadow: false, error: null, features: rows[i] });
      expect(row.output).toEqual(answers[i].body.predictions![0]);
      expect(row.latencyMs).toBeGreaterThan(0);
    });
    expect(byId.get('batch-of-20/19')?.features).toEqual(rows[19]);
    expect(app.serving.log.dropped).toBe(0);
  });

  it('swaps to a newly promoted version without restart, failing no request in flight', async () => {
    const results: { status: number; version?: string; startedAt: number; endedAt: number }[] = [];
    let stop = false;
    const loop = async (k: number) => {
      for (let i = k; !stop; i += 3) {
        const startedAt = performance.now();
        const r = await predict([rows[i % 50]]).catch((e: Error) => ({ status: 0, body: { error: e.message } }) as Answer);
        results.push({ status: r.status, version: r.body.model_version, startedAt, endedAt: performance.now() });
        await new Promise((res) => setTimeout(res, 5));
      }
    };
    const loops = [0, 1, 2].map(loop);
    const run = await h.submit(spec(name), { noCache: true });
    expect(await run.result()).toMatchObject({ status: 'succeeded', modelVersion: 2, deployed: true });
    await until('version 2 to answer', async () => results.some((r) => r.version === '2'));
    const switchedAt = Math.min(...results.filter((r) => r.version === '2').map((r) => r.endedAt));
    await new Promise((res) => setTimeout(res, 300));
    stop = true;
    await Promise.all(loops);

    expect(results.length).toBeGreaterThan(20);
    expect(results.filter((r) => r.status !== 200)).toEqual([]);
    expect(new Set(results.map((r) => r.version))).toEqual(new Set(['1', '2']));
    // Once one request has seen v2, every request started afterwards does too.
    expect(results.filter((r) => r.startedAt > switchedAt && r.version !== '2')).toEqual([]);
    expect((await call('GET', `/v1/models/${name}`)).body.model_version).toBe('2');
  });

  it('goes back to the previous version on rollback', async () => {
    await rollback(h.app.db, name, 'test rollback');
    await until('v1 to answer again', async () => (await predict([rows[0]])).body.model_version === '1');
    expect((await call('GET', `/v1/models/${name}`)).body.model_version).toBe('1');
  });

  it('sends a canary its share of request ids, the same way on every retry', async () => {
    const deploymentId = await startVerification(h.app.db, name, 2, { strategy: 'canary', trafficPercent: 30, runId: `canary-${name}` });
    await until('the canary to be routed', async () => (await call('GET', `/v1/models/${name}`)).body.challenger);
    expect((await call('GET', `/v1/models/${name}`)).body.challenger).toEqual({ model_version: '2', strategy: 'canary', traffic_percent: 30 });
    const ids = Array.from({ length: 400 }, (_, i) => `canary-${i}`);
    const versions: string[] = [];
    for (let i = 0; i < ids.length; i += 50) {
      const chunk = await Promise.all(ids.slice(i, i + 50).map((id, j) => predict([rows[(i + j) % 60]], { ...AUTH, 'x-request-id': id })));
      for (const a of chunk) {
        expect(a.status).toBe(200);
        versions.push(a.body.model_version!);
      }
    }
    const share = versions.filter((v) => v === '2').length / ids.length;
    expect(share).toBeGreaterThan(0.22);
    expect(share).toBeLessThan(0.38);
    // Deterministic by request id: exactly the documented routing, and a retry lands on the same version.
    versions.forEach((v, i) => expect(v).toBe(routesToChallenger(ids[i], 30, deploymentId) ? '2' : '1'));
    const retried = await Promise.all(ids.slice(0, 40).map((id) => predict([rows[1]], { ...AUTH, 'x-request-id': id })));
    retried.forEach((a, i) => expect(a.body.model_version).toBe(versions[i]));
    await concludeVerification(h.app.db, deploymentId, { promote: false, reason: 'test over' });
  });

  it('answers with production while a shadow scores the same requests into the log only', async () => {
    await startVerification(h.app.db, name, 2, { strategy: 'shadow', trafficPercent: 0, runId: `shadow-${name}` });
    await until('the shadow to be routed', async () => ((await call('GET', `/v1/models/${name}`)).body.challenger as { strategy?: string } | null)?.strategy === 'shadow');
    const ids = Array.from({ length: 30 }, (_, i) => `shadow-${i}`);
    const answers = await Promise.all(ids.map((id, i) => predict([rows[i]], { ...AUTH, 'x-request-id': id })));
    answers.forEach((a) => expect(a).toMatchObject({ status: 200, body: { model_version: '1' } }));
    await until('the shadow rows', async () => {
      await app.serving.log.flush();
      const rowsLogged = await h.app.db.select().from(predictionLog).where(and(inArray(predictionLog.requestId, ids), eq(predictionLog.shadow, true)));
      return rowsLogged.length === ids.length && rowsLogged;
    }).then((shadowRows) => {
      for (const r of shadowRows) expect(r).toMatchObject({ modelName: name, modelVersion: 2, error: null });
    });
    const served = await h.app.db.select().from(predictionLog).where(and(inArray(predictionLog.requestId, ids), eq(predictionLog.shadow, false)));
    expect(served.map((r) => r.modelVersion)).toEqual(ids.map(() => 1));
  });

  it('keeps answering with the loaded version when a promoted one cannot be loaded, and says so on /readyz', async () => {
    const v1 = (await getAlias(h.app.db, name, 'production'))!;
    const broken = await registerVersion(h.app.db, {
      modelName: name,
      runId: `broken-${name}`,
      featureSetId: v1.featureSetId,
      algorithm: v1.algorithm,
      params: {},
      seed: v1.seed,
      artifactHash: 'f'.repeat(64), // not in the store
      profileHash: null,
      metrics: null,
    });
    // No run approved it: promoted the audited emergency way, as an operator would.
    await promote(h.app.db, name, broken.version, { breakGlass: true, reason: 'test: a version whose artifact is missing', actor: 'serving-test' });
    const notReady = await until('readyz to report the broken version', async () => {
      const r = await call('GET', '/readyz', undefined, {});
      return r.status === 503 && r;
    });
    expect(notReady.body.error).toMatch(new RegExp(`model "${name}": v${broken.version} cannot be loaded: artifact f{64} not found`));
    const answers = await Promise.all(rows.slice(0, 10).map((row) => predict([row])));
    answers.forEach((a) => expect(a).toMatchObject({ status: 200, body: { model_version: '1' } }));
    await rollback(h.app.db, name, 'broken artifact');
    await until('readyz to recover', async () => (await call('GET', '/readyz', undefined, {})).status === 200);
  });

  it('exposes Prometheus metrics without a token', async () => {
    const res = await fetch(`${base}/metrics`);
    expect(res.status).toBe(200);
    const text = await res.text();
    for (const metric of Object.values(METRIC_NAMES)) expect(text).toContain(metric);
    expect(text).toMatch(new RegExp(`bosun_serving_requests_total\\{model="${name}",version="1",code="200"\\} \\d+`));
    expect(text).toMatch(/bosun_serving_requests_total\{model="\(unknown\)",version="",code="404"\} [1-9]/);
    expect(text).toMatch(new RegExp(`bosun_serving_predictions_total\\{model="${name}",version="2",role="shadow"\\} [1-9]`));
    expect(text).toMatch(new RegExp(`bosun_serving_model_swaps_total\\{model="${name}"\\} [3-9]`));
    expect(text).toMatch(new RegExp(`bosun_serving_model_loads_total\\{model="${name}",outcome="failed"\\} [1-9]`));
  });
});
