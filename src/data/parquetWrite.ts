/**
 * Parquet writer (hyparquet-writer): a Table as Parquet bytes, the form tables take when they cross to another
 * runtime (the Python worker reads them with pyarrow). Types map one to one so readParquet gives the same Table
 * back: numeric → DOUBLE, boolean → BOOLEAN, datetime → TIMESTAMP_MILLIS, categorical and text → UTF-8 strings;
 * missing values (NaN, code -1) are Parquet nulls, never sentinel values a reader would take for data.
 */
import { parquetWriteBuffer, type ColumnSource } from 'hyparquet-writer';
import { isFloatColumn, MISSING_CODE, type Column, type Table } from './table';

export function writeParquet(table: Table): Buffer {
  const columnData = table.columns.map((c) => columnSource(c, table.nrows));
  return Buffer.from(parquetWriteBuffer({ columnData, createdBy: 'bosun' }));
}

function columnSource(c: Column, nrows: number): ColumnSource {
  if (isFloatColumn(c)) {
    const v = c.values;
    if (c.type === 'boolean') return { name: c.name, type: 'BOOLEAN', data: mapRows(nrows, (i) => (Number.isNaN(v[i]) ? null : v[i] !== 0)) };
    // Datetimes are epoch milliseconds with a possible fraction (sub-millisecond digits): TIMESTAMP_MILLIS keeps the
    // milliseconds, which is what every consumer of the column reads.
    if (c.type === 'datetime') return { name: c.name, type: 'TIMESTAMP', data: mapRows(nrows, (i) => (Number.isNaN(v[i]) ? null : new Date(Math.floor(v[i])))) };
    return { name: c.name, type: 'DOUBLE', data: mapRows(nrows, (i) => (Number.isNaN(v[i]) ? null : v[i])) };
  }
  const { codes, levels } = c;
  return { name: c.name, type: 'STRING', data: mapRows(nrows, (i) => (codes[i] === MISSING_CODE ? null : levels[codes[i]])) };
}

function mapRows<T>(n: number, f: (i: number) => T): T[] {
  const out = new Array<T>(n);
  for (let i = 0; i < n; i++) out[i] = f(i);
  return out;
}
