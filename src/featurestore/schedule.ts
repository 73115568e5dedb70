/** The Temporal Schedule that keeps a feature view's online store fresh: `features-<view>` on the Schedules page. */
import { ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import { BOSUN_PIPELINE, BOSUN_TRIGGER } from '../contract/searchAttributes';
import { BadInputError } from '../pipeline/errors';
import { cronMessage } from '../monitor/cron';
import { upsertSchedule } from '../monitor/schedules';
import { MATERIALIZE_FEATURES, type MaterializeFeaturesInput } from './contract';
import { shortVersion } from './spec';

export const materializeScheduleId = (view: string) => `features-${view}`;

/** Creates or updates the schedule; it pins the version, so a changed view file takes effect when re-applied. */
export async function ensureMaterializeSchedule(
  client: Client,
  o: { taskQueue: string; view: string; version: string; cron: string; catchupWindow?: string; batchSize?: number },
): Promise<string> {
  const message = cronMessage(o.cron, '--cron');
  if (message) throw new BadInputError(message);
  const input: MaterializeFeaturesInput = { view: `${o.view}@${o.version}`, batchSize: o.batchSize };
  return upsertSchedule(client, {
    scheduleId: materializeScheduleId(o.view),
    spec: { cronExpressions: [o.cron] },
    action: {
      type: 'startWorkflow',
      workflowType: MATERIALIZE_FEATURES,
      args: [input],
      taskQueue: o.taskQueue,
      workflowId: `materialize-${o.view}`,
      typedSearchAttributes: [
        { key: BOSUN_PIPELINE, value: o.view },
        { key: BOSUN_TRIGGER, value: 'schedule' },
      ],
    },
    // A run still going when the next is due is left to finish: materialization is idempotent, not urgent twice.
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: o.catchupWindow ?? '1h' },
    memo: { view: o.view, version: shortVersion(o.version), kind: 'feature materialization', cron: o.cron },
  });
}
