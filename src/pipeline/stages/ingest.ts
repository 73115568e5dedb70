/** Ingest: read the source, infer or apply the schema, profile the columns, store one version per content hash. */
import { and, eq } from 'drizzle-orm';
import { encodeTable } from '../../data/codec';
import { DataError } from '../../data/errors';
import { readTable } from '../../data/read';
import { schemaOf, type Schema } from '../../data/schema';
import { tableStatsThreaded } from '../../data/stats-parallel';
import { datasets, datasetVersions } from '../../db/schema';
import type { IngestResult, StepContext } from '../../contract/types';
import { hashOf } from '../canonical';
import type { StageDeps } from '../deps';
import { BadInputError } from '../errors';
import { indexArtifact, link } from '../records';
import { openSource, type OpenedSource } from '../sources';
import type { PipelineSpec } from '../spec';
import { loadSpec } from '../specStore';
import { runStep } from '../stepRunner';
import { buildTrainingTable, readFeatureViews } from '../../featurestore/offline';

export async function ingestStage(deps: StageDeps, ctx: StepContext, dataUri: string | null): Promise<IngestResult> {
  const spec = await loadSpec(deps.store, ctx.specHash);
  // Hashed first (a download is spooled to disk meanwhile), then streamed into the reader: never whole in memory.
  const source = await openSource(dataUri ?? spec.source, deps);
  try {
    return await ingestOpened(deps, ctx, spec, source);
  } finally {
    await source.close();
  }
}

async function ingestOpened(deps: StageDeps, ctx: StepContext, spec: PipelineSpec, source: OpenedSource): Promise<IngestResult> {
  // With feature views the source is the entity dataframe; the dataset is it joined with the views' data.
  const views = spec.featureViews ? await readFeatureViews(deps, spec.featureViews) : null;
  const contentHash = views ? hashOf(source.contentHash, spec.featureViews!.timestamp, views.views.map((v, i) => [v.version, views.tables[i].contentHash])) : source.contentHash;
  const key = hashOf('ingest', source.source, contentHash, spec.schema ?? null, source.format ?? null);
  return runStep<IngestResult>(deps.db, ctx, 'ingest', key, async () => {
    deps.progress?.({ stage: 'ingest', step: 'parsing', bytes: source.size ?? null });
    let table;
    const input = await source.open();
    try {
      table = await readTable(input, {
        format: source.format ?? 'auto',
        fileName: source.fileName,
        schema: spec.schema,
        expectedBytes: source.size,
      });
    } catch (err) {
      if (err instanceof DataError) throw new BadInputError(`${source.source}: ${err.message}`);
      throw err;
    } finally {
      input.destroy(); // a reader that stopped early (bad input) leaves the file open otherwise
    }
    if (views) table = buildTrainingTable(table, spec.featureViews!, views, spec.target).table;
    const schema: Schema = schemaOf(table);
    const stats = await tableStatsThreaded(table);
    const ref = await deps.store.put(encodeTable(table));
    await indexArtifact(deps.db, ref, 'dataset', 'application/x-bosun-table');

    // One transaction: a dataset row never exists without its version, whatever fails in between.
    const version = await deps.db.transaction(async (tx) => {
      await tx.insert(datasets).values({ source: source.source }).onConflictDoNothing();
      const [ds] = await tx.select().from(datasets).where(eq(datasets.source, source.source));
      await tx
        .insert(datasetVersions)
        .values({ datasetId: ds.id, contentHash, tableHash: ref.hash, rows: table.nrows, schema, statistics: stats })
        .onConflictDoNothing();
      const [v] = await tx
        .select()
        .from(datasetVersions)
        .where(and(eq(datasetVersions.datasetId, ds.id), eq(datasetVersions.contentHash, contentHash)));
      return v;
    });
    await link(deps.db, ['run', ctx.runId], ['dataset_version', version.id], 'ingested');
    for (const v of views?.views ?? []) await link(deps.db, ['feature_view', v.version], ['dataset_version', version.id], 'joined_into');
    return { datasetVersionId: version.id, tableHash: version.tableHash, contentHash, rows: table.nrows, columns: table.columns.length };
  });
}
