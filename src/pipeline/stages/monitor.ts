/** Monitor: put the deployed model under a scheduled drift check (idempotent across redeploys). */
import type { Client } from '@temporalio/client';
import { ensureDriftSchedule } from '../../monitor/schedules';
import type { MonitorResult, StepContext, TrainResult } from '../../contract/types';
import type { StageDeps } from '../deps';
import { loadSpec } from '../specStore';

export async function monitorStage(deps: StageDeps & { temporal: Client }, ctx: StepContext, trained: TrainResult): Promise<MonitorResult> {
  const spec = await loadSpec(deps.store, ctx.specHash);
  if (!spec.monitor.cron) return { scheduleId: null };
  const scheduleId = await ensureDriftSchedule(deps.temporal, {
    taskQueue: deps.config.temporal.taskQueue,
    model: trained.modelName,
    cron: spec.monitor.cron,
    window: spec.monitor.window,
    catchupWindow: spec.monitor.catchupWindow,
  });
  return { scheduleId };
}
