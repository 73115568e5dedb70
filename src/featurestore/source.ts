/** A feature view's source as a table, read the way ingest reads a pipeline's source (any Bosun source). */
import { DataError } from '../data/errors';
import { readTable } from '../data/read';
import type { Column, Table } from '../data/table';
import { suggestion } from '../features/nearest';
import { BadInputError } from '../pipeline/errors';
import { openSource } from '../pipeline/sources';
import type { StageDeps } from '../pipeline/deps';
import type { VersionedFeatureView } from './spec';

export interface ViewTable {
  table: Table;
  /** sha256 of the source bytes: the same content is the same offline data. */
  contentHash: string;
  source: string;
}

export const viewLabel = (v: VersionedFeatureView) => `feature view "${v.view.name}"`;

export async function readViewTable(deps: Pick<StageDeps, 'store' | 'config'>, v: VersionedFeatureView): Promise<ViewTable> {
  const source = await openSource(v.view.source, deps);
  try {
    const input = await source.open();
    try {
      const table = await readTable(input, { format: source.format ?? 'auto', fileName: source.fileName, expectedBytes: source.size });
      checkColumns(v, table);
      return { table, contentHash: source.contentHash, source: source.source };
    } catch (err) {
      if (err instanceof DataError) throw new BadInputError(`${viewLabel(v)}: ${source.source}: ${err.message}`);
      throw err;
    } finally {
      input.destroy();
    }
  } finally {
    await source.close();
  }
}

/** Every column the view names exists, and the timestamp holds times: said once, with the near name. */
function checkColumns(v: VersionedFeatureView, table: Table): void {
  const names = table.columns.map((c) => c.name);
  const find = (name: string, role: string, field: string): Column => {
    const col = table.columns.find((c) => c.name === name);
    if (!col) throw new BadInputError(`${viewLabel(v)}: ${field} names ${role} column "${name}", which the source does not have${suggestion(name, names)}`);
    return col;
  };
  for (const k of v.view.entity) find(k, 'entity key', 'entity');
  const t = find(v.view.timestamp, 'timestamp', 'timestamp');
  if (t.type !== 'datetime' && t.type !== 'numeric') {
    throw new BadInputError(`${viewLabel(v)}: timestamp column "${t.name}" is ${t.type}; it must hold ISO 8601 datetimes or epoch milliseconds`);
  }
  for (const f of v.view.features) find(f, 'feature', 'features');
}
