/**
 * The contract between workflows, activities and clients. Only references and small summaries travel in
 * Temporal payloads: datasets, features and models are artifacts named by their sha256.
 */

export type StageName = 'ingest' | 'validate' | 'features' | 'train' | 'evaluate' | 'approve' | 'deploy' | 'monitor';

export const PIPELINE_STAGES: readonly StageName[] = ['ingest', 'validate', 'features', 'train', 'evaluate', 'approve', 'deploy', 'monitor'];

export type StageState = 'pending' | 'running' | 'succeeded' | 'cached' | 'failed' | 'skipped';

export interface StageRecord {
  name: string;
  state: StageState;
  startedAt?: string;
  finishedAt?: string;
  /** One line for `bosun status`: rows ingested, metric reached, version registered… */
  summary?: string;
}

export interface TrainingPipelineInput {
  pipeline: string;
  /** The validated pipeline spec, stored as an artifact (JSON). */
  specHash: string;
  /** Overrides the spec's data source. */
  dataUri?: string;
  startedBy: string;
  trigger: 'manual' | 'schedule' | 'drift' | 'reproduce';
  noCache?: boolean;
  codeVersion?: string;
  /** `bosun reproduce`: rebuild the model artifact only (no version registered), and stop after train. */
  reproduce?: boolean;
}

export interface StepContext {
  runId: string;
  pipeline: string;
  specHash: string;
  noCache: boolean;
  /** Train computes and stores the artifact but registers no version (see TrainingPipelineInput.reproduce). */
  reproduce?: boolean;
}

export interface IngestResult {
  datasetVersionId: number;
  tableHash: string;
  contentHash: string;
  rows: number;
  columns: number;
  cached: boolean;
}

export interface ValidateResult {
  ok: boolean;
  errors: number;
  warnings: number;
  reportHash: string;
  summary: string;
  cached: boolean;
}

export interface FeaturesResult {
  featureSetId: number;
  fittedHash: string;
  trainHash: string;
  testHash: string;
  nFeatures: number;
  trainRows: number;
  testRows: number;
  cached: boolean;
}

export interface TrialResult {
  /** The candidate's algorithm (absent in results recorded before model selection: the spec's one). */
  algorithm?: string;
  params: Record<string, unknown>;
  /** The mean of foldScores under k-fold cross-validation, else the holdout score. */
  score: number;
  metric: string;
  /** Per-fold scores, when the search cross-validated. */
  foldScores?: number[];
}

export interface TrainResult {
  modelVersionId: number;
  modelName: string;
  version: number;
  artifactHash: string;
  /** What was fitted (the winner's, for a selection); absent in results recorded before model selection. */
  algorithm?: string;
  params: Record<string, unknown>;
  trials: number;
  cached: boolean;
}

/**
 * One check behind a verdict: a gate, the champion rule, a fairness limit, a post-deploy verification, or a
 * note that decides nothing. Readers decide on `passed` and the numbers; `message` is the sentence a person
 * reads (no ✓/✗: renderCheck in ./checks adds that at the edges).
 */
export interface Check {
  kind: 'threshold' | 'primary' | 'champion' | 'fairness' | 'verification' | 'note';
  /** What was measured: a metric name ("roc_auc"), a fairness gap, "error_rate", "p99_latency_ms"… */
  metric: string;
  /** The measured value; null when it cannot be computed (a check that cannot be computed fails). */
  value: number | null;
  /** The bound the value is held to; null for a note, or when there is nothing to compare against. */
  limit: number | null;
  /** How value must compare with limit to pass. */
  op: '>=' | '<=' | null;
  passed: boolean;
  message: string;
  /** A fairness check's sliced column. */
  column?: string;
}

export interface EvaluateResult {
  blessed: boolean;
  /**
   * The checks rendered as text (renderCheck), in the same order. Kept beside `checks` because runs recorded
   * before `checks` existed have only this, and their histories must still replay; new code reads `checks`.
   */
  reasons: string[];
  /** Absent in results recorded before typed checks (see `reasons`). */
  checks?: Check[];
  metrics: Record<string, number>;
  championVersion: number | null;
  championMetrics: Record<string, number> | null;
  reportHash: string;
  /** Markdown model card for this candidate. */
  modelCardHash: string;
  primaryMetric: string;
  cached: boolean;
}

export interface DeployStarted {
  strategy: 'direct' | 'canary' | 'shadow';
  deploymentId: number | null;
  /** When the version started taking traffic (ISO): verification reads the log from here. */
  since: string;
  previousVersion: number | null;
}

export interface DeployResult {
  modelName: string;
  version: number;
  previousVersion: number | null;
  strategy: string;
  /** live: the version serves production; rolled_back: verification failed and it was taken out. */
  outcome: 'live' | 'rolled_back';
  /** The verification checks rendered as text; see EvaluateResult.reasons for why both are kept. */
  reasons: string[];
  /** Absent in results recorded before typed checks. */
  checks?: Check[];
}

export interface MonitorResult {
  scheduleId: string | null;
}

export type RunOutcome =
  | { status: 'succeeded'; modelVersion: number; deployed: boolean }
  | { status: 'not_blessed'; modelVersion: number; reasons: string[]; checks?: Check[] }
  | { status: 'rejected'; modelVersion: number; reason: string }
  | { status: 'rolled_back'; modelVersion: number; reasons: string[]; checks?: Check[] }
  | { status: 'reproduced'; artifactHash: string };
