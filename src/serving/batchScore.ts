/**
 * Batch scoring: a whole table through a registered version, with the same loading code as real-time serving
 * (loadServedVersion: artifacts verified, model and features checked to belong together) and the same transform code
 * as training (transformTable), so a row scores identically here, in a request, and at evaluation.
 */
import type { Table } from '../data/table';
import type { Db } from '../db/client';
import { transformTable } from '../features';
import { getAlias, getVersion } from '../registry/registry';
import type { ArtifactStore } from '../storage';
import { loadServedVersion } from './servedVersion';

export interface ScoreTableOptions {
  /** The version to score with; default the model's production version. */
  version?: number;
}

/**
 * Scores every row of `table` (which may carry extra columns, such as the target or ids: only the fitted inputs are
 * read). Returns Model.predict's output: rows x k class probabilities for classification, rows values for regression.
 */
export async function scoreTable(db: Db, store: ArtifactStore, modelName: string, table: Table, o: ScoreTableOptions = {}): Promise<Float64Array> {
  const row =
    o.version === undefined ? await getAlias(db, modelName, 'production') : await getVersion(db, modelName, o.version);
  if (!row) {
    throw new Error(
      o.version === undefined
        ? `model "${modelName}" has no production version; promote one, or pass { version } to score with a specific one`
        : `model "${modelName}" has no version ${o.version}; see \`bosun models list\``,
    );
  }
  const served = await loadServedVersion(db, store, row);
  return served.model.predict(transformTable(served.features, table));
}
