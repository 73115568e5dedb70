/** The drift check's contract: what a client or schedule starts it with, and what it answers. */

export const DRIFT_CHECK = 'driftCheck';

export interface DriftCheckInput {
  modelName: string;
  /** Look-back of the prediction log, e.g. "24h" (default: the pipeline's monitor.window). */
  window?: string;
  /** Check this dataset instead of the prediction log. */
  dataUri?: string;
}

export interface DriftCheckOutcome {
  reportId: number;
  drifted: boolean;
  summary: string;
  retrainRunId: string | null;
  /** True when the retraining this check asked for was already running (started by another check). */
  retrainDeduplicated: boolean;
}

export type DriftCheckWorkflow = (input: DriftCheckInput) => Promise<DriftCheckOutcome>;
