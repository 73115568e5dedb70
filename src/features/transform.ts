/** Applying fitted features: the one code path shared by training, batch scoring and serving. */
import { isFloatColumn, type Column, type FloatColumn, type Table } from '../data/table';
import { matrix, type Matrix } from '../ml/matrix';
import type { FittedFeatures } from './fitted';
import { ArrayPool, Frame, resolveInputs, tableRowLabel, type RowLabel } from './frame';
import { applyStep } from './ops';
import { SlotColumn } from './slot-column';

/** Runs every fitted step over `table`'s input columns; the frame then holds the output columns (and any carried ones). */
export function runSteps(fitted: FittedFeatures, table: Table, label: RowLabel, where: string): Frame {
  return runOnColumns(fitted, resolveInputs(table, fitted.inputSchema, where), table.nrows, label);
}

function runOnColumns(fitted: FittedFeatures, inputs: readonly Column[], nrows: number, label: RowLabel, pool?: ArrayPool, ownInputs = false): Frame {
  const frame = Frame.fromColumns(inputs, nrows, pool);
  if (ownInputs) for (const c of inputs) if (isFloatColumn(c)) frame.adopt(c.values);
  fitted.steps.forEach((step, i) => applyStep(step, frame, { where: `steps[${i}].${step.op}`, label }));
  return frame;
}

/** Rows per chunk: small enough that the steps' temporary arrays stay in cache and are recycled by the allocator. */
const CHUNK_ROWS = 16_384;

/** A view of rows [start, end) of a column, sharing its memory. */
function sliceColumn(col: Column, start: number, end: number): Column {
  return isFloatColumn(col) ? { ...col, values: col.values.subarray(start, end) } : { ...col, codes: col.codes.subarray(start, end) };
}

/**
 * Writes `cols` row-major into `data` (nrows x cols.length, already zeroed). Dense columns are copied in blocks of
 * rows so the rows being written stay in cache while each column is read; one-hot columns that were never
 * materialized only have their ones written, one pass per onehot input.
 */
function writeRows(cols: readonly FloatColumn[], nrows: number, data: Float64Array): void {
  const k = cols.length;
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
}

export interface ApplyOptions {
  /**
   * The table is the caller's scratch (serving's table of one batch, read for this call alone): steps may write
   * their results over its numeric arrays instead of allocating new ones. On a batch of one instance, allocating an
   * array per column per step was a third of the transform's cost.
   */
  consumeTable?: boolean;
}

/**
 * Every fitted step is row-wise, so the table is transformed in chunks of rows written straight into their slice of
 * the matrix. Besides keeping the working set in cache, this avoids allocating (and page-faulting) a full-length
 * array for each intermediate column, which costs more than the arithmetic on large tables.
 */
export function applyFeatures(fitted: FittedFeatures, table: Table, label: RowLabel, where: string, opts: ApplyOptions = {}): Matrix {
  const inputs = resolveInputs(table, fitted.inputSchema, where);
  const n = table.nrows;
  const k = fitted.outputNames.length;
  const data = new Float64Array(n * k);
  const pool = new ArrayPool();
  for (let start = 0; start === 0 || start < n; start += CHUNK_ROWS) {
    const end = Math.min(start + CHUNK_ROWS, n);
    const whole = start === 0 && end === n;
    const chunk = whole ? inputs : inputs.map((c) => sliceColumn(c, start, end));
    // Only a table transformed in one chunk may be written over: a chunk's arrays go back to the pool for the next.
    const frame = runOnColumns(fitted, chunk, end - start, (row, column) => label(row + start, column), pool, whole && opts.consumeTable === true);
    writeRows(frame.floats(fitted.outputNames), end - start, data.subarray(start * k, end * k));
    frame.release();
  }
  return matrix(n, k, data);
}

/**
 * The model matrix for `table` (columns in `fitted.outputNames` order). Only the fitted input columns are read, so
 * the table may carry others (the target, ids). Its arrays are never modified.
 */
export function transformTable(fitted: FittedFeatures, table: Table): Matrix {
  return applyFeatures(fitted, table, tableRowLabel, 'transformTable');
}
