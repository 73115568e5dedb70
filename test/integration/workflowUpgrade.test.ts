import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode, type Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities';
import { createPipelineWorker, PAYLOAD_CONVERTER_PATH } from '../../workers/createWorker';
import { approveSignal } from '../../src/contract/messages';
import { bundleOnce } from './support/bundle';
import { startHarness, type Harness } from './support/pipelineHarness';
import { uniqueName } from './support/stack';

const ROOT = path.resolve(import.meta.dirname, '../..');

// A run waits at approval on one version of the workflow code; the worker is replaced by one running changed
// code (a new step behind patched(), as CONTRIBUTING.md asks); the approval arrives and the run completes on
// the new code without a nondeterminism error.
describe('upgrading workflow code under a waiting run', () => {
  let h: Harness;
  // A sibling of workflows/, so the copy's relative imports (../src, ../activities) resolve as the original's.
  const changed = mkdtempSync(path.join(ROOT, '.workflows-changed-'));
  beforeAll(async () => {
    h = await startHarness({ worker: false });
    cpSync(path.join(ROOT, 'workflows'), changed, { recursive: true });
    const file = path.join(changed, 'trainingPipeline.ts');
    const anchor = "    const deployed = await tracker.run('deploy',";
    const source = readFileSync(file, 'utf8');
    expect(source).toContain(anchor);
    writeFileSync(
      file,
      source.replace(anchor, `    if (patched('test-upgrade-step')) await quick.notify(ctx, 'upgraded', 'the changed code ran');\n${anchor}`),
    );
  });
  afterAll(async () => {
    await h?.close();
    rmSync(changed, { recursive: true, force: true });
  });

  const startWorker = async (bundle: Awaited<ReturnType<typeof bundleOnce>>): Promise<{ worker: Worker; done: Promise<void> }> => {
    const { worker, connection } = await createPipelineWorker({
      address: h.config.temporal.address,
      namespace: 'default',
      taskQueue: h.config.temporal.taskQueue,
      activities: createActivities({ config: h.config, db: h.app.db, store: h.app.store, temporal: h.client }),
      bundle,
    });
    const done = worker.run().finally(() => connection.close());
    return { worker, done };
  };

  it('finishes the run on the new code', async () => {
    const old = await startWorker(await bundleOnce());
    const handle = await h.submit({ name: uniqueName('upgrade'), source: 'wine.csv', target: 'cultivar', model: { algorithm: 'logistic_regression' } });
    await h.waitForStage(handle, 'awaiting_approval');
    old.worker.shutdown();
    await old.done;

    const bundle = await bundleWorkflowCode({ workflowsPath: path.join(changed, 'index.ts'), payloadConverterPath: PAYLOAD_CONVERTER_PATH });
    const upgraded = await startWorker(bundle);
    try {
      await handle.signal(approveSignal, { reviewer: 'dr-ada' });
      expect(await handle.result()).toMatchObject({ status: 'succeeded', deployed: true });
      const history = await handle.fetchHistory();
      const markers = history.events!.filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_patch');
      expect(markers.length).toBeGreaterThan(0);
      const notified = history.events!.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'notify').map((e) => Buffer.from(e.activityTaskScheduledEventAttributes!.input!.payloads![1].data!).toString());
      expect(notified).toContain('"upgraded"');
    } finally {
      upgraded.worker.shutdown();
      await upgraded.done;
    }
  });
});
