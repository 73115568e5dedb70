/** Applying fitted features: the one code path shared by training, batch scoring and serving. */
import type { FloatColumn, Table } from '../data/table';
import { matrix, type Matrix } from '../ml/matrix';
import type { FittedFeatures } from './fitted';
import { Frame, tableRowLabel, type RowLabel } from './frame';
import { applyStep } from './ops';
import { SlotColumn } from './slot-column';

/** Runs every fitted step over `table`'s input columns; the frame then holds the output columns (and any carried ones). */
export function runSteps(fitted: FittedFeatures, table: Table, label: RowLabel, where: string): Frame {
  const frame = Frame.fromTable(table, fitted.inputSchema, where);
  fitted.steps.forEach((step, i) => applyStep(step, frame, { where: `steps[${i}].${step.op}`, label }));
  return frame;
}

/**
 * Row-major copy of columns. Dense columns are copied in blocks of rows so the rows being written stay in cache while
 * each column is read; one-hot columns that were never materialized only have their ones written, one pass per input.
 */
export function columnsToMatrix(cols: readonly FloatColumn[], nrows: number): Matrix {
  const k = cols.length;
  const data = new Float64Array(nrows * k);
  const dense: { j: number; v: Float64Array }[] = [];
  const sparse = new Map<Int32Array, Map<number, number>>();
  cols.forEach((c, j) => {
    if (c instanceof SlotColumn && !c.materialized) {
      let group = sparse.get(c.slots);
      if (!group) sparse.set(c.slots, (group = new Map()));
      group.set(c.slot, j);
    } else dense.push({ j, v: c.values });
  });
  const groups = [...sparse].map(([slots, group]) => {
    const target = new Int32Array(Math.max(...group.keys()) + 1).fill(-1);
    for (const [s, j] of group) target[s] = j;
    return { slots, target };
  });
  // About 256 KiB of output rows per block: every column's writes for those rows land in cache.
  const block = Math.max(16, Math.min(4096, Math.floor(32768 / Math.max(1, k))));
  for (let start = 0; start < nrows; start += block) {
    const end = Math.min(start + block, nrows);
    for (const { j, v } of dense) {
      for (let i = start, p = start * k + j; i < end; i++, p += k) data[p] = v[i];
    }
    for (const { slots, target } of groups) {
      for (let i = start; i < end; i++) {
        const s = slots[i];
        if (s >= 0 && s < target.length) {
          const j = target[s];
          if (j >= 0) data[i * k + j] = 1;
        }
      }
    }
  }
  return matrix(nrows, k, data);
}

export function applyFeatures(fitted: FittedFeatures, table: Table, label: RowLabel, where: string): Matrix {
  const frame = runSteps(fitted, table, label, where);
  return columnsToMatrix(frame.floats(fitted.outputNames), table.nrows);
}

/**
 * The model matrix for `table` (columns in `fitted.outputNames` order). Only the fitted input columns are read, so
 * the table may carry others (the target, ids). Its arrays are never modified.
 */
export function transformTable(fitted: FittedFeatures, table: Table): Matrix {
  return applyFeatures(fitted, table, tableRowLabel, 'transformTable');
}
