import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stack, uniqueName } from './support/stack';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../..');

// `bosun schedule …` as an operator types it, against the real Temporal server.
describe('bosun schedule commands', () => {
  let connection: Connection;
  let client: Client;
  const home = mkdtempSync(path.join(os.tmpdir(), 'bosun-sched-cli-'));
  const env = { ...process.env, TEMPORAL_ADDRESS: stack().temporalAddress, BOSUN_HOME: home, BOSUN_TASK_QUEUE: uniqueName('sched') };
  const bosun = async (...args: string[]) => (await run(process.execPath, [path.join(ROOT, 'bin/bosun.mjs'), ...args], { cwd: ROOT, env })).stdout;

  beforeAll(async () => {
    connection = await Connection.connect({ address: stack().temporalAddress });
    client = new Client({ connection });
  });
  afterAll(async () => connection?.close());

  it('creates, lists, describes, pauses, triggers and deletes a cron retraining schedule', async () => {
    expect(await bosun('schedule', 'create', 'pipelines/breast-cancer.ts', '--cron', '0 2 * * 1', '--paused')).toContain('schedule train-breast-cancer: 0 2 * * 1');
    const listed = JSON.parse(await bosun('schedule', 'list', '--json')) as Array<{ schedule: string; cron: string; paused: boolean; workflow: string }>;
    expect(listed).toContainEqual(expect.objectContaining({ schedule: 'train-breast-cancer', cron: '0 2 * * 1', paused: true, workflow: 'trainingPipeline' }));
    const described = JSON.parse(await bosun('schedule', 'describe', 'train-breast-cancer')) as { cron: string; policies: { overlap: string } };
    expect(described).toMatchObject({ cron: '0 2 * * 1', policies: { overlap: 'SKIP' } });

    expect(await bosun('schedule', 'unpause', 'train-breast-cancer')).toContain('unpaused');
    expect((await client.schedule.getHandle('train-breast-cancer').describe()).state.paused).toBe(false);
    expect(await bosun('schedule', 'pause', 'train-breast-cancer', '--note', 'maintenance')).toContain('paused');
    const paused = await client.schedule.getHandle('train-breast-cancer').describe();
    expect(paused.state).toMatchObject({ paused: true, note: 'maintenance' });

    // Trigger starts a real training run right away (it waits in the queue: no worker listens here).
    expect(await bosun('schedule', 'trigger', 'train-breast-cancer')).toContain('triggered');
    for (let i = 0; i < 40; i++) {
      if ((await client.schedule.getHandle('train-breast-cancer').describe()).info.recentActions.length > 0) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    const actions = (await client.schedule.getHandle('train-breast-cancer').describe()).info.recentActions;
    expect(actions).toHaveLength(1);
    const started = client.workflow.getHandle(actions[0].action.workflow!.workflowId);
    expect((await started.describe()).searchAttributes.BosunTrigger).toEqual(['schedule']);
    await started.terminate('test done');

    expect(await bosun('schedule', 'delete', 'train-breast-cancer')).toContain('deleted');
    await expect(client.schedule.getHandle('train-breast-cancer').describe()).rejects.toThrow(/not found/i);
  });

  it('says what is wrong with a bad backfill interval', async () => {
    await expect(bosun('schedule', 'backfill', 'nope', '--from', 'yesterday', '--to', 'today')).rejects.toMatchObject({ stderr: expect.stringMatching(/^bosun: backfill: --from yesterday and --to today must be ISO times/) });
  });
});
