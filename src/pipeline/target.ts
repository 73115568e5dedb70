/**
 * The target column: which task it implies and how it encodes into the Float64Array the models take
 * (class index for classification, value for regression).
 */
import { getColumn, isFloatColumn, type Table } from '../data/table';
import type { Task } from '../ml/task';
import { BadInputError } from './errors';
import type { PipelineSpec } from './spec';

export interface EncodedTarget {
  task: Task;
  y: Float64Array;
  /** Rows whose target is missing: they cannot be trained or scored on. */
  missing: number;
}

export function resolveTask(spec: Pick<PipelineSpec, 'target' | 'task' | 'positiveClass'>, table: Table): Task {
  const col = findTarget(spec.target, table);
  const wantsRegression = spec.task === 'regression' || (spec.task === undefined && col.type === 'numeric');
  if (wantsRegression) {
    if (col.type !== 'numeric') throw new BadInputError(`target "${spec.target}" is ${col.type}; a regression target must be numeric`);
    return { kind: 'regression' };
  }
  const classes = classLabels(table, spec.target);
  if (classes.length < 2) {
    throw new BadInputError(`target "${spec.target}" has a single class${classes.length ? ` ("${classes[0]}")` : ''}: a classifier needs at least two`);
  }
  if (spec.positiveClass !== undefined) {
    if (!classes.includes(spec.positiveClass)) {
      throw new BadInputError(`positiveClass "${spec.positiveClass}" is not a value of target "${spec.target}" (values: ${classes.join(', ')})`);
    }
    if (classes.length !== 2) throw new BadInputError(`positiveClass is for binary targets; "${spec.target}" has ${classes.length} classes`);
  }
  if (spec.task === 'binary' && classes.length !== 2) {
    throw new BadInputError(`task "binary" but target "${spec.target}" has ${classes.length} classes (${classes.slice(0, 6).join(', ')}…); use task "multiclass"`);
  }
  if (classes.length === 2) {
    const pos = spec.positiveClass ?? classes[1];
    const neg = classes.find((c) => c !== pos)!;
    return { kind: 'binary', classes: [neg, pos] };
  }
  return { kind: 'multiclass', classes };
}

export function encodeTarget(table: Table, target: string, task: Task): EncodedTarget {
  const col = findTarget(target, table);
  const y = new Float64Array(table.nrows);
  let missing = 0;
  if (task.kind === 'regression') {
    if (!isFloatColumn(col)) throw new BadInputError(`target "${target}" must be numeric for regression`);
    for (let i = 0; i < y.length; i++) {
      const v = col.values[i];
      if (Number.isNaN(v)) missing++;
      y[i] = v;
    }
    return { task, y, missing };
  }
  const index = new Map(task.classes.map((c, i) => [c, i]));
  const labels = labelsOf(col);
  for (let i = 0; i < y.length; i++) {
    const label = labels(i);
    const k = label === null ? undefined : index.get(label);
    if (k === undefined) {
      missing++;
      y[i] = NaN;
    } else y[i] = k;
  }
  return { task, y, missing };
}

/** Distinct non-missing target values, sorted (numbers numerically), as strings. */
export function classLabels(table: Table, target: string): string[] {
  const col = findTarget(target, table);
  if (isFloatColumn(col)) {
    const set = new Set<number>();
    for (const v of col.values) if (!Number.isNaN(v)) set.add(v);
    return [...set].sort((a, b) => a - b).map((v) => formatLabel(col.type, v));
  }
  const used = new Set<number>();
  for (const c of col.codes) if (c >= 0) used.add(c);
  return [...used].map((c) => col.levels[c]).sort();
}

function labelsOf(col: Table['columns'][number]): (i: number) => string | null {
  if (isFloatColumn(col)) return (i) => (Number.isNaN(col.values[i]) ? null : formatLabel(col.type, col.values[i]));
  return (i) => (col.codes[i] < 0 ? null : col.levels[col.codes[i]]);
}

function formatLabel(type: string, v: number): string {
  if (type === 'boolean') return v ? 'true' : 'false';
  return String(v);
}

function findTarget(target: string, table: Table) {
  try {
    return getColumn(table, target);
  } catch {
    throw new BadInputError(`target column "${target}" is not in the data; columns are: ${table.columns.map((c) => c.name).join(', ')}`);
  }
}
