import type { ChildProcess } from 'node:child_process';
import { createWriteStream, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelVersions, steps } from '../../src/db/schema';
import { startHarness, type Harness } from './support/pipelineHarness';
import { uniqueName } from './support/stack';
import { freePort } from '../../src/stack/process';
import { startWorkerProcess } from './support/workerProcess';

describe('a worker killed with SIGKILL in the middle of training', () => {
  let h: Harness;
  const workers: ChildProcess[] = [];
  beforeAll(async () => {
    h = await startHarness({ postgres: true, worker: false });
  });
  afterAll(async () => {
    for (const w of workers) if (w.exitCode === null) w.kill('SIGKILL');
    await h?.close();
  });

  it('finishes the run on a new worker without redoing finished stages, with exactly one model version', async () => {
    const first = startWorkerProcess(h, await freePort());
    workers.push(first.child);
    const handle = await h.submit({
      name: uniqueName('crash'),
      source: 'fair.csv',
      target: 'affairs',
      task: 'regression',
      // Enough boosting rounds that training is surely still running when the worker is killed.
      model: { algorithm: 'gbdt', params: { maxIter: 1500, learningRate: 0.01, maxLeafNodes: 63, minSamplesLeaf: 5, earlyStopping: false } },
      approval: { autoApprove: true },
    });

    // Wait until the train activity has started and reported progress through a heartbeat.
    const deadline = Date.now() + 120_000;
    for (;;) {
      const desc = await handle.describe();
      const train = desc.raw.pendingActivities?.find((a) => a.activityType?.name === 'train');
      if (train?.heartbeatDetails?.payloads?.length) break;
      if (Date.now() > deadline) throw new Error(`training never started; worker log:\n${first.log()}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const before = await h.app.db.select().from(steps).where(eq(steps.runId, handle.workflowId));
    expect(before.filter((s) => s.status === 'succeeded').map((s) => s.name).sort()).toEqual(['features', 'ingest', 'validate']);
    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));

    const second = startWorkerProcess(h, await freePort());
    workers.push(second.child);
    const result = await handle.result();
    expect(result).toMatchObject({ status: 'succeeded', deployed: true });

    // Finished stages ran once: their rows are the ones recorded before the crash.
    const after = await h.app.db.select().from(steps).where(eq(steps.runId, handle.workflowId));
    for (const name of ['ingest', 'validate', 'features']) {
      const a = after.find((s) => s.name === name)!;
      const b = before.find((s) => s.name === name)!;
      expect(a.finishedAt?.getTime()).toBe(b.finishedAt?.getTime());
    }
    const history = await handle.fetchHistory();
    const started = history.events!.filter((e) => e.activityTaskScheduledEventAttributes).map((e) => e.activityTaskScheduledEventAttributes!.activityType!.name);
    for (const name of ['ingest', 'validate', 'features', 'train']) expect(started.filter((n) => n === name)).toHaveLength(1);
    const trainAttempts = history.events!.filter((e) => e.activityTaskStartedEventAttributes?.attempt && e.activityTaskStartedEventAttributes.attempt > 1);
    expect(trainAttempts.length, 'the train activity was retried after the crash').toBeGreaterThan(0);
    expect(await h.app.db.select().from(modelVersions).where(eq(modelVersions.runId, handle.workflowId))).toHaveLength(1);
    second.child.kill('SIGTERM');
    // Training runs twice here (before and after the kill) on a shared two-core machine: allow for it.
  }, 420_000);

  it('notices a worker killed in a data stage within the heartbeat timeout, not at the 10-minute limit', async () => {
    // A table big enough that ingest is surely still running when the worker dies.
    const dir = mkdtempSync(path.join(os.tmpdir(), 'bosun-crash-data-'));
    const file = path.join(dir, 'wide.csv');
    await new Promise<void>((resolve, reject) => {
      const out = createWriteStream(file);
      out.on('error', reject);
      out.write('a,b,c,d,e,f,g,h,label\n');
      let seed = 1;
      const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648).toFixed(6);
      const chunk: string[] = [];
      for (let i = 0; i < 700_000; i++) chunk.push(`${rnd()},${rnd()},${rnd()},${rnd()},${rnd()},${rnd()},${rnd()},${rnd()},${i % 2 ? 'pos' : 'neg'}`);
      out.end(chunk.join('\n') + '\n', () => resolve());
    });
    const first = startWorkerProcess(h, await freePort());
    workers.push(first.child);
    const handle = await h.submit({ name: uniqueName('crash-ingest'), source: file, target: 'label', model: { algorithm: 'logistic_regression' }, approval: { autoApprove: true } });
    const deadline = Date.now() + 120_000;
    for (;;) {
      const desc = await handle.describe();
      const ingest = desc.raw.pendingActivities?.find((a) => a.activityType?.name === 'ingest');
      if (ingest?.lastStartedTime) break;
      if (Date.now() > deadline) throw new Error(`ingest never started; worker log:\n${first.log()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));
    const killedAt = Date.now();
    const second = startWorkerProcess(h, await freePort());
    workers.push(second.child);
    expect(await handle.result()).toMatchObject({ status: 'succeeded' });

    const history = await handle.fetchHistory();
    const scheduled = history.events!.find((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'ingest')!;
    // Every data stage is scheduled with a short heartbeat timeout, and heartbeats while it runs.
    expect(Number(scheduled.activityTaskScheduledEventAttributes!.heartbeatTimeout!.seconds)).toBe(60);
    const retried = history.events!.find(
      (e) => e.activityTaskStartedEventAttributes && Number(e.activityTaskStartedEventAttributes.attempt) > 1 && String(e.activityTaskStartedEventAttributes.scheduledEventId) === String(scheduled.eventId),
    );
    expect(retried, 'ingest was retried on the new worker').toBeDefined();
    const retriedAt = Number(retried!.eventTime!.seconds) * 1000;
    expect(retriedAt - killedAt, 'noticed within the 60 s heartbeat timeout (plus scheduling), far from 10 minutes').toBeLessThan(120_000);
    second.child.kill('SIGTERM');
  }, 420_000);
});
