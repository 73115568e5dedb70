/**
 * Temporal Schedules Bosun owns: `drift-<model>` runs the deployed model's drift check on the monitor cron;
 * `train-<pipeline>` retrains on a cron (`bosun schedule create`). Both show on the Web UI's Schedules page.
 */
import { ScheduleNotFoundError, ScheduleOverlapPolicy, type Client, type ScheduleOptions } from '@temporalio/client';
import { BOSUN_PIPELINE, BOSUN_STAGE, BOSUN_TRIGGER } from '../contract/searchAttributes';
import type { PipelinePlan } from '../contract/trainingPipeline';
import type { TrainingPipelineInput } from '../contract/types';
import type { DriftCheckInput } from '../contract/driftCheck';
import { BadInputError } from '../pipeline/errors';
import { cronMessage } from './cron';

export const driftScheduleId = (model: string) => `drift-${model}`;
export const trainingScheduleId = (pipeline: string) => `train-${pipeline}`;

/** Creates the schedule, or brings an existing one up to date: the same call on every redeploy. */
export async function upsertSchedule(client: Client, options: ScheduleOptions): Promise<string> {
  const handle = client.schedule.getHandle(options.scheduleId);
  try {
    await handle.describe();
  } catch (err) {
    if (!(err instanceof ScheduleNotFoundError)) throw err;
    await client.schedule.create(options);
    return options.scheduleId;
  }
  await handle.update((prev) => ({ ...prev, spec: options.spec, action: options.action as never, policies: { ...prev.policies, ...options.policies } }));
  return options.scheduleId;
}

/** A cron Temporal would refuse (or never fire) is bad input, named by where it came from. */
function assertCron(expr: string, field: string): void {
  const message = cronMessage(expr, field);
  if (message) throw new BadInputError(message);
}

export async function ensureDriftSchedule(client: Client, o: { taskQueue: string; model: string; cron: string; window: string; catchupWindow: string }): Promise<string> {
  assertCron(o.cron, 'monitor.cron');
  const input: Omit<DriftCheckInput, 'dataUri'> = { modelName: o.model, window: o.window };
  return upsertSchedule(client, {
    scheduleId: driftScheduleId(o.model),
    spec: { cronExpressions: [o.cron] },
    action: {
      type: 'startWorkflow',
      workflowType: 'driftCheck',
      args: [input],
      taskQueue: o.taskQueue,
      workflowId: `drift-${o.model}`,
      typedSearchAttributes: [
        { key: BOSUN_PIPELINE, value: o.model },
        { key: BOSUN_TRIGGER, value: 'schedule' },
      ],
    },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: o.catchupWindow },
    // The server keeps cron as calendar specs; the memo keeps the expression as written, for people.
    memo: { model: o.model, kind: 'drift check', cron: o.cron },
  });
}

export async function ensureTrainingSchedule(client: Client, o: { taskQueue: string; input: TrainingPipelineInput; plan: PipelinePlan; cron: string; catchupWindow?: string; paused?: boolean }): Promise<string> {
  assertCron(o.cron, '--cron');
  return upsertSchedule(client, {
    scheduleId: trainingScheduleId(o.input.pipeline),
    spec: { cronExpressions: [o.cron] },
    action: {
      type: 'startWorkflow',
      workflowType: 'trainingPipeline',
      args: [o.input, o.plan],
      taskQueue: o.taskQueue,
      workflowId: `train-${o.input.pipeline}`,
      typedSearchAttributes: [
        { key: BOSUN_PIPELINE, value: o.input.pipeline },
        { key: BOSUN_STAGE, value: 'starting' },
        { key: BOSUN_TRIGGER, value: 'schedule' },
      ],
    },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: o.catchupWindow ?? '1h' },
    state: { paused: o.paused ?? false, note: 'cron retraining' },
    memo: { pipeline: o.input.pipeline, kind: 'training', cron: o.cron },
  });
}
