/** The materialization workflow's contract: what a client or schedule starts it with, and what it answers. */
import type { MaterializeResult } from './materialize';

export const MATERIALIZE_FEATURES = 'materializeFeatures';

export interface MaterializeFeaturesInput {
  /** `name@<version>` (what schedules pin), a bare name (its latest version), or a version prefix. */
  view: string;
  /** Entities per upsert statement (default 1000). */
  batchSize?: number;
}

export type MaterializeFeaturesWorkflow = (input: MaterializeFeaturesInput) => Promise<MaterializeResult>;
export type { MaterializeResult };
