/**
 * The drift check of a deployed model (scheduled by the monitor stage, or `bosun drift check`). When the
 * window drifts past the policy it starts a retraining run with a deterministic id — one per production
 * version per day — so overlapping checks never start two; the new candidate meets the same approval gate.
 */
import {
  ParentClosePolicy,
  WorkflowIdReusePolicy,
  proxyActivities,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { PipelineActivities } from '../activities';
import { BOSUN_PIPELINE, BOSUN_STAGE, BOSUN_TRIGGER } from '../src/contract/searchAttributes';
import type { DriftCheckInput, DriftCheckOutcome } from '../src/contract/driftCheck';
import { trainingPipeline } from './trainingPipeline';

const acts = proxyActivities<PipelineActivities>({
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '2 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', maximumAttempts: 5, nonRetryableErrorTypes: ['BadInput'] },
});

export async function driftCheck(input: DriftCheckInput): Promise<DriftCheckOutcome> {
  const { workflowId } = workflowInfo();
  upsertSearchAttributes([
    { key: BOSUN_PIPELINE, value: input.modelName },
    { key: BOSUN_STAGE, value: 'drift_check' },
  ]);
  const result = await acts.checkDrift({ modelName: input.modelName, checkId: workflowId, window: input.window, dataUri: input.dataUri });
  if (!result.drifted) return { reportId: result.reportId, drifted: false, summary: result.summary, retrainRunId: null, retrainDeduplicated: false };

  const retrain = await acts.planRetrain(input.modelName, result.specHash, result.modelVersion);
  let deduplicated = false;
  try {
    await startChild(trainingPipeline, {
      workflowId: retrain.workflowId,
      args: [retrain.input, retrain.plan],
      parentClosePolicy: ParentClosePolicy.ABANDON,
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      typedSearchAttributes: [
        { key: BOSUN_PIPELINE, value: retrain.input.pipeline },
        { key: BOSUN_STAGE, value: 'starting' },
        { key: BOSUN_TRIGGER, value: 'drift' },
      ],
    });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    deduplicated = true;
  }
  await acts.recordRetrain(workflowId, retrain.workflowId, deduplicated, result.summary);
  return { reportId: result.reportId, drifted: true, summary: result.summary, retrainRunId: retrain.workflowId, retrainDeduplicated: deduplicated };
}
