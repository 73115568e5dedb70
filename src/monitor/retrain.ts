/** What a drift-triggered retraining runs: the production version's own spec, on fresh data. */
import { eq } from 'drizzle-orm';
import { driftReports } from '../db/schema';
import type { StageDeps } from '../pipeline/deps';
import { loadSpec } from '../pipeline/specStore';
import { planOf } from '../pipeline/submit';
import { notify } from '../notify/webhook';
import type { PipelinePlan } from '../contract/trainingPipeline';
import type { TrainingPipelineInput } from '../contract/types';

export interface RetrainPlan {
  workflowId: string;
  input: TrainingPipelineInput;
  plan: PipelinePlan;
}

export async function planRetrain(deps: StageDeps, modelName: string, specHash: string, productionVersion: number): Promise<RetrainPlan> {
  const spec = await loadSpec(deps.store, specHash);
  const day = new Date().toISOString().slice(0, 10).replace(/-/g, '');
  return {
    // One retraining per production version per day, whoever asks for it.
    workflowId: `${modelName}-retrain-v${productionVersion}-${day}`,
    // noCache: a retraining is asked for because the world changed; it must produce a fresh candidate even
    // when its data source has not (yet) changed, so the champion comparison is a real one.
    input: { pipeline: spec.name, specHash, dataUri: spec.monitor.retrainData, startedBy: 'bosun-drift', trigger: 'drift', noCache: true },
    plan: planOf(spec),
  };
}

export async function recordRetrain(deps: StageDeps, checkId: string, retrainRunId: string, deduplicated: boolean, summary: string): Promise<void> {
  await deps.db.update(driftReports).set({ retrainRunId }).where(eq(driftReports.checkId, checkId));
  if (!deduplicated) await notify(deps, { runId: retrainRunId, pipeline: checkId }, 'drift', `${summary}; retraining started as ${retrainRunId}`);
}
