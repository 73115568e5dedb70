/** Batch scoring's contract (`bosun score`): a whole dataset scored as one durable run. */

export const BATCH_SCORE = 'batchScore';

export interface ScoreInput {
  modelName: string;
  dataUri: string;
  version?: number;
}

export interface ScoreResult {
  modelName: string;
  version: number;
  rows: number;
  predictionsHash: string;
}

export type BatchScoreWorkflow = (input: ScoreInput) => Promise<ScoreResult>;
