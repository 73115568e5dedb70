/** Deploy: promote the approved version to production. Serving processes watch the alias and hot-swap. */
import type { DeployResult, StepContext, TrainResult } from '../../../workflows/types';
import { promote } from '../../registry/registry';
import type { StageDeps } from '../deps';

export async function deployStage(deps: StageDeps, ctx: StepContext, trained: TrainResult, strategy: string): Promise<DeployResult> {
  const res = await promote(deps.db, trained.modelName, trained.version, { runId: ctx.runId, strategy, reason: `approved in run ${ctx.runId}` });
  return { modelName: trained.modelName, version: res.version, previousVersion: res.previousVersion === res.version ? null : res.previousVersion, strategy };
}
