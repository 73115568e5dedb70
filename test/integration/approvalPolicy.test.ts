import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approvals } from '../../src/db/schema';
import type { PipelineSpecInput } from '../../src/pipeline/spec';
import { approveSignal, rejectSignal, statusQuery } from '../../src/contract/messages';
import { startHarness, type Harness } from './support/pipelineHarness';
import { uniqueName } from './support/stack';

// The approval policy on real runs: timeouts, escalation, N-of-M, malformed and late decisions — each
// attempt audited, none able to fail or wedge the run.
describe('approval policy', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => h?.close());

  const spec = (approval: PipelineSpecInput['approval'], extra: Partial<PipelineSpecInput> = {}): PipelineSpecInput => ({
    name: uniqueName('ap'),
    source: 'wine.csv',
    target: 'cultivar',
    model: { algorithm: 'logistic_regression' },
    approval,
    ...extra,
  });
  const audit = async (runId: string) => (await h.app.db.select().from(approvals).where(eq(approvals.runId, runId)).orderBy(approvals.seq)).map((a) => `${a.decision}:${a.reviewer}:${a.accepted}`);

  it('rejects when nobody decides before the timeout', async () => {
    const handle = await h.submit(spec({ timeout: '3s', onTimeout: 'reject' }));
    const result = await handle.result();
    expect(result).toMatchObject({ status: 'rejected', reason: expect.stringMatching(/no decision within 3s/) });
    expect(await audit(handle.workflowId)).toEqual(['timeout:bosun:true']);
  });

  it('escalates and keeps waiting, then needs two distinct approvers; malformed and duplicate signals are refused', async () => {
    const handle = await h.submit(spec({ approvers: ['a', 'b', 'c'], required: 2, timeout: '2s', onTimeout: 'escalate' }));
    await h.waitForStage(handle, 'awaiting_approval');
    await new Promise((r) => setTimeout(r, 3500));
    expect((await handle.query(statusQuery)).stage).toBe('awaiting_approval');
    await handle.signal('approve', 'yes please' as never);
    await handle.signal(approveSignal, { reviewer: 'a' });
    await handle.signal(approveSignal, { reviewer: 'a', comment: 'again' });
    await handle.signal(approveSignal, { reviewer: 'b' });
    expect(await handle.result()).toMatchObject({ status: 'succeeded' });
    const status = await handle.query(statusQuery);
    expect(status.approval!.decisions.map((d) => d.reason.split(/[:;]/)[0])).toEqual(['malformed', 'approval 1 of 2 required', 'duplicate', 'approval 2 of 2 required']);
    expect(await audit(handle.workflowId)).toEqual(['approve:(unknown):false', 'approve:a:true', 'approve:a:false', 'approve:b:true']);
  });

  it('records a decision that arrives after the outcome as late, without changing it', async () => {
    // A verification window keeps the run open after approval, so the late signal reaches it.
    const handle = await h.submit(spec({}, { deploy: { strategy: 'direct', verifyWindow: '3s', minRequests: 1 } }));
    await h.waitForStage(handle, 'awaiting_approval');
    await handle.signal(approveSignal, { reviewer: 'first' });
    await h.waitForStage(handle, 'verifying');
    await handle.signal(rejectSignal, { reviewer: 'second', comment: 'too late' });
    const result = await handle.result();
    // No traffic reached the model in its window: the direct deploy is judged, finds too little evidence,
    // and (with no earlier version to restore) stays live, which the run reports.
    expect(result.status).toBe('succeeded');
    const decisions = (await handle.query(statusQuery)).approval!.decisions;
    expect(decisions.at(-1)).toMatchObject({ reviewer: 'second', accepted: false, reason: 'late: the run was already approved' });
  });
});
