import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { driftReports } from '../../src/db/schema';
import { driftScheduleId } from '../../src/monitor/schedules';
import type { PipelineSpecInput } from '../../src/pipeline/spec';
import { approveSignal } from '../../src/contract/messages';
import type { DriftCheckOutcome } from '../../src/contract/driftCheck';
import { DATA_DIR, startHarness, type Harness } from './support/pipelineHarness';
import { uniqueName } from './support/stack';

/** fair.csv with yrs_married shifted by +6 years and the occupation codes rotated: a known, real shift. */
function shiftedFair(dir: string): string {
  const [header, ...rows] = readFileSync(path.join(DATA_DIR, 'fair.csv'), 'utf8').trim().split('\n');
  const out = rows.map((line) => {
    const c = line.split(',');
    c[2] = String(Number(c[2]) + 6);
    c[6] = String((Number(c[6]) % 6) + 1);
    return c.join(',');
  });
  const file = path.join(dir, 'fair-shifted.csv');
  writeFileSync(file, [header, ...out].join('\n'));
  return file;
}

describe('drift check and retraining', () => {
  let h: Harness;
  let model: string;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bosun-drift-'));

  beforeAll(async () => {
    h = await startHarness({ postgres: true });
    model = uniqueName('fair');
    const spec: PipelineSpecInput = {
      name: model,
      source: 'fair.csv',
      target: 'affairs',
      task: 'regression',
      model: { algorithm: 'linear_regression' },
      approval: { required: 1, fourEyes: true },
      monitor: { cron: '0 3 * * *', window: '24h', drift: { minSamples: 200 } },
    };
    const handle = await h.submit(spec);
    await h.waitForStage(handle, 'awaiting_approval');
    await handle.signal(approveSignal, { reviewer: 'approver' });
    expect(await handle.result()).toMatchObject({ status: 'succeeded', deployed: true });
  });
  afterAll(async () => h?.close());

  const check = (dataUri: string) =>
    h.client.workflow.execute('driftCheck', { taskQueue: h.config.temporal.taskQueue, workflowId: uniqueName('drift'), args: [{ modelName: model, dataUri }] }) as Promise<DriftCheckOutcome>;

  it('the monitor stage put the model under a scheduled drift check', async () => {
    const desc = await h.client.schedule.getHandle(driftScheduleId(model)).describe();
    expect(desc.memo).toMatchObject({ cron: '0 3 * * *' });
    expect(desc.spec.calendars?.[0]).toMatchObject({ hour: [{ start: 3, end: 3, step: 1 }] });
    expect(desc.action.type).toBe('startWorkflow');
    expect((desc.action as { workflowType: string }).workflowType).toBe('driftCheck');
    expect(desc.policies.overlap).toBe('SKIP');
  });

  it('finds no drift on the training distribution', async () => {
    const outcome = await check(path.join(DATA_DIR, 'fair.csv'));
    expect(outcome.drifted).toBe(false);
    expect(outcome.retrainRunId).toBeNull();
  });

  it('flags exactly the shifted features and starts one retraining, even when triggered twice at once', async () => {
    const shifted = shiftedFair(dir);
    const [a, b] = await Promise.all([check(shifted), check(shifted)]);
    expect(a.drifted && b.drifted).toBe(true);
    expect(a.retrainRunId).toBe(b.retrainRunId);
    expect([a.retrainDeduplicated, b.retrainDeduplicated].sort()).toEqual([false, true]);

    const [report] = await h.app.db.select().from(driftReports).where(eq(driftReports.id, a.reportId));
    expect((report.report as { driftedFeatures: string[] }).driftedFeatures.sort()).toEqual(['occupation', 'yrs_married']);
    expect(report.reportHash).toMatch(/^[0-9a-f]{64}$/);
    const html = (await h.app.store.get(report.reportHash!)).toString();
    expect(html).toContain('yrs_married');
    expect(html).toContain('<svg');

    // The retraining is a real run of the same pipeline that waits at the approval gate.
    const retrain = h.client.workflow.getHandle(a.retrainRunId!);
    const status = await h.waitForStage(retrain, 'awaiting_approval');
    expect(status.pipeline).toBe(model);
    const desc = await retrain.describe();
    expect(desc.searchAttributes.BosunTrigger).toEqual(['drift']);
  });
});
