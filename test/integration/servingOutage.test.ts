/**
 * Serving through a database outage, on a real PostgreSQL killed with SIGKILL: a throwaway cluster of its own (so
 * killing it harms no other test), the model trained in-process and registered there, the serving app on a real
 * port. While the database is down, predictions keep answering 200 from the loaded model with exactly the answers
 * they gave before; the prediction log keeps the newest records in its bounded buffer and counts every record it
 * drops, on /metrics too. After PostgreSQL restarts on the same data directory, the kept records arrive, and
 * written + dropped is exactly what was sent.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { and, eq, inArray, like } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config';
import { openDb, type DbHandle } from '../../src/db/client';
import { predictionLog } from '../../src/db/schema';
import { buildServingApp } from '../../src/serving/app';
import { METRIC_NAMES } from '../../src/serving/metrics';
import { startPostgres, type PostgresService } from '../../src/stack/postgresServer';
import { freePort, portOpen, sleep } from '../../src/stack/process';
import { BREAST_CANCER, servedModels, type ServedModelFixture } from '../unit/serving/support/servedModel';

const CAPACITY = 100;
const DURING_OUTAGE = 250;

async function until<T>(what: string, probe: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

describe('serving while PostgreSQL is killed and restarted', () => {
  let dir: string;
  let port: number;
  let pg: PostgresService;
  let handle: DbHandle;
  let f: ServedModelFixture;
  let app: FastifyInstance;
  let base: string;
  const logLines: { msg: string }[] = [];
  let rows: Record<string, unknown>[];
  const answers: string[] = [];

  const pgOptions = () => ({ dataDir: path.join(dir, 'pg'), port, logFile: path.join(dir, 'postgres.log') });
  const postmasterPid = () => Number(readFileSync(path.join(dir, 'pg', 'data', 'postmaster.pid'), 'utf8').split('\n')[0]);
  const predict = async (i: number, requestId: string) => {
    const r = await fetch(`${base}/v1/models/bc:predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': requestId },
      body: JSON.stringify({ instances: [rows[i % 20]] }),
    });
    return { status: r.status, text: await r.text() };
  };
  const loggedIds = async (prefix: string) =>
    (await handle.db.select({ id: predictionLog.requestId }).from(predictionLog).where(and(eq(predictionLog.modelName, 'bc'), like(predictionLog.requestId, `${prefix}%`)))).map((r) => r.id);

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'bosun-outage-'));
    chmodSync(dir, 0o755); // PostgreSQL runs as its own user when the tests run as root
    port = await freePort();
    pg = await startPostgres(pgOptions());
    handle = await openDb({ kind: 'postgres', url: pg.databaseUrl });
    f = await servedModels([{ name: 'bc', ...BREAST_CANCER }], handle);
    rows = f.rows.get('bc')!;
    app = buildServingApp({
      db: handle.db,
      store: f.store,
      config: loadConfig({ BOSUN_HOME: f.home, HOME: process.env.HOME, DATABASE_URL: pg.databaseUrl }),
      pollMs: 200,
      logFlushMs: 100,
      logCapacity: CAPACITY,
      processMetrics: false,
      logStream: { write: (line) => void logLines.push(JSON.parse(line) as { msg: string }) },
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    await app?.close();
    await f?.close();
    await handle?.close();
    await pg?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('logs predictions while the database is up', async () => {
    for (let i = 0; i < 20; i++) {
      const r = await predict(i, `before-${i}`);
      expect(r.status).toBe(200);
      answers.push(r.text);
    }
    await app.serving.log.flush();
    expect((await loggedIds('before-')).sort()).toEqual(Array.from({ length: 20 }, (_, i) => `before-${i}`).sort());
    expect(app.serving.log.dropped).toBe(0);
  });

  it('keeps answering with the loaded model while PostgreSQL is dead, counting the log records it cannot keep', async () => {
    process.kill(postmasterPid(), 'SIGKILL');
    await until('PostgreSQL to stop listening', async () => !(await portOpen(port)));

    for (let i = 0; i < DURING_OUTAGE; i += 10) {
      const batch = await Promise.all(Array.from({ length: 10 }, (_, j) => predict(i + j, `outage-${i + j}`)));
      batch.forEach((r, j) => {
        expect(r.status).toBe(200);
        expect(r.text).toBe(answers[(i + j) % 20]);
      });
    }
    // Every write fails; once the last one has, the buffer holds the newest CAPACITY records and the rest are counted.
    await until('the drops to settle', () => app.serving.log.dropped === DURING_OUTAGE - CAPACITY && app.serving.log.depth === CAPACITY);
    await sleep(500); // more failed flushes: nothing changes
    expect(app.serving.log.dropped).toBe(DURING_OUTAGE - CAPACITY);
    expect(app.serving.log.depth).toBe(CAPACITY);

    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toContain(`${METRIC_NAMES.logDropped} ${DURING_OUTAGE - CAPACITY}`);
    expect(metrics).toContain(`${METRIC_NAMES.logQueueDepth} ${CAPACITY}`);
    expect(metrics).toMatch(new RegExp(`${METRIC_NAMES.logWriteErrors} [1-9]`));

    // Readiness says what is wrong, in one line without SQL; the model is still listed as served.
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(503);
    const readyText = await ready.text();
    expect(readyText).toMatch(/database: /);
    expect(readyText).not.toMatch(/select|Failed query|params:/i);
    expect((await fetch(`${base}/v1/models/bc`)).status).toBe(200);

    // The outage is reported once, not per retry.
    expect(logLines.filter((l) => l.msg.startsWith('prediction log: writing a batch failed'))).toHaveLength(1);
  });

  it('writes the kept records once PostgreSQL is back on the same data directory, and the drop count stays exact', async () => {
    // A backend of the killed server can hold its shared memory a moment longer: retry the start.
    pg = await until('PostgreSQL to restart', async () => startPostgres(pgOptions()).catch(() => false as const), 60_000);
    const expectedIds = Array.from({ length: CAPACITY }, (_, k) => `outage-${DURING_OUTAGE - CAPACITY + k}`);
    const logged = await until('the kept records to arrive', async () => {
      const ids = await loggedIds('outage-').catch(() => []);
      return ids.length >= CAPACITY && ids;
    });
    expect(logged.sort()).toEqual(expectedIds.sort());
    expect(app.serving.log.depth).toBe(0);
    expect(app.serving.log.dropped).toBe(DURING_OUTAGE - CAPACITY);
    expect(app.serving.log.written).toBe(20 + CAPACITY);
    // The rows are whole: features and the answer the client got.
    const [row] = await handle.db.select().from(predictionLog).where(inArray(predictionLog.requestId, [expectedIds[0]]));
    expect(row.features).toEqual(rows[(DURING_OUTAGE - CAPACITY) % 20]);
    expect(row.output).toEqual((JSON.parse(answers[(DURING_OUTAGE - CAPACITY) % 20]) as { predictions: unknown[] }).predictions[0]);
    expect(logLines.filter((l) => l.msg.startsWith('prediction log: writing again after'))).toHaveLength(1);
    expect(logLines.find((l) => l.msg.startsWith('prediction log: writing again after'))?.msg).toMatch(new RegExp(`; ${DURING_OUTAGE - CAPACITY} records were dropped meanwhile`));

    // And serving goes on, logging again.
    expect((await predict(0, 'after-0')).text).toBe(answers[0]);
    await until('readiness to recover', async () => (await fetch(`${base}/readyz`)).status === 200);
    await app.serving.log.flush();
    expect(await loggedIds('after-')).toEqual(['after-0']);
  });
});
