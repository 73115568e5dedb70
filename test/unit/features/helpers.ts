import type { CodedColumn, FloatColumn, Table } from '../../../src/data/table';
import { isFloatColumn } from '../../../src/data/table';
import type { Matrix } from '../../../src/ml/matrix';
import type { FittedFeatures } from '../../../src/features';

export function num(name: string, values: (number | null)[], type: FloatColumn['type'] = 'numeric'): FloatColumn {
  return { name, type, values: Float64Array.from(values, (v) => (v === null ? NaN : v)) };
}

export function bool(name: string, values: (boolean | null)[]): FloatColumn {
  return num(name, values.map((v) => (v === null ? null : v ? 1 : 0)), 'boolean');
}

export function date(name: string, values: (string | null)[]): FloatColumn {
  return num(name, values.map((v) => (v === null ? null : Date.parse(v))), 'datetime');
}

export function cat(name: string, values: (string | null)[], type: CodedColumn['type'] = 'categorical'): CodedColumn {
  const levels: string[] = [];
  const codes = Int32Array.from(values, (v) => {
    if (v === null) return -1;
    let k = levels.indexOf(v);
    if (k < 0) k = levels.push(v) - 1;
    return k;
  });
  return { name, type, codes, levels };
}

export function table(...columns: (FloatColumn | CodedColumn)[]): Table {
  return { nrows: isFloatColumn(columns[0]) ? columns[0].values.length : columns[0].codes.length, columns };
}

/** The table's rows as serving instances (datetimes as ISO strings, missing as null). */
export function instancesOf(t: Table, only?: string[]): Record<string, unknown>[] {
  const cols = only ? t.columns.filter((c) => only.includes(c.name)) : t.columns;
  return Array.from({ length: t.nrows }, (_, i) => {
    const row: Record<string, unknown> = {};
    for (const c of cols) {
      if (isFloatColumn(c)) {
        const v = c.values[i];
        row[c.name] = Number.isNaN(v) ? null : c.type === 'datetime' ? new Date(v).toISOString() : c.type === 'boolean' ? v === 1 : v;
      } else row[c.name] = c.codes[i] < 0 ? null : c.levels[c.codes[i]];
    }
    return row;
  });
}

/** One output column of the matrix, by name. */
export function column(m: Matrix, fitted: FittedFeatures, name: string): number[] {
  const j = fitted.outputNames.indexOf(name);
  if (j < 0) throw new Error(`no output "${name}"; outputs: ${fitted.outputNames.join(', ')}`);
  return Array.from({ length: m.rows }, (_, i) => m.data[i * m.cols + j]);
}

export function bytes(m: Matrix): Uint8Array {
  return new Uint8Array(m.data.buffer, m.data.byteOffset, m.data.byteLength);
}
