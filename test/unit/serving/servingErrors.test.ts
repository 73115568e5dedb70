/**
 * The serving app's error answers, on a real model trained in-process and a real embedded database (PGlite):
 * non-finite outputs are refused (422) instead of answered with nulls, feedback is validated before anything is
 * written, and no 5xx body carries SQL or an error's own text (the log line does, under the request id).
 */
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config';
import { labels as labelsTable } from '../../../src/db/schema';
import { buildServingApp } from '../../../src/serving/app';
import { publicMessage, scrub } from '../../../src/serving/errors';
import { parseFeedback } from '../../../src/serving/feedback';
import { BREAST_CANCER, FAIR_REGRESSION, servedModels, type ServedModelFixture } from './support/servedModel';

interface Answer {
  status: number;
  body: { predictions?: unknown[]; error?: string; recorded?: number; [k: string]: unknown };
  text: string;
}

describe('serving error answers', () => {
  let f: ServedModelFixture;
  let app: FastifyInstance;
  const logLines: string[] = [];
  let bc: Record<string, unknown>[];
  let fair: Record<string, unknown>[];

  async function post(url: string, payload: unknown, headers: Record<string, string> = {}): Promise<Answer> {
    const r = await app.inject({
      method: 'POST',
      url,
      payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
      headers: { 'content-type': 'application/json', ...headers },
    });
    return { status: r.statusCode, body: JSON.parse(r.body), text: r.body };
  }
  const predict = (model: string, instances: unknown[], headers: Record<string, string> = {}) => post(`/v1/models/${model}:predict`, { instances }, headers);
  const feedback = (model: string, body: unknown) => post(`/v1/models/${model}/feedback`, body);

  beforeAll(async () => {
    f = await servedModels([
      { name: 'bc', ...BREAST_CANCER },
      { name: 'fair', ...FAIR_REGRESSION },
    ]);
    bc = f.rows.get('bc')!;
    fair = f.rows.get('fair')!;
    app = buildServingApp({
      db: f.db,
      store: f.store,
      config: loadConfig({ BOSUN_HOME: f.home, HOME: process.env.HOME }),
      logFlushMs: 50,
      processMetrics: false,
      logStream: { write: (line) => void logLines.push(line) },
    });
    await app.ready();
  }, 60_000); // training two models and starting the embedded database: seconds on a busy machine
  afterAll(async () => {
    await app?.close();
    await f?.close();
  });

  describe('non-finite outputs', () => {
    const huge = () => Object.fromEntries(Object.keys(bc[0]).map((k) => [k, 1e308]));

    it('refuses every feature at 1e308 with a 422 naming the instance and the cause, never a 200 with nulls', async () => {
      const r = await predict('bc', [huge()]);
      expect(r.status).toBe(422);
      expect(r.text).not.toContain('null');
      expect(r.body.error).toMatch(/^instances\[0\]: the probability of class "benign" is NaN \(not a finite number\), so there is no answer; after the fitted feature transforms, "[^"]+" = Infinity/);
    });

    it('names the right instance in a batch, and good requests scored with it keep their exact answers', async () => {
      const alone = await Promise.all([0, 1, 2].map((i) => predict('bc', [bc[i]])));
      // Concurrent: the good and the bad requests share micro-batches.
      const [bad, ...good] = await Promise.all([predict('bc', [bc[5], bc[6], huge(), bc[7]]), ...[0, 1, 2].map((i) => predict('bc', [bc[i]]))]);
      expect(bad.status).toBe(422);
      expect(bad.body.error).toMatch(/^instances\[2\]: /);
      good.forEach((g, i) => expect(g).toEqual(alone[i]));
      expect(alone.every((a) => a.status === 200)).toBe(true);
      // Still serving.
      expect((await predict('bc', [bc[3]])).status).toBe(200);
    });

    it('refuses non-finite input numbers after parsing (1e400 is Infinity) naming the field', async () => {
      const body = JSON.stringify({ instances: [bc[0]] }).replace(/"mean radius":[^,]+/, '"mean radius":1e400');
      const r = await post('/v1/models/bc:predict', body);
      expect(r.status).toBe(400);
      expect(r.body.error).toMatch(/^instances\[0\]\["mean radius"\]: expected a finite number, got Infinity/);
    });

    it('answers a huge but finite regression output, since it is a number', async () => {
      const r = await predict('fair', [fair[0], Object.fromEntries(Object.keys(fair[0]).map((k) => [k, 1e308]))]);
      expect(r.status).toBe(200);
      const [a, b] = r.body.predictions as number[];
      expect(Number.isFinite(a) && Number.isFinite(b)).toBe(true);
    });
  });

  describe('feedback', () => {
    beforeAll(async () => {
      for (const id of ['fb-1', 'fb-2', 'fb-3']) expect((await predict('bc', [bc[0]], { 'x-request-id': id })).status).toBe(200);
      expect((await predict('bc', [bc[0], bc[1]], { 'x-request-id': 'fb-multi' })).status).toBe(200);
      expect((await predict('fair', [fair[0]], { 'x-request-id': 'fb-r' })).status).toBe(200);
      await app.serving.log.flush();
    });

    const refused: [string, string, unknown, RegExp][] = [
      ['NUL in a request id', 'bc', { labels: [{ request_id: 'fb-1\u0000', label: 'benign' }] }, /^labels\[0\]\.request_id: contains the control character U\+0000 at position 4/],
      ['NUL in a label', 'bc', { labels: [{ request_id: 'fb-1', label: 'benign\u0000' }] }, /^labels\[0\]\.label: "benign\\u0000" is not a class of model "bc" \(classes: benign, malignant\)/],
      ['a label outside the classes', 'bc', { request_id: 'fb-1', label: 'maybe' }, /^body\.label: "maybe" is not a class of model "bc"/],
      ['the same id twice with different labels', 'bc', { labels: [{ request_id: 'fb-1', label: 'benign' }, { request_id: 'fb-1', label: 'malignant' }] }, /^labels\[1\]\.request_id: "fb-1" already has label "benign" at labels\[0\]/],
      ['an unknown request id', 'bc', { labels: [{ request_id: 'fb-1', label: 'benign' }, { request_id: 'never-seen', label: 'benign' }] }, /^labels\[1\]\.request_id "never-seen": no prediction of model "bc" has this request id/],
      ['another model\'s request id', 'bc', { request_id: 'fb-r', label: 'benign' }, /^body\.request_id "fb-r": no prediction of model "bc"/],
      ['a regression label that is text', 'fair', { request_id: 'fb-r', label: 'high' }, /^body\.label: expected a number \(model "fair" is a regression\), got "high"/],
      ['a regression label of 1e400', 'fair', '{"request_id": "fb-r", "label": 1e400}', /^body\.label: expected a finite number, got Infinity/],
      ['a request id too long', 'bc', { request_id: 'x'.repeat(129), label: 'benign' }, /^body\.request_id: 129 characters, at most 128/],
      ['a request id that is a number', 'bc', { request_id: 7, label: 'benign' }, /^body\.request_id: expected a string, got 7/],
      ['a missing label', 'bc', { labels: [{ request_id: 'fb-1' }] }, /^labels\[0\]\.label: missing/],
      ['an extra field', 'bc', { labels: [{ request_id: 'fb-1', label: 'benign', weight: 2 }] }, /^labels\[0\]: unexpected field "weight"/],
      ['labels not a list', 'bc', { labels: 'fb-1' }, /^labels: expected an array/],
      ['empty labels', 'bc', { labels: [] }, /^labels: empty/],
    ];
    it.each(refused)('refuses %s with a 400 naming the field, recording nothing', async (_what, model, body, message) => {
      const before = await f.db.select().from(labelsTable);
      const r = await feedback(model, body);
      expect(r.status).toBe(400);
      expect(r.body.error).toMatch(message);
      expect(r.text).not.toMatch(/insert|select|params:/i);
      expect(await f.db.select().from(labelsTable)).toEqual(before);
    });

    it('records valid labels, counting a request id sent twice with the same label once', async () => {
      const r = await feedback('bc', {
        labels: [
          { request_id: 'fb-1', label: 'benign' },
          { request_id: 'fb-1', label: 'benign' },
          { request_id: 'fb-2', label: 'malignant' },
          { request_id: 'fb-multi/1', label: 'benign' },
        ],
      });
      expect(r).toMatchObject({ status: 200, body: { recorded: 3 } });
      const rows = await f.db.select().from(labelsTable);
      expect(Object.fromEntries(rows.filter((x) => x.modelName === 'bc').map((x) => [x.requestId, x.label]))).toMatchObject({ 'fb-1': 'benign', 'fb-2': 'malignant', 'fb-multi/1': 'benign' });
      expect((await feedback('fair', { request_id: 'fb-r', label: 2.5 })).body).toEqual({ recorded: 1 });
    });

    it('accepts a label for a prediction whose log row is still queued', async () => {
      expect((await predict('bc', [bc[4]], { 'x-request-id': 'fb-queued' })).status).toBe(200);
      expect(app.serving.log.queuedRequestIds('bc').has('fb-queued')).toBe(true);
      expect((await feedback('bc', { request_id: 'fb-queued', label: 'benign' })).body).toEqual({ recorded: 1 });
    });

    it('reads numbers and booleans as the class with that text', () => {
      const t = { model: 'm', classes: ['0', '1', 'true'] };
      expect(parseFeedback({ labels: [{ request_id: 'a', label: 1 }, { request_id: 'b', label: true }] }, t).map((l) => l.label)).toEqual(['1', 'true']);
    });
  });

  describe('5xx bodies', () => {
    it('say "internal error" with the request id, and the log line under that id has the real error', async () => {
      expect((await predict('bc', [bc[0]], { 'x-request-id': 'fb-500' })).status).toBe(200);
      await app.serving.log.flush();
      // The labels table is gone: the insert fails inside the database layer, with its SQL in the error's message.
      await f.db.execute(sql`alter table labels rename to labels_away`);
      try {
        const r = await post('/v1/models/bc/feedback', { request_id: 'fb-500', label: 'benign' }, { 'x-request-id': 'req-500' });
        expect(r.status).toBe(500);
        expect(r.body).toEqual({ error: "internal error (request id req-500); the details are in the serving process's log under this id" });
        const line = logLines.map((l) => JSON.parse(l) as { reqId?: string; msg: string; err?: { message: string } }).find((l) => l.reqId === 'req-500');
        expect(line?.msg).toMatch(/POST \/v1\/models\/bc\/feedback failed \(request id req-500\)/);
        expect(line?.err?.message).toMatch(/insert into "labels"/);
      } finally {
        await f.db.execute(sql`alter table labels_away rename to labels`);
      }
    });

    it('public messages keep the driver\'s cause and drop SQL, parameters and credentials', () => {
      const drizzleError = Object.assign(new Error('Failed query: insert into "labels" values ($1)\nparams: secret'), { cause: new Error('connect ECONNREFUSED 127.0.0.1:5432') });
      expect(publicMessage(drizzleError)).toBe('connect ECONNREFUSED 127.0.0.1:5432');
      expect(publicMessage(new Error('Failed query: select 1\nparams: '))).toBe('a database query failed');
      expect(scrub('cannot reach postgres://bosun:hunter2@db:5432/x\n    at Object.<anonymous> (/app/x.js:1:1)')).toBe('cannot reach postgres://***@db:5432/x');
    });
  });
});
