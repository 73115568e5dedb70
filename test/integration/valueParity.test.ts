/**
 * One value parser, end to end: a model trained by a real pipeline run (Temporal, PGlite, filesystem store) on a CSV
 * whose cells are spelt every way ingest accepts (yes/No booleans, dates with comma fractions, a lowercase z or a
 * leading space, numbers like " 3.5" or "1E5", missing markers) is served over real HTTP, and rows of that same
 * file, POSTed as the strings the file holds, get exactly the predictions batch scoring gives for those rows.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inArray } from 'drizzle-orm';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTable } from '../../src/data/read';
import { isFloatColumn, type Table } from '../../src/data/table';
import { parseBooleanWord, parseDatetime, parseNumber } from '../../src/data/values';
import { predictionLog } from '../../src/db/schema';
import { instancesToTable } from '../../src/features';
import { buildServingApp } from '../../src/serving/app';
import { scoreTable } from '../../src/serving/batchScore';
import { loadServedVersion } from '../../src/serving/servedVersion';
import { getAlias } from '../../src/registry/registry';
import { booleanCell, categoricalCell, csvText, datetimeCell, numericCell } from '../unit/data/support/rawCells';
import { startHarness, type Harness } from './support/pipelineHarness';
import { uniqueName } from './support/stack';

const TOKEN = 'value-parity-token-0123456789abcdef';
const AUTH = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
const SEED = 14;
const INPUTS = ['amount', 'member', 'signup', 'plan'] as const;
const HEADER = [...INPUTS, 'churned'];

type Row = [amount: string, member: string, signup: string, plan: string];

/** A learnable label from the parsed values, so the run's evaluation passes; the spellings are what matter. */
function label([amount, member, signup]: readonly string[], i: number): string {
  const a = parseNumber(amount) ?? 0;
  const m = parseBooleanWord(member) ?? 0;
  const d = parseDatetime(signup) ?? 0;
  const score = (a === a && Number.isFinite(a) ? Math.sign(a) : 0) + (m === 1 ? 1 : -1) + (d > 0 ? 0.5 : -0.5) + (i % 7 === 0 ? 2 : 0);
  return score > 0 ? 'leave' : 'stay';
}

const rowArb = fc.tuple(numericCell, booleanCell, datetimeCell, categoricalCell) as fc.Arbitrary<Row>;

interface Prediction {
  label: string;
  probabilities: Record<string, number>;
}

describe('serving reads request strings as ingest read the file', () => {
  let h: Harness;
  let app: FastifyInstance;
  let base: string;
  const name = uniqueName('parity');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bosun-parity-'));
  // The first row fixes each column's type; the rest are sampled spellings of each type plus missing markers.
  const first: Row = ['12.5', 'yes', '2024-03-01T10:00:00,5z', 'red'];
  const rows: Row[] = [first, ['-3', 'No', ' 2024-02-29', ' blue'], ...fc.sample(rowArb, { seed: SEED, numRuns: 300 })];
  const file = path.join(dir, 'churn.csv');
  let table: Table;
  let classes: string[];

  async function predict(instances: unknown[]): Promise<{ status: number; body: { predictions?: Prediction[]; error?: string } }> {
    const res = await fetch(`${base}/v1/models/${name}:predict`, { method: 'POST', headers: AUTH, body: JSON.stringify({ instances }) });
    return { status: res.status, body: (await res.json()) as { predictions?: Prediction[]; error?: string } };
  }

  const instanceOf = (r: Row) => Object.fromEntries(INPUTS.map((n, j) => [n, r[j]]));
  const probabilities = (p: Prediction[]) => p.map((x) => classes.map((c) => x.probabilities[c]));
  const batchRows = (preds: Float64Array, from: number, count: number) =>
    Array.from({ length: count }, (_, i) => Array.from(preds.subarray((from + i) * classes.length, (from + i + 1) * classes.length)));

  beforeAll(async () => {
    writeFileSync(file, csvText(HEADER, rows.map((r, i) => [...r, label(r, i)]), rows.map((_, i) => i % 3 === 0)));
    table = await readTable(readFileSync(file), { fileName: 'churn.csv' });
    expect(Object.fromEntries(table.columns.map((c) => [c.name, c.type]))).toEqual({ amount: 'numeric', member: 'boolean', signup: 'datetime', plan: 'categorical', churned: 'categorical' });
    h = await startHarness();
    const run = await h.submit({ name, source: file, target: 'churned', model: { algorithm: 'logistic_regression' }, approval: { autoApprove: true } });
    expect(await run.result()).toMatchObject({ status: 'succeeded', deployed: true });
    app = buildServingApp({ db: h.app.db, store: h.app.store, config: { ...h.config, serve: { ...h.config.serve, token: TOKEN } }, pollMs: 200, logFlushMs: 100, logger: false });
    await app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
    const version = (await getAlias(h.app.db, name, 'production'))!;
    const served = await loadServedVersion(h.app.db, h.app.store, version);
    const task = served.model.task;
    classes = task.kind === 'regression' ? [] : task.classes;
    expect(classes).toEqual(expect.arrayContaining(['leave', 'stay']));
  }, 240_000);

  afterAll(async () => {
    await app?.close();
    await h?.close();
  });

  it('gives the file rows, sent as their strings, the predictions batch scoring gives', async () => {
    const batch = await scoreTable(h.app.db, h.app.store, name, table);
    const sent = rows.map(instanceOf);
    const answer = await predict(sent);
    expect(answer.status, answer.body.error).toBe(200);
    expect(probabilities(answer.body.predictions!)).toEqual(batchRows(batch, 0, rows.length));
    // One row per request too (the compiled reader and micro-batching), including the spellings serving used to refuse.
    const picks = [0, 1, ...rows.map((r, i) => (/^\s|,|z$|^(yes|no)$/i.test(r.join('|')) ? i : -1)).filter((i) => i > 1).slice(0, 20)];
    const singles = await Promise.all(picks.map((i) => predict([sent[i]])));
    for (const [k, i] of picks.entries()) {
      expect(singles[k].status, singles[k].body.error).toBe(200);
      expect(probabilities(singles[k].body.predictions!)).toEqual(batchRows(batch, i, 1));
    }
  });

  it('reads the prediction log (what drift checks read) back into the values ingest gave those rows', async () => {
    const version = (await getAlias(h.app.db, name, 'production'))!;
    const { features } = await loadServedVersion(h.app.db, h.app.store, version);
    const sent = rows.slice(0, 5).map(instanceOf);
    const ids = sent.map((_, i) => `parity-log-${i}`);
    for (const [i, instance] of sent.entries()) {
      const res = await fetch(`${base}/v1/models/${name}:predict`, { method: 'POST', headers: { ...AUTH, 'x-request-id': ids[i] }, body: JSON.stringify({ instances: [instance] }) });
      expect(res.status).toBe(200);
    }
    let logged: { requestId: string | null; features: unknown }[] = [];
    const deadline = Date.now() + 20_000;
    while (logged.length < ids.length && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 150));
      logged = await h.app.db.select({ requestId: predictionLog.requestId, features: predictionLog.features }).from(predictionLog).where(inArray(predictionLog.requestId, ids));
    }
    expect(logged).toHaveLength(ids.length);
    logged.sort((a, b) => ids.indexOf(a.requestId!) - ids.indexOf(b.requestId!));
    const fromLog = instancesToTable(features, logged.map((r) => r.features));
    for (const c of fromLog.columns) {
      const ingested = table.columns.find((x) => x.name === c.name)!;
      const want = isFloatColumn(ingested) ? Array.from(ingested.values.subarray(0, 5)) : Array.from(ingested.codes.subarray(0, 5), (k) => (k < 0 ? null : ingested.levels[k]));
      const got = isFloatColumn(c) ? Array.from(c.values) : Array.from(c.codes, (k) => (k < 0 ? null : c.levels[k]));
      expect(got).toEqual(want);
    }
  });

  it('agrees with batch scoring for sampled spellings over HTTP (fast-check)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(rowArb, { minLength: 1, maxLength: 4 }), async (sample) => {
        // Offline: the sample read from a CSV after the file's first row (which fixes the column types), as a scoring
        // job would read it; online: the same cells as strings in one request.
        const csv = csvText(HEADER, [first, ...sample].map((r, i) => [...r, label(r, i)]));
        const offline = await readTable(Buffer.from(csv), { fileName: 'sample.csv' });
        const batch = await scoreTable(h.app.db, h.app.store, name, offline);
        const answer = await predict(sample.map(instanceOf));
        expect(answer.status, answer.body.error).toBe(200);
        expect(probabilities(answer.body.predictions!)).toEqual(batchRows(batch, 1, sample.length));
      }),
      { seed: SEED, numRuns: 30 },
    );
  });
});
