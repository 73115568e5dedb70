/** The ingested rows behind a feature set's examples: what slices group by, champions re-featurize, and drift profiles describe. */
import { eq } from 'drizzle-orm';
import { decodeTable } from '../data/codec';
import { takeRows, type Table } from '../data/table';
import { datasetVersions, featureSets } from '../db/schema';
import type { StageDeps } from './deps';

export async function loadRawRows(deps: Pick<StageDeps, 'db' | 'store'>, featureSetId: number, rowIndex: Int32Array): Promise<Table> {
  const [row] = await deps.db
    .select({ tableHash: datasetVersions.tableHash })
    .from(featureSets)
    .innerJoin(datasetVersions, eq(featureSets.datasetVersionId, datasetVersions.id))
    .where(eq(featureSets.id, featureSetId));
  if (!row) throw new Error(`feature set ${featureSetId} not found`);
  return takeRows(decodeTable(await deps.store.get(row.tableHash)), rowIndex);
}
