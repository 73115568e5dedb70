/**
 * What the prediction log stores for real requests through a real serving app (embedded PGlite, real models): each
 * instance's features as the client sent them (cut out of the body, or serialised when the body had to be read in
 * full), and each output the same JSON as the answer's prediction, for binary, multiclass and regression models.
 */
import { inArray } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config';
import { predictionLog } from '../../../src/db/schema';
import { buildServingApp } from '../../../src/serving/app';
import { BREAST_CANCER, FAIR_REGRESSION, servedModels, type ServedModelFixture } from './support/servedModel';

describe('prediction log records', () => {
  let f: ServedModelFixture;
  let app: FastifyInstance;

  beforeAll(async () => {
    f = await servedModels([
      { name: 'bc', ...BREAST_CANCER },
      { name: 'wine', file: 'wine.csv', target: 'cultivar', algorithm: 'logistic_regression' },
      { name: 'fair', ...FAIR_REGRESSION },
    ]);
    app = buildServingApp({ db: f.db, store: f.store, config: loadConfig({ BOSUN_HOME: f.home, HOME: process.env.HOME }), logger: false, processMetrics: false });
    await app.ready();
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await f?.close();
  });

  it.each([
    ['compact, one instance', (inst: unknown[]) => JSON.stringify({ instances: inst }), 1],
    ['indented, two instances', (inst: unknown[]) => JSON.stringify({ instances: inst }, null, 2), 2],
    ['indented, an escaped key, three instances', (inst: unknown[]) => JSON.stringify({ instances: inst }, null, 2).replace('"instances"', '"instanc\\u0065s"'), 3],
  ])('logs features as sent and outputs as answered: %s', async (what, body, n) => {
    for (const model of ['bc', 'wine', 'fair']) {
      const instances = f.rows.get(model)!.slice(0, n);
      const rid = `${model}-${what.length}-${n}`;
      const r = await app.inject({ method: 'POST', url: `/v1/models/${model}:predict`, payload: body(instances), headers: { 'content-type': 'application/json', 'x-request-id': rid } });
      expect(r.statusCode, r.body).toBe(200);
      const predictions = (JSON.parse(r.body) as { predictions: unknown[] }).predictions;
      await app.serving.log.flush();
      const ids = n === 1 ? [rid] : instances.map((_, i) => `${rid}/${i}`);
      const rows = await f.db.select().from(predictionLog).where(inArray(predictionLog.requestId, ids));
      const byId = new Map(rows.map((row) => [row.requestId, row]));
      ids.forEach((id, i) => {
        const row = byId.get(id);
        expect(row, `${model} ${id}`).toBeDefined();
        expect(row!.features).toEqual(instances[i]);
        expect(row!.output).toEqual(predictions[i]);
        expect(row!).toMatchObject({ modelName: model, modelVersion: 1, error: null, shadow: false });
      });
    }
    expect(app.serving.log.dropped).toBe(0);
  });
});
