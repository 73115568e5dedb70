/**
 * The in-memory dataset: columnar, typed arrays, no row objects.
 *
 * Two storage shapes cover every logical type:
 * - float columns (numeric, datetime as epoch milliseconds, boolean as 0/1) hold a Float64Array where NaN is missing;
 * - coded columns (categorical, text) hold an Int32Array of indexes into `levels`, where -1 is missing.
 */
export type ColumnType = 'numeric' | 'categorical' | 'boolean' | 'datetime' | 'text';

export interface FloatColumn {
  name: string;
  type: 'numeric' | 'datetime' | 'boolean';
  values: Float64Array;
}

export interface CodedColumn {
  name: string;
  type: 'categorical' | 'text';
  codes: Int32Array;
  levels: string[];
}

export type Column = FloatColumn | CodedColumn;

export interface Table {
  nrows: number;
  columns: Column[];
}

export const MISSING_CODE = -1;

export function isFloatColumn(c: Column): c is FloatColumn {
  return c.type === 'numeric' || c.type === 'datetime' || c.type === 'boolean';
}

export function getColumn(table: Table, name: string): Column {
  const col = table.columns.find((c) => c.name === name);
  if (!col) {
    const names = table.columns.map((c) => c.name);
    throw new Error(`column "${name}" not found; columns are: ${names.join(', ')}`);
  }
  return col;
}

/** Rows `indexes` of `table`, in that order (used for splits and slices). */
export function takeRows(table: Table, indexes: ArrayLike<number>): Table {
  const n = indexes.length;
  const columns = table.columns.map((c): Column => {
    if (isFloatColumn(c)) {
      const values = new Float64Array(n);
      for (let i = 0; i < n; i++) values[i] = c.values[indexes[i]];
      return { ...c, values };
    }
    const codes = new Int32Array(n);
    for (let i = 0; i < n; i++) codes[i] = c.codes[indexes[i]];
    return { ...c, codes };
  });
  return { nrows: n, columns };
}
