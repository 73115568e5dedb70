import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runs } from '../../src/db/schema';
import { reconcileRuns } from '../../src/pipeline/reconcile';
import { findProgram } from '../../src/stack/binaries';
import { startHarness, type Harness } from './support/pipelineHarness';
import { stack, uniqueName } from './support/stack';

const exec = promisify(execFile);

// The runs table follows what Temporal says happened, even when the workflow never got to say it.
describe('runs table reconciled with Temporal', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => h?.close());

  const spec = () => ({ name: uniqueName('rec'), source: 'wine.csv', target: 'cultivar', model: { algorithm: 'logistic_regression' as const } });
  const row = async (id: string) => (await h.app.db.select().from(runs).where(eq(runs.id, id)))[0];

  it('records a run terminated by an operator as failed, with the reason, and leaves live runs alone', async () => {
    const terminated = await h.submit(spec());
    const waiting = await h.submit(spec());
    await h.waitForStage(terminated, 'awaiting_approval');
    await h.waitForStage(waiting, 'awaiting_approval');
    const temporal = findProgram('temporal', { explicit: h.config.temporal.cliPath, cacheDir: h.config.cacheDir });
    await exec(temporal, ['workflow', 'terminate', '--address', stack().temporalAddress, '--workflow-id', terminated.workflowId, '--reason', 'operator stop']);
    expect((await row(terminated.workflowId)).status).toBe('running');

    const changed = await reconcileRuns(h.app.db, h.client);
    expect(changed).toContainEqual({ runId: terminated.workflowId, from: 'running', to: 'failed', error: 'terminated in Temporal: operator stop' });
    expect(changed.map((c) => c.runId)).not.toContain(waiting.workflowId);
    expect(await row(terminated.workflowId)).toMatchObject({ status: 'failed', error: 'terminated in Temporal: operator stop' });
    expect((await row(waiting.workflowId)).status).toBe('running');
    // A second pass finds nothing more to do.
    expect((await reconcileRuns(h.app.db, h.client)).map((c) => c.runId)).not.toContain(terminated.workflowId);
    await waiting.terminate('test done');
  });

  it('records a run whose workflow failed, with the cause the stage computed', async () => {
    const handle = await h.submit({ ...spec(), target: 'no_such_column' });
    await handle.result().catch(() => undefined);
    const r = await row(handle.workflowId);
    expect(r.status).toBe('failed');
    expect(r.error).toMatch(/no_such_column/);
    expect(r.error).not.toMatch(/Activity task failed/);
  });
});
