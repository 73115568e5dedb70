/**
 * The offline side: a pipeline's training table built from its entity dataframe (keys, event time, label,
 * request-time columns) and its feature views, joined as of each row's time. The entity keys and the time
 * column identify rows and are left out of what the model sees; at serving, the keys find the stored features.
 */
import type { Table } from '../data/table';
import type { StageDeps } from '../pipeline/deps';
import { BadInputError } from '../pipeline/errors';
import { suggestion } from '../features/nearest';
import { pointInTimeJoin } from './asof';
import { registerFeatureView } from './registry';
import { readViewTable, viewLabel, type ViewTable } from './source';
import { durationMs, parseFeatureViewsSection, type FeatureViewsSection, type VersionedFeatureView } from './spec';

export interface ReadViews {
  views: VersionedFeatureView[];
  tables: ViewTable[];
}

/** Parses, registers and reads every view of the section (their content hashes key the ingest step). */
export async function readFeatureViews(deps: Pick<StageDeps, 'db' | 'store' | 'config'>, section: FeatureViewsSection): Promise<ReadViews> {
  const views = parseFeatureViewsSection(section);
  const tables: ViewTable[] = [];
  for (const v of views) {
    await registerFeatureView(deps.db, v);
    tables.push(await readViewTable(deps, v));
  }
  return { views, tables };
}

export interface TrainingTable {
  table: Table;
  /** Per view: entity rows that found a value within the TTL. */
  matched: { view: string; version: string; rows: number }[];
}

export function buildTrainingTable(entity: Table, section: FeatureViewsSection, read: ReadViews, target: string): TrainingTable {
  const names = entity.columns.map((c) => c.name);
  const need = (name: string, what: string) => {
    if (!names.includes(name)) throw new BadInputError(`featureViews: the entity dataframe (the pipeline's source) has no ${what} column "${name}"${suggestion(name, names)}`);
  };
  need(section.timestamp, 'timestamp');
  for (const v of read.views) for (const k of v.view.entity) need(k, `entity key (of feature view "${v.view.name}")`);
  const { table, matched } = pointInTimeJoin(
    { table: entity, keys: [], time: section.timestamp, label: 'featureViews: the entity dataframe' },
    read.views.map((v, i) => ({ label: viewLabel(v), table: read.tables[i].table, keys: v.view.entity, time: v.view.timestamp, features: v.view.features, ttlMs: durationMs(v.view.ttl) })),
  );
  const drop = new Set([section.timestamp, ...read.views.flatMap((v) => v.view.entity)]);
  if (drop.has(target)) throw new BadInputError(`featureViews: the target "${target}" is an entity key or the timestamp; the label must be its own column`);
  return {
    table: { nrows: table.nrows, columns: table.columns.filter((c) => !drop.has(c.name)) },
    matched: read.views.map((v, i) => ({ view: v.view.name, version: v.version, rows: matched[i] })),
  };
}

