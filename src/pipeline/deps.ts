import type { Config } from '../config';
import type { Db } from '../db/client';
import type { ArtifactStore } from '../storage';

/** What a stage needs from the outside world; activities pass it in, tests build it from the real stack. */
export interface StageDeps {
  config: Config;
  db: Db;
  store: ArtifactStore;
  /** Reports progress of long work (an activity heartbeat); a no-op outside Temporal. */
  progress?: (details: Record<string, unknown>) => void;
  /** Aborted when Temporal cancels the activity (or its heartbeat times out): stop long work. */
  signal?: AbortSignal;
}
