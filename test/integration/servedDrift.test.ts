import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { and, eq, sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config';
import { driftReports, labels, predictionLog } from '../../src/db/schema';
import { driftScheduleId } from '../../src/monitor/schedules';
import { buildServingApp } from '../../src/serving/app';
import { findProgram } from '../../src/stack/binaries';
import { approveSignal } from '../../src/contract/messages';
import { DATA_DIR, startHarness, type Harness } from './support/pipelineHarness';
import { stack, uniqueName } from './support/stack';

const run = promisify(execFile);

/** fair.csv rows as serving instances, with yrs_married shifted by +6 and occupation codes rotated. */
function shiftedInstances(): { instances: Record<string, number>[]; truth: number[] } {
  const [header, ...rows] = readFileSync(path.join(DATA_DIR, 'fair.csv'), 'utf8').trim().split('\n');
  const names = header.split(',').map((h) => h.replace(/"/g, ''));
  const instances: Record<string, number>[] = [];
  const truth: number[] = [];
  for (const line of rows.slice(0, 800)) {
    const v = line.split(',').map(Number);
    const o: Record<string, number> = {};
    names.forEach((n, i) => (o[n] = v[i]));
    o.yrs_married += 6;
    o.occupation = (o.occupation % 6) + 1;
    truth.push(o.affairs);
    delete o.affairs;
    instances.push(o);
  }
  return { instances, truth };
}

// The whole monitoring loop through its real interfaces: traffic over HTTP, ground truth through the
// feedback endpoint, the schedule triggered with the real `temporal` CLI.
describe('shifted traffic through the serving API triggers one retraining', () => {
  let h: Harness;
  let serving: FastifyInstance;
  let base: string;
  const model = uniqueName('fair');

  beforeAll(async () => {
    h = await startHarness({ postgres: true });
    const handle = await h.submit({
      name: model,
      source: 'fair.csv',
      target: 'affairs',
      task: 'regression',
      model: { algorithm: 'linear_regression' },
      monitor: { cron: '0 3 * * *', window: '1h', drift: { minSamples: 300 } },
    });
    await h.waitForStage(handle, 'awaiting_approval');
    await handle.signal(approveSignal, { reviewer: 'approver' });
    await handle.result();
    serving = buildServingApp({ db: h.app.db, store: h.app.store, config: h.config, logger: false, pollMs: 200, logFlushMs: 100, processMetrics: false });
    base = await serving.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await serving?.close();
    await h?.close();
  });

  it('logs the traffic, takes feedback, and a doubly-triggered schedule starts exactly one retraining', async () => {
    // Wait until serving has loaded the production version.
    for (let i = 0; i < 50; i++) if ((await fetch(`${base}/v1/models/${model}`)).status === 200) break;
    const { instances, truth } = shiftedInstances();
    for (let i = 0; i < instances.length; i += 50) {
      const res = await fetch(`${base}/v1/models/${model}:predict`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': `batch-${i}` },
        body: JSON.stringify({ instances: instances.slice(i, i + 50) }),
      });
      expect(res.status).toBe(200);
    }
    const fb = await fetch(`${base}/v1/models/${model}/feedback`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ labels: truth.map((label, i) => ({ request_id: `batch-${i - (i % 50)}/${i % 50}`, label })) }),
    });
    expect(await fb.json()).toEqual({ recorded: truth.length });
    const bad = await fetch(`${base}/v1/models/${model}/feedback`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ labels: [{ label: 1 }] }) });
    expect(bad.status).toBe(400);

    // The prediction log is written in the background: wait for every row.
    for (let i = 0; i < 100; i++) {
      const [{ n }] = await h.app.db.select({ n: sql<number>`count(*)::int` }).from(predictionLog).where(eq(predictionLog.modelName, model));
      if (n >= instances.length) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const joined = await h.app.db.select({ n: sql<number>`count(*)::int` }).from(predictionLog).innerJoin(labels, eq(labels.requestId, predictionLog.requestId)).where(eq(predictionLog.modelName, model));
    expect(joined[0].n).toBe(instances.length);

    const temporal = findProgram('temporal', { cacheDir: loadConfig().cacheDir });
    const trigger = () => run(temporal, ['schedule', 'trigger', '--address', stack().temporalAddress, '--schedule-id', driftScheduleId(model)]);
    await Promise.all([trigger(), trigger()]);

    // Wait for the checks the triggers started to finish, then count retraining runs.
    const deadline = Date.now() + 120_000;
    let reports: (typeof driftReports.$inferSelect)[] = [];
    for (;;) {
      reports = await h.app.db.select().from(driftReports).where(and(eq(driftReports.modelName, model), eq(driftReports.drifted, true)));
      const running = await h.client.workflow.count(`WorkflowType = "driftCheck" AND BosunPipeline = "${model}" AND ExecutionStatus = "Running"`);
      if (reports.length > 0 && reports.every((r) => r.retrainRunId) && running.count === 0) break;
      if (Date.now() > deadline) throw new Error(`drift checks did not finish: ${JSON.stringify(reports.map((r) => r.checkId))}`);
      await new Promise((r) => setTimeout(r, 500));
    }
    const report = reports[0].report as { driftedFeatures: string[]; performance: { labelled: number } | null };
    expect(report.driftedFeatures).toEqual(expect.arrayContaining(['yrs_married', 'occupation']));
    expect(report.performance?.labelled).toBe(instances.length);
    expect(new Set(reports.map((r) => r.retrainRunId)).size).toBe(1);

    const retrainId = reports[0].retrainRunId!;
    const retrain = h.client.workflow.getHandle(retrainId);
    await h.waitForStage(retrain, 'awaiting_approval');
    let count = 0;
    for (let i = 0; i < 20; i++) {
      count = (await h.client.workflow.count(`WorkflowType = "trainingPipeline" AND BosunPipeline = "${model}" AND BosunTrigger = "drift"`)).count;
      if (count > 0) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(count).toBe(1);
  });
});
