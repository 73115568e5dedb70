/**
 * Materialization: the latest value of each entity, from the view's source into the online store.
 *
 * Incremental by event time: only rows newer than the version's watermark are read into the store, and the
 * watermark moves once every batch is in. Idempotent: a row replaces the stored one only when its event time
 * is newer, so a batch written twice (a retry, a resumed run, two overlapping runs) changes nothing the second
 * time. Resumable: progress names the source's content hash and the batches done; a retry on the same content
 * starts after them.
 */
import { count, eq, sql } from 'drizzle-orm';
import { isFloatColumn, MISSING_CODE, type Column } from '../data/table';
import type { Db } from '../db/client';
import { featureMaterializations, featureOnline } from '../db/schema';
import type { StageDeps } from '../pipeline/deps';
import { latestPerEntity, timeValues } from './asof';
import { entityKey } from './keys';
import { findFeatureView } from './registry';
import { readViewTable, viewLabel } from './source';

export interface MaterializeProgress {
  contentHash: string;
  batchesDone: number;
  batches: number;
  /** Online rows changed so far (a replayed batch adds 0). */
  changed: number;
}

export interface MaterializeOptions {
  /** The workflow run that writes, recorded beside the watermark. */
  runId: string;
  /** Entities per upsert statement. Default 1000. */
  batchSize?: number;
  /** Progress of an earlier attempt (its last heartbeat): batches already written are skipped. */
  resume?: MaterializeProgress | null;
  onProgress?: (p: MaterializeProgress) => void;
  signal?: AbortSignal;
}

export interface MaterializeResult {
  view: string;
  version: string;
  contentHash: string;
  rowsRead: number;
  /** Entities with rows newer than the previous watermark. */
  entities: number;
  /** Online rows inserted or replaced by this run. */
  changed: number;
  previousWatermark: string | null;
  watermark: string | null;
  /** Entities in the online store for this version after the run. */
  onlineRows: number;
  /** Batches skipped because an earlier attempt had written them. */
  resumedBatches: number;
}

export async function materializeView(deps: Pick<StageDeps, 'db' | 'store' | 'config'>, ref: string, o: MaterializeOptions): Promise<MaterializeResult> {
  const v = await findFeatureView(deps.db, ref);
  const [state] = await deps.db.select().from(featureMaterializations).where(eq(featureMaterializations.viewVersion, v.version));
  const previous = state?.watermark?.getTime() ?? -Infinity;
  const { table, contentHash } = await readViewTable(deps, v);
  const side = { table, keys: v.view.entity, time: v.view.timestamp, label: viewLabel(v) };
  const times = timeValues(side);
  const latest = latestPerEntity(side, previous);

  const batchSize = o.batchSize ?? 1000;
  const batches = Math.ceil(latest.length / batchSize);
  const resumeFrom = o.resume && o.resume.contentHash === contentHash && o.resume.batches === batches ? o.resume.batchesDone : 0;
  let changed = resumeFrom > 0 ? o.resume!.changed : 0;
  const keyCols = v.view.entity.map((k) => table.columns.find((c) => c.name === k)!);
  const featureCols = v.view.features.map((f) => table.columns.find((c) => c.name === f)!);
  for (let b = resumeFrom; b < batches; b++) {
    o.signal?.throwIfAborted();
    const rows = [];
    for (let p = b * batchSize; p < Math.min(latest.length, (b + 1) * batchSize); p++) {
      const i = latest[p];
      const values: Record<string, unknown> = {};
      for (const c of featureCols) values[c.name] = jsonValue(c, i);
      rows.push({ viewVersion: v.version, entityKey: entityKey(keyCols.map((c) => jsonValue(c, i))), eventTime: new Date(times[i]), values });
    }
    changed += await upsertLatest(deps.db, rows);
    o.onProgress?.({ contentHash, batchesDone: b + 1, batches, changed });
  }

  let newest = previous;
  for (let i = 0; i < times.length; i++) if (times[i] > newest) newest = times[i];
  const watermark = Number.isFinite(newest) ? new Date(newest) : null;
  const [{ n }] = await deps.db.select({ n: count() }).from(featureOnline).where(eq(featureOnline.viewVersion, v.version));
  await deps.db
    .insert(featureMaterializations)
    .values({ viewVersion: v.version, watermark, rows: n, lastSourceHash: contentHash, lastRunId: o.runId })
    .onConflictDoUpdate({
      target: featureMaterializations.viewVersion,
      // Never backwards: a slow older run finishing after a newer one keeps the newer watermark.
      set: { watermark: sql`greatest(${featureMaterializations.watermark}, excluded.watermark)`, rows: n, lastSourceHash: contentHash, lastRunId: o.runId, updatedAt: sql`now()` },
    });
  return {
    view: v.view.name,
    version: v.version,
    contentHash,
    rowsRead: table.nrows,
    entities: latest.length,
    changed,
    previousWatermark: Number.isFinite(previous) ? new Date(previous).toISOString() : null,
    watermark: watermark?.toISOString() ?? null,
    onlineRows: n,
    resumedBatches: resumeFrom,
  };
}

/** Inserts or replaces with a newer event time; returns the rows it changed. */
async function upsertLatest(db: Db, rows: (typeof featureOnline.$inferInsert)[]): Promise<number> {
  if (rows.length === 0) return 0;
  const written = await db
    .insert(featureOnline)
    .values(rows)
    .onConflictDoUpdate({
      target: [featureOnline.viewVersion, featureOnline.entityKey],
      set: { eventTime: sql`excluded.event_time`, values: sql`excluded.values`, updatedAt: sql`now()` },
      setWhere: sql`${featureOnline.eventTime} < excluded.event_time`,
    })
    .returning({ key: featureOnline.entityKey });
  return written.length;
}

/** A cell as JSON the serving instance reader accepts: numbers, booleans, category text, null for missing. */
export function jsonValue(col: Column, i: number): string | number | boolean | null {
  if (isFloatColumn(col)) {
    const x = col.values[i];
    if (x !== x) return null;
    return col.type === 'boolean' ? x === 1 : x;
  }
  return col.codes[i] === MISSING_CODE ? null : col.levels[col.codes[i]];
}
