import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCsvBuffer } from '../../src/data/csv';
import { readParquet } from '../../src/data/parquet';
import { writeParquet } from '../../src/data/parquetWrite';
import { isFloatColumn, type Column, type Table } from '../../src/data/table';

/** Each cell as a plain value (null for missing), so tables built differently compare by content. */
function cells(c: Column, nrows: number): unknown[] {
  const out: unknown[] = [];
  for (let i = 0; i < nrows; i++) {
    if (isFloatColumn(c)) out.push(Number.isNaN(c.values[i]) ? null : c.values[i]);
    else out.push(c.codes[i] === -1 ? null : c.levels[c.codes[i]]);
  }
  return out;
}

function expectSameTable(got: Table, want: Table): void {
  expect(got.nrows).toBe(want.nrows);
  expect(got.columns.map((c) => [c.name, c.type])).toEqual(want.columns.map((c) => [c.name, c.type]));
  for (let j = 0; j < want.columns.length; j++) expect(cells(got.columns[j], got.nrows)).toEqual(cells(want.columns[j], want.nrows));
}

describe('writeParquet', () => {
  it('reads back as the same table: numbers, booleans, datetimes, categories, with missing values as nulls', async () => {
    const table: Table = {
      nrows: 4,
      columns: [
        { name: 'x', type: 'numeric', values: Float64Array.from([1.5, NaN, -3, 1e300]) },
        { name: 'flag', type: 'boolean', values: Float64Array.from([1, 0, NaN, 1]) },
        { name: 'at', type: 'datetime', values: Float64Array.from([Date.UTC(2024, 0, 1), NaN, Date.UTC(1999, 11, 31, 23, 59, 59, 999), 0]) },
        { name: 'colour', type: 'categorical', codes: Int32Array.from([0, 1, -1, 0]), levels: ['red', 'blue'] },
      ],
    };
    expectSameTable(await readParquet(writeParquet(table)), table);
  });

  it('keeps a real dataset intact (breast_cancer.csv: 569 rows, 31 columns)', async () => {
    const csv = readCsvBuffer(readFileSync(path.resolve(import.meta.dirname, '../../data/breast_cancer.csv')));
    const back = await readParquet(writeParquet(csv));
    expectSameTable(back, csv);
    expect(back.nrows).toBe(569);
  });
});
