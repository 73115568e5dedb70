import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection, ScheduleOverlapPolicy } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import * as noopActivities from '../../activities/noop';
import { loadConfig } from '../../src/config';
import { upsertSchedule } from '../../src/monitor/schedules';
import { findProgram } from '../../src/stack/binaries';
import { freePort } from '../../src/stack/process';
import { startTemporalServer } from '../../src/stack/temporalServer';
import { createPipelineWorker } from '../../workers/createWorker';
import { bundleOnce } from './support/bundle';

// Bosun's schedules live in Temporal's persisted state: they outlast a server restart, and what they start
// while no worker is up waits in the task queue until a worker comes back.
describe('schedules across a Temporal restart', () => {
  it('survive the restart, fire again, and their runs complete once a worker returns', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'bosun-sched-'));
    const cfg = loadConfig({ ...process.env, DATABASE_URL: undefined, BOSUN_ARTIFACTS_URL: undefined });
    const binary = findProgram('temporal', { explicit: cfg.temporal.cliPath, cacheDir: cfg.cacheDir });
    const port = await freePort();
    const uiPort = await freePort();
    const start = () => startTemporalServer({ binary, port, uiPort, dbFile: path.join(dir, 'temporal.db'), logFile: path.join(dir, 'temporal.log') });
    const actionsOf = async (client: Client) => (await client.schedule.getHandle('drift-restart-test').describe()).info.recentActions.map((a) => a.action.workflow!.workflowId);

    let server = await start();
    let connection = await Connection.connect({ address: server.address });
    let client = new Client({ connection });
    const taskQueue = 'schedules';
    await upsertSchedule(client, {
      scheduleId: 'drift-restart-test',
      spec: { intervals: [{ every: '3s' }] },
      action: { type: 'startWorkflow', workflowType: 'enginePipeline', args: [2], taskQueue, workflowId: 'sched-run' },
      policies: { overlap: ScheduleOverlapPolicy.ALLOW_ALL, catchupWindow: '1m' },
    });
    // Upserting again (a redeploy) changes nothing but the definition.
    await upsertSchedule(client, {
      scheduleId: 'drift-restart-test',
      spec: { intervals: [{ every: '3s' }] },
      action: { type: 'startWorkflow', workflowType: 'enginePipeline', args: [2], taskQueue, workflowId: 'sched-run' },
      policies: { overlap: ScheduleOverlapPolicy.ALLOW_ALL, catchupWindow: '1m' },
    });
    const waitForActions = async (n: number) => {
      const deadline = Date.now() + 60_000;
      for (;;) {
        const ids = await actionsOf(client);
        if (ids.length >= n) return ids;
        if (Date.now() > deadline) throw new Error(`schedule took ${ids.length} actions, expected ${n}`);
        await new Promise((r) => setTimeout(r, 500));
      }
    };
    const before = await waitForActions(1);
    await connection.close();
    await server.stop();

    server = await start();
    connection = await Connection.connect({ address: server.address });
    client = new Client({ connection });
    const after = await waitForActions(before.length + 1);
    expect(after.length).toBeGreaterThan(before.length);

    // No worker was up for any of these runs; they complete once one polls.
    const { worker, connection: wc } = await createPipelineWorker({ address: server.address, namespace: 'default', taskQueue, activities: noopActivities, bundle: await bundleOnce() });
    const running = worker.run();
    try {
      await client.schedule.getHandle('drift-restart-test').pause('test done');
      for (const id of after) expect(await client.workflow.getHandle(id).result()).toBe(2);
    } finally {
      worker.shutdown();
      await running;
      await wc.close();
      await connection.close();
      await server.stop();
    }
  });
});
