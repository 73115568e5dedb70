/**
 * The working set of columns while steps run. Steps replace columns by name; the frame keeps their order and knows
 * which arrays it allocated itself, so elementwise steps can overwrite those in place instead of allocating again,
 * while arrays borrowed from the caller's table are never modified.
 */
import type { CodedColumn, Column, ColumnType, FloatColumn, Table } from '../data/table';
import { isFloatColumn } from '../data/table';
import { kindProblem, type KindOptions } from './kinds';
import { suggestion } from './nearest';
import type { FeatureOp } from './spec';

/** Where a value came from, for error messages: `column "color", row 12` or `instances[12].color`. */
export type RowLabel = (row: number, column: string) => string;

export const tableRowLabel: RowLabel = (row, column) => `column "${column}", row ${row}`;

export interface StepContext {
  /** Path of the step in the spec (`features[2].onehot`) or artifact (`steps[2].onehot`), prefixed to errors. */
  where: string;
  label: RowLabel;
  /** Collects fit-time notes; absent at apply time. */
  notes?: string[];
}

/**
 * Recycles the temporary arrays of one chunk for the next: large tables are transformed in equal-sized chunks, and
 * allocating fresh typed arrays for each costs more (zeroing, page faults, GC pressure) than the transforms do.
 */
export class ArrayPool {
  private readonly free: Float64Array[] = [];
  take(n: number): Float64Array {
    const a = this.free.pop();
    if (a && a.length === n) return a.fill(0);
    return new Float64Array(n);
  }
  give(arrays: Iterable<Float64Array>): void {
    for (const a of arrays) this.free.push(a);
  }
}

/** A column of the frame, and whether a step has named or produced it. */
interface Slot {
  col: Column;
  touched: boolean;
}

export class Frame {
  private readonly order: string[] = [];
  // One map from name to a mutable slot: a step rewriting a column in place costs one lookup, not a map and a set
  // update (on the serving path that is per column per step of every batch).
  private readonly byName = new Map<string, Slot>();
  private readonly owned = new Set<Float64Array>();

  constructor(
    readonly nrows: number,
    private readonly pool?: ArrayPool,
  ) {}

  /** A frame over `inputs` of `table`; the table's arrays are borrowed, not copied. */
  static fromTable(table: Table, inputs: readonly { name: string; type: ColumnType }[], where: string): Frame {
    return Frame.fromColumns(resolveInputs(table, inputs, where), table.nrows);
  }

  /** A frame over already-resolved input columns (which may be views of a larger table's arrays). */
  static fromColumns(columns: readonly Column[], nrows: number, pool?: ArrayPool): Frame {
    const frame = new Frame(nrows, pool);
    for (const col of columns) {
      frame.order.push(col.name);
      frame.byName.set(col.name, { col, touched: false });
    }
    return frame;
  }

  names(): readonly string[] {
    return this.order;
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  /** Whether a step has named or produced this column (columns only carried along are not touched). */
  touched(name: string): boolean {
    return this.byName.get(name)?.touched ?? false;
  }

  column(name: string, op: FeatureOp, ctx: StepContext, opts?: KindOptions): Column {
    const col = this.byName.get(name)?.col;
    if (!col) throw new Error(`${ctx.where}: column "${name}" does not exist at this step${suggestion(name, this.order)}`);
    const problem = kindProblem(op, name, col.type, opts);
    if (problem) throw new Error(`${ctx.where}: ${problem}`);
    return col;
  }

  float(name: string, op: FeatureOp, ctx: StepContext, opts?: KindOptions): FloatColumn {
    const col = this.column(name, op, ctx, opts);
    if (!isFloatColumn(col)) throw new Error(`${ctx.where}: column "${name}" holds categories, but ${op} needs numbers`);
    return col;
  }

  coded(name: string, op: FeatureOp, ctx: StepContext): CodedColumn {
    const col = this.column(name, op, ctx);
    if (isFloatColumn(col)) throw new Error(`${ctx.where}: column "${name}" holds numbers, but ${op} needs categories`);
    return col;
  }

  /** A zeroed array the frame owns. */
  alloc(): Float64Array {
    const out = this.pool ? this.pool.take(this.nrows) : new Float64Array(this.nrows);
    this.owned.add(out);
    return out;
  }

  /** Hands every array this frame allocated back to its pool; the frame must not be used afterwards. */
  release(): void {
    this.pool?.give(this.owned);
    this.owned.clear();
  }

  /** Marks an array the caller allocated as owned, so later steps may overwrite it. */
  adopt(values: Float64Array): void {
    this.owned.add(values);
  }

  /** Where an elementwise step may write its result: the input itself if the frame owns it, else a fresh array. */
  output(input: Float64Array): Float64Array {
    return this.owned.has(input) ? input : this.alloc();
  }

  /** Replaces column `name` with `cols` at the same position (none removes it, several expand it). */
  replace(name: string, cols: Column[], where = 'features'): void {
    const slot = cols.length === 1 && cols[0].name === name ? this.byName.get(name) : undefined;
    if (slot) {
      // A step rewriting a column in place (impute, scale, clip...): the order does not change. The common case, and
      // on the serving path once per column per request, so it skips the search through the order.
      slot.col = cols[0];
      slot.touched = true;
      return;
    }
    const at = this.order.indexOf(name);
    if (at < 0) throw new Error(`internal: replace of unknown column "${name}"`);
    this.byName.delete(name);
    const names = cols.map((c) => c.name);
    for (const c of cols) {
      if (this.byName.has(c.name)) throw new Error(`${where}: would create column "${c.name}", but a column with that name already exists; rename or drop it first`);
      this.byName.set(c.name, { col: c, touched: true });
    }
    this.order.splice(at, 1, ...names);
  }

  /** Adds a new column at the end. */
  append(col: Column, where: string): void {
    if (this.byName.has(col.name)) throw new Error(`${where}: column "${col.name}" already exists; pick another name`);
    this.order.push(col.name);
    this.byName.set(col.name, { col, touched: true });
  }

  remove(name: string): void {
    if (this.byName.has(name)) this.replace(name, []);
  }

  /** The named columns, for the output matrix. */
  floats(names: readonly string[]): FloatColumn[] {
    return names.map((n) => {
      const col = this.byName.get(n)?.col;
      if (!col) throw new Error(`output column "${n}" was not produced; the fitted features are inconsistent (refit them)`);
      if (!isFloatColumn(col)) throw new Error(`output column "${n}" is ${col.type}; only numeric columns can reach the model`);
      return col;
    });
  }
}

/** The table's columns named by `inputs`, checked for presence, type and length. */
export function resolveInputs(table: Table, inputs: readonly { name: string; type: ColumnType }[], where: string): Column[] {
  // Serving's tables hold exactly the inputs, in order (instanceReader.ts): found by position, no map per batch.
  const aligned = table.columns.length === inputs.length && inputs.every((input, j) => table.columns[j].name === input.name);
  const byName = aligned ? null : new Map(table.columns.map((c) => [c.name, c]));
  return inputs.map((input, j) => {
    const col = byName ? byName.get(input.name) : table.columns[j];
    if (!col) {
      const available = table.columns.map((c) => c.name);
      throw new Error(`${where}: the table has no column "${input.name}" (${input.type}), which the features were fitted on${suggestion(input.name, available)}`);
    }
    if (!compatible(col.type, input.type)) {
      throw new Error(`${where}: column "${input.name}" is ${col.type} here but was ${input.type} when the features were fitted; make the data reader type it as ${input.type}`);
    }
    const len = isFloatColumn(col) ? col.values.length : col.codes.length;
    if (len !== table.nrows) throw new Error(`${where}: column "${input.name}" has ${len} values but the table has ${table.nrows} rows`);
    return col;
  });
}

/** Storage and meaning must match; numeric and boolean are interchangeable (both numbers), as are categorical and text. */
function compatible(actual: ColumnType, expected: ColumnType): boolean {
  if (actual === expected) return true;
  const group = (t: ColumnType) => (t === 'numeric' || t === 'boolean' ? 'number' : t === 'categorical' || t === 'text' ? 'coded' : t);
  return group(actual) === group(expected);
}
