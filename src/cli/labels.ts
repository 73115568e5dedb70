/** Reads a ground-truth file into label records for `bosun labels ingest`. */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { readTable } from '../data/read';
import { isFloatColumn } from '../data/table';
import type { LabelRecord } from '../monitor/labels';
import { CliError } from './output';

export async function readLabelFile(file: string, idColumn: string, labelColumn: string): Promise<LabelRecord[]> {
  // Request ids must stay text even when they look numeric.
  const table = await readTable(await readFile(file), {
    fileName: path.basename(file),
    schema: { columns: [{ name: idColumn, type: 'text' }] },
  });
  const ids = table.columns.find((c) => c.name === idColumn);
  const labels = table.columns.find((c) => c.name === labelColumn);
  const names = table.columns.map((c) => c.name).join(', ');
  if (!ids) throw new CliError(`${file}: no "${idColumn}" column (columns: ${names}); name it with --id-column`);
  if (!labels) throw new CliError(`${file}: no "${labelColumn}" column (columns: ${names}); name it with --label-column`);
  const out: LabelRecord[] = [];
  for (let i = 0; i < table.nrows; i++) {
    const id = isFloatColumn(ids) ? String(ids.values[i]) : ids.codes[i] >= 0 ? ids.levels[ids.codes[i]] : '';
    const label = isFloatColumn(labels) ? (Number.isNaN(labels.values[i]) ? null : labels.values[i]) : labels.codes[i] >= 0 ? labels.levels[labels.codes[i]] : null;
    if (id && label !== null) out.push({ requestId: id, label });
  }
  return out;
}
