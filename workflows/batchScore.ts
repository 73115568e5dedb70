/** Batch scoring of a whole dataset as a durable run (`bosun score`). */
import { proxyActivities } from '@temporalio/workflow';
import type { PipelineActivities } from '../activities';
import type { ScoreInput, ScoreResult } from '../src/contract/batchScore';

const { scoreDataset } = proxyActivities<PipelineActivities>({
  startToCloseTimeout: '2 hours',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', maximumAttempts: 5, nonRetryableErrorTypes: ['BadInput'] },
});

export async function batchScore(input: ScoreInput): Promise<ScoreResult> {
  return scoreDataset(input);
}
