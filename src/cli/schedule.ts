/** `bosun schedule …`: cron retraining and drift-check schedules (Temporal Schedules, on the Web UI's Schedules page). */
import path from 'node:path';
import type { Client } from '@temporalio/client';
import type { Config } from '../config';
import { ensureTrainingSchedule, trainingScheduleId } from '../monitor/schedules';
import { prepareSpec, readPipelineFile } from '../pipeline/loadPipeline';
import { storeSpec } from '../pipeline/specStore';
import { planOf } from '../pipeline/submit';
import type { ArtifactStore } from '../storage';
import { CliError, printJson, printTable } from './output';

export async function createSchedule(client: Client, store: ArtifactStore, config: Config, file: string, o: { cron: string; paused?: boolean; catchupWindow?: string }): Promise<string> {
  const raw = await readPipelineFile(file);
  const prepared = await prepareSpec(raw, { baseDir: path.dirname(path.resolve(file)), store });
  const specHash = await storeSpec(store, prepared.raw);
  return ensureTrainingSchedule(client, {
    taskQueue: config.temporal.taskQueue,
    input: { pipeline: prepared.spec.name, specHash, startedBy: 'bosun-schedule', trigger: 'schedule' },
    plan: planOf(prepared.spec),
    cron: o.cron,
    paused: o.paused,
    catchupWindow: o.catchupWindow,
  });
}

export async function listSchedules(client: Client, json: boolean): Promise<void> {
  const rows: Record<string, unknown>[] = [];
  for await (const s of client.schedule.list()) {
    if (!/^(train|drift)-/.test(s.scheduleId)) continue;
    rows.push({
      schedule: s.scheduleId,
      workflow: s.action?.workflowType ?? '',
      cron: (s.memo as { cron?: string } | undefined)?.cron ?? '',
      paused: s.state.paused,
      next: s.info.nextActionTimes[0] ?? null,
      last: s.info.recentActions.at(-1)?.takenAt ?? null,
    });
  }
  if (json) printJson(rows);
  else printTable(rows);
}

export async function describeSchedule(client: Client, id: string): Promise<void> {
  const d = await client.schedule.getHandle(id).describe();
  printJson({
    schedule: d.scheduleId,
    cron: (d.memo as { cron?: string } | undefined)?.cron,
    spec: d.spec,
    action: { workflowType: (d.action as { workflowType?: string }).workflowType, taskQueue: (d.action as { taskQueue?: string }).taskQueue },
    policies: d.policies,
    paused: d.state.paused,
    note: d.state.note,
    nextActionTimes: d.info.nextActionTimes,
    recentActions: d.info.recentActions.map((a) => ({ scheduledAt: a.scheduledAt, takenAt: a.takenAt, workflowId: a.action.workflow?.workflowId })),
    runningActions: d.info.runningActions.map((a) => a.workflow?.workflowId),
  });
}

export async function scheduleAction(client: Client, id: string, action: 'pause' | 'unpause' | 'trigger' | 'delete', note?: string): Promise<void> {
  const h = client.schedule.getHandle(id);
  if (action === 'pause') await h.pause(note ?? 'paused with bosun schedule pause');
  else if (action === 'unpause') await h.unpause(note ?? 'unpaused with bosun schedule unpause');
  else if (action === 'trigger') await h.trigger();
  else await h.delete();
  console.log(`${id}: ${action === 'trigger' ? 'triggered' : `${action}d`}`);
}

export async function backfillSchedule(client: Client, id: string, from: string, to: string): Promise<void> {
  const start = new Date(from);
  const end = new Date(to);
  if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime()) || end <= start) {
    throw new CliError(`backfill: --from ${from} and --to ${to} must be ISO times with --from before --to`);
  }
  await client.schedule.getHandle(id).backfill({ start, end, overlap: 'ALLOW_ALL' as never });
  console.log(`${id}: backfilling ${start.toISOString()} – ${end.toISOString()}`);
}

export { trainingScheduleId };
