/**
 * The prediction log's writer on both databases (PGlite and a real PostgreSQL): `features` and `output` are JSON kept
 * as `text` (migration 0010, read back parsed) written by COPY (logRows.ts), and every field a record carries comes
 * back as it was logged, including instance text cut out of a request body as the client sent it (spacing, newlines,
 * escapes, unicode). A row the database refuses costs only itself, and never wedges the writer.
 */
import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { openDb, type DbHandle } from '../../src/db/client';
import { predictionLog } from '../../src/db/schema';
import { instanceTexts } from '../../src/serving/instanceText';
import { dbPredictionWriter, PredictionLog, type PredictionRecord } from '../../src/serving/predictionLog';
import { createTestDatabase } from './support/stack';

const backends = [
  { name: 'PGlite', open: () => openDb({ kind: 'pglite', dataDir: 'memory://' }) },
  { name: 'PostgreSQL', open: async () => openDb({ kind: 'postgres', url: await createTestDatabase() }) },
];

const rowsOf = (r: unknown) => (Array.isArray(r) ? r : (r as { rows: unknown[] }).rows) as Record<string, unknown>[];

describe.each(backends)('prediction log storage on $name', (backend) => {
  it('stores features and output as JSON text, and reads back every field of every record', async () => {
    const h: DbHandle = await backend.open();
    try {
      const types = rowsOf(await h.db.execute(sql`select column_name, data_type from information_schema.columns where table_name = 'prediction_log' and column_name in ('features', 'output') order by column_name`));
      expect(types).toEqual([
        { column_name: 'features', data_type: 'text' },
        { column_name: 'output', data_type: 'text' },
      ]);

      const body = '{ "instances" : [ {"x": 1.5, "city": "Zürich \\"old\\" \\u00e9", "n": null} ,\n {"x": -2e-3, "city": "a\\\\b", "n": 7} ] }';
      const texts = instanceTexts(body)!;
      const scores = new Float64Array([0.25, 0.75, 0.9, 0.1]);
      const render = (s: Float64Array, i: number) => ({ label: s[2 * i + 1] > 0.5 ? 'yes' : 'no', probabilities: { no: s[2 * i], yes: s[2 * i + 1] } });
      const at = Date.parse('2026-01-02T03:04:05.678Z');
      const records: PredictionRecord[] = [
        { modelName: 'm "quoted"', modelVersion: 3, requestId: 'req/0', features: texts[0], output: null, scores, row: 0, render, error: null, shadow: false, latencyMs: 1.25, at },
        { modelName: 'm "quoted"', modelVersion: 3, requestId: 'req/1', features: texts[1], output: null, scores, row: 1, render, error: null, shadow: true, latencyMs: 0.5, at },
        { modelName: 'other', modelVersion: 1, requestId: 'failed', features: '{"x":3}', output: null, scores: null, row: 0, render: null, error: 'boom: "why"\nline 2', shadow: false, latencyMs: Number.NaN, at: at + 1 },
      ];
      const log = new PredictionLog({ write: dbPredictionWriter(h.db), batchSize: 500 });
      for (const r of records) log.push(r);
      await log.close();
      expect({ written: log.written, dropped: log.dropped }).toEqual({ written: 3, dropped: 0 });

      const stored = await h.db.select().from(predictionLog).orderBy(predictionLog.id);
      expect(stored.map(({ id: _id, ...r }) => r)).toEqual([
        { modelName: 'm "quoted"', modelVersion: 3, requestId: 'req/0', features: { x: 1.5, city: 'Zürich "old" é', n: null }, output: { label: 'yes', probabilities: { no: 0.25, yes: 0.75 } }, error: null, shadow: false, latencyMs: 1.25, createdAt: new Date(at) },
        { modelName: 'm "quoted"', modelVersion: 3, requestId: 'req/1', features: { x: -2e-3, city: 'a\\b', n: 7 }, output: { label: 'no', probabilities: { no: 0.9, yes: 0.1 } }, error: null, shadow: true, latencyMs: 0.5, createdAt: new Date(at) },
        { modelName: 'other', modelVersion: 1, requestId: 'failed', features: { x: 3 }, output: {}, error: 'boom: "why"\nline 2', shadow: false, latencyMs: 0, createdAt: new Date(at + 1) },
      ]);
      // The instance's text is stored as the client sent it (spacing and escapes included).
      const [raw] = rowsOf(await h.db.execute(sql`select features::text as f from prediction_log where request_id = 'req/1'`));
      expect(raw.f).toBe(texts[1]);
      expect((await h.db.select().from(predictionLog).where(eq(predictionLog.shadow, true))).map((r) => r.requestId)).toEqual(['req/1']);
    } finally {
      await h.close();
    }
  });

  it('drops only a record the database refuses, writes the rest of its batch, and goes on writing', async () => {
    const h: DbHandle = await backend.open();
    try {
      const rec = (requestId: string, error: string | null): PredictionRecord => ({ modelName: 'm', modelVersion: 1, requestId, features: '{"x":1}', output: {}, scores: null, row: 0, render: null, error, shadow: false, latencyMs: 1, at: Date.now() });
      const refusals: string[] = [];
      const log = new PredictionLog({ write: dbPredictionWriter(h.db), batchSize: 500, onWriteError: (err) => void refusals.push((err as { code?: string }).code ?? err.message) });
      // A NUL character cannot be stored in a text column: the whole COPY is refused (SQLSTATE 22021 / 22P05).
      for (const [id, error] of [['a', null], ['nul', 'bad \u0000 byte'], ['b', 'fine']] as const) log.push(rec(id, error));
      await log.flush();
      log.push(rec('c', null));
      await log.close();
      expect({ written: log.written, dropped: log.dropped }).toEqual({ written: 3, dropped: 1 });
      expect(refusals).toHaveLength(1);
      expect(refusals[0]).toMatch(/^22/);
      const ids = (await h.db.select({ id: predictionLog.requestId }).from(predictionLog).orderBy(predictionLog.id)).map((r) => r.id);
      expect(ids).toEqual(['a', 'b', 'c']);
    } finally {
      await h.close();
    }
  });
});
