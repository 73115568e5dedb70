/**
 * Property-based fuzzing of the serving request schema (fast-check, fixed seed): `POST /v1/models/<name>:predict`
 * and `/feedback` bodies built from random JSON, wrong types, huge and non-finite numbers, unicode, prototype keys,
 * nested junk, empty and oversized instance lists, against a real serving app (Fastify inject) with real models
 * trained in-process and a real embedded database. Every case asserts: no 5xx, an answer that is JSON (`error`
 * naming the problem on a 4xx, finite predictions on a 200), and a good request sent at the same moment gets exactly
 * the answer it got before any fuzzing. After all cases the server still serves.
 */
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config';
import { buildServingApp } from '../../../src/serving/app';
import { BREAST_CANCER, FAIR_REGRESSION, servedModels, type ServedModelFixture } from './support/servedModel';

const SEED = 20261202;
const RUNS = 300;
const MAX_INSTANCES = 40;
const BODY_LIMIT = 64 * 1024;

interface Sent {
  status: number;
  text: string;
}

describe('fuzzing the serving request schema', () => {
  let f: ServedModelFixture;
  let app: FastifyInstance;
  /** The exact answer text of good request k, per model, taken before any fuzzing. */
  const expected = new Map<string, string[]>();
  const models = ['bc', 'fair'] as const;

  const send = async (url: string, payload: string, contentType = 'application/json', requestId?: string): Promise<Sent> => {
    const r = await app.inject({ method: 'POST', url, payload, headers: { 'content-type': contentType, ...(requestId ? { 'x-request-id': requestId } : {}) } });
    return { status: r.statusCode, text: r.body };
  };
  const goodBody = (model: string, k: number) => JSON.stringify({ instances: [f.rows.get(model)![k]] });

  beforeAll(async () => {
    f = await servedModels([
      { name: 'bc', ...BREAST_CANCER },
      { name: 'fair', ...FAIR_REGRESSION },
    ]);
    app = buildServingApp({
      db: f.db,
      store: f.store,
      config: loadConfig({ BOSUN_HOME: f.home, HOME: process.env.HOME }),
      maxInstances: MAX_INSTANCES,
      bodyLimit: BODY_LIMIT,
      logFlushMs: 50,
      logger: false,
      processMetrics: false,
    });
    await app.ready();
    for (const m of models) {
      const answers: string[] = [];
      for (let k = 0; k < 20; k++) {
        const r = await send(`/v1/models/${m}:predict`, goodBody(m, k));
        expect(r.status).toBe(200);
        answers.push(r.text);
      }
      expect(new Set(answers).size).toBeGreaterThan(1);
      expected.set(m, answers);
    }
  }, 60_000); // training two models and starting the embedded database: seconds on a busy machine
  afterAll(async () => {
    await app?.close();
    await f?.close();
  });

  // --- generators --------------------------------------------------------------------------------------------

  /** Number literals as JSON text: huge, tiny, negative zero, beyond double range (parse to ±Infinity), long. */
  const numberText = fc.oneof(
    fc.constantFrom('1e308', '-1e308', '1.7976931348623157e308', '1e400', '-1e400', '5e-324', '-0', '0', '123456789012345678901234567890', '1e-400'),
    fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => JSON.stringify(d)),
    fc.integer().map(String),
  );
  /** Any JSON value as text, with unicode strings (lone surrogates, NUL) and junk nested inside. */
  const unicodeString = fc.string({ unit: 'binary', maxLength: 30 });
  const protoKey = fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__');
  const jsonJunk: fc.Arbitrary<string> = fc.letrec<{ v: string }>((tie) => ({
    v: fc.oneof(
      { depthSize: 'small' },
      numberText,
      unicodeString.map((s) => JSON.stringify(s)),
      fc.constantFrom('null', 'true', 'false', '{}', '[]', '""'),
      fc.array(tie('v'), { maxLength: 4 }).map((a) => `[${a.join(',')}]`),
      fc.array(fc.tuple(fc.oneof(unicodeString, protoKey), tie('v')), { maxLength: 4 }).map((kv) => `{${kv.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`),
    ),
  })).v;

  /** A good instance's JSON text, mutated: fields replaced, removed, added (prototype keys too), or duplicated. */
  const mutatedInstance = (model: string) => {
    const row = f.rows.get(model)![0];
    const keys = Object.keys(row);
    const mutation = fc.oneof(
      fc.record({ kind: fc.constant('set' as const), key: fc.constantFrom(...keys), value: jsonJunk }),
      fc.record({ kind: fc.constant('setNumber' as const), key: fc.constantFrom(...keys), value: numberText }),
      fc.record({ kind: fc.constant('delete' as const), key: fc.constantFrom(...keys), value: fc.constant('') }),
      fc.record({ kind: fc.constant('add' as const), key: fc.oneof(protoKey, unicodeString), value: jsonJunk }),
      fc.record({ kind: fc.constant('allNumbers' as const), key: fc.constant(''), value: numberText }),
    );
    return fc.array(mutation, { minLength: 1, maxLength: 4 }).map((ms) => {
      // As [key, text] pairs so that "__proto__" stays an ordinary own key and duplicates survive into the text.
      let fields: [string, string][] = keys.map((k) => [k, JSON.stringify(row[k])]);
      for (const m of ms) {
        if (m.kind === 'set' || m.kind === 'setNumber') fields = fields.map(([k, v]) => [k, k === m.key ? m.value : v]);
        else if (m.kind === 'delete') fields = fields.filter(([k]) => k !== m.key);
        else if (m.kind === 'add') fields.push([m.key, m.value]);
        else fields = fields.map(([k]) => [k, m.value]);
      }
      return `{${fields.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`;
    });
  };

  const goodInstance = (model: string) => fc.integer({ min: 0, max: 400 }).map((i) => JSON.stringify(f.rows.get(model)![i]));

  /** A whole request: which model, the body text, its content type. */
  const request = fc.constantFrom(...models).chain((model) =>
    fc.record({
      model: fc.oneof({ weight: 9, arbitrary: fc.constant(model) }, { weight: 1, arbitrary: unicodeString.map((s) => encodeURIComponent(s)) }),
      contentType: fc.oneof({ weight: 8, arbitrary: fc.constant('application/json') }, { weight: 2, arbitrary: fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=latin1') }),
      body: fc.oneof(
        // Good instances only (so answers are checked too), lists mixing good and mutated ones, empty, over the limit.
        fc.array(goodInstance(model), { minLength: 1, maxLength: 6 }).map((is) => `{"instances":[${is.join(',')}]}`),
        fc.tuple(goodInstance(model), numberText).map(([g, n]) => `{"instances":[${g},${g.replace(/:[^,}]+/g, `:${n}`)}]}`),
        fc.array(fc.oneof(goodInstance(model), mutatedInstance(model)), { minLength: 1, maxLength: 6 }).map((is) => `{"instances":[${is.join(',')}]}`),
        fc.constant('{"instances":[]}'),
        fc.integer({ min: MAX_INSTANCES + 1, max: MAX_INSTANCES + 30 }).map((n) => `{"instances":[${Array(n).fill(JSON.stringify(f.rows.get(model)![1])).join(',')}]}`),
        // Over the body limit.
        fc.constant(`{"instances":[${Array(Math.ceil(BODY_LIMIT / 500) + 10).fill(JSON.stringify(f.rows.get(model)![2])).join(',')}]}`),
        // Wrong types for the envelope and its items.
        jsonJunk.map((v) => `{"instances":${v}}`),
        fc.array(jsonJunk, { minLength: 1, maxLength: 4 }).map((vs) => `{"instances":[${vs.join(',')}]}`),
        fc.tuple(fc.oneof(protoKey, unicodeString), jsonJunk).map(([k, v]) => `{"instances":[${goodBody(model, 0).slice(14, -2)}],${JSON.stringify(k)}:${v}}`),
        // Random JSON, and text that is not JSON at all.
        jsonJunk,
        unicodeString,
        fc.constant(''),
        goodInstance(model).map((s) => `{"instances":[${s}`),
      ),
      good: fc.integer({ min: 0, max: 19 }),
      requestId: fc.option(fc.stringMatching(/^[\x21-\x7e]{1,200}$/), { nil: undefined }),
    }).map((r) => ({ ...r, goodModel: model })),
  );

  // --- properties --------------------------------------------------------------------------------------------

  function checkAnswer(r: Sent, what: string): void {
    expect(r.status, what).toBeLessThan(500);
    const body = JSON.parse(r.text) as { error?: unknown; predictions?: unknown[] };
    if (r.status >= 400) {
      expect(typeof body.error, what).toBe('string');
      expect(body.error, what).not.toMatch(/Failed query|insert into|select .* from|\n\s+at /);
    } else if (r.status === 200 && body.predictions) {
      for (const p of body.predictions) {
        if (typeof p === 'number') expect(Number.isFinite(p), what).toBe(true);
        else {
          const probabilities = Object.values((p as { probabilities: Record<string, unknown> }).probabilities);
          for (const v of probabilities) expect(typeof v === 'number' && Number.isFinite(v), what).toBe(true);
        }
      }
    }
  }

  it(`answers ${RUNS} generated predict requests without a 5xx, and good requests beside them keep their answers`, async () => {
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(request, async (q) => {
        const [fuzzed, good] = await Promise.all([
          send(`/v1/models/${q.model}:predict`, q.body, q.contentType, q.requestId),
          send(`/v1/models/${q.goodModel}:predict`, goodBody(q.goodModel, q.good)),
        ]);
        statuses.set(fuzzed.status, (statuses.get(fuzzed.status) ?? 0) + 1);
        checkAnswer(fuzzed, `${q.body.slice(0, 200)} -> ${fuzzed.text.slice(0, 300)}`);
        expect(good.status).toBe(200);
        expect(good.text).toBe(expected.get(q.goodModel)![q.good]);
      }),
      { seed: SEED, numRuns: RUNS },
    );
    console.log('fuzzed predict answers by status:', Object.fromEntries([...statuses].sort()));
    // The generators reach both sides: answers and several kinds of refusal.
    expect(statuses.get(200)).toBeGreaterThan(10);
    expect(statuses.get(400)).toBeGreaterThan(50);
    expect(statuses.get(413)).toBeGreaterThan(0);
    expect(statuses.get(422) ?? 0).toBeGreaterThan(0);
  });

  it('answers 200 generated feedback bodies without a 5xx', async () => {
    // Predictions to label, so some generated labels are accepted.
    for (let k = 0; k < 5; k++) {
      for (const m of models) expect((await send(`/v1/models/${m}:predict`, goodBody(m, k), 'application/json', `fz-${m}-${k}`)).status).toBe(200);
    }
    const requestId = fc.oneof(
      fc.constantFrom('fz-bc-0', 'fz-bc-1', 'fz-fair-2', 'fz-fair-3', 'unknown-id'),
      unicodeString.map((s) => JSON.stringify(s)).map((s) => JSON.parse(s) as string),
      fc.constant('x'.repeat(300)),
    );
    const label = fc.oneof(fc.constantFrom('benign', 'malignant', 'benign\u0000', 1, 0.5, true, null), unicodeString, fc.double());
    const item = fc.oneof(
      fc.record({ request_id: requestId, label }).map((o) => JSON.stringify(o)),
      fc.record({ request_id: requestId, label }).map((o) => JSON.stringify(o)).map((s) => s.replace(/}$/, ',"__proto__":{"x":1}}')),
      jsonJunk,
    );
    const body = fc.oneof(
      fc.array(item, { minLength: 1, maxLength: 5 }).map((is) => `{"labels":[${is.join(',')}]}`),
      item,
      jsonJunk,
      fc.constant('{"labels":[]}'),
      numberText.map((n) => `{"request_id":"fz-fair-2","label":${n}}`),
    );
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...models), body, async (model, b) => {
        const r = await send(`/v1/models/${model}/feedback`, b);
        checkAnswer(r, `${b.slice(0, 200)} -> ${r.text.slice(0, 300)}`);
        if (r.status === 200) accepted++;
      }),
      { seed: SEED, numRuns: 200 },
    );
    expect(accepted).toBeGreaterThan(0);
  });

  it('still serves afterwards, with the same answers', async () => {
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    for (const m of models) for (let k = 0; k < 20; k += 5) expect((await send(`/v1/models/${m}:predict`, goodBody(m, k))).text).toBe(expected.get(m)![k]);
  });
});
