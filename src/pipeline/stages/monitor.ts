/**
 * Monitor: the last stage. Drift schedules (a Temporal Schedule per deployed model) are not built yet, so
 * the spec refuses `monitor.cron` at submit time and this stage records that monitoring is off.
 */
import type { Client } from '@temporalio/client';
import type { MonitorResult, StepContext, TrainResult } from '../../../workflows/types';
import type { StageDeps } from '../deps';

export async function monitorStage(_deps: StageDeps & { temporal: Client }, _ctx: StepContext, _trained: TrainResult): Promise<MonitorResult> {
  return { scheduleId: null };
}
