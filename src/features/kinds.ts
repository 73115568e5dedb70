/**
 * Which column types each transform accepts, and what to tell the user when it doesn't.
 * Shared by submit-time validation and apply-time checks so both reject the same things with the same advice.
 */
import type { ColumnType } from '../data/table';
import type { FeatureOp, ImputeStrategy } from './spec';

// Plain comparisons, not a list lookup: serving asks once per column per step of every batch.
export function isNumericKind(kind: ColumnType): boolean {
  return kind === 'numeric' || kind === 'boolean';
}
export function isCodedKind(kind: ColumnType): boolean {
  return kind === 'categorical' || kind === 'text';
}

function article(kind: ColumnType): string {
  return kind === 'datetime' ? 'a datetime' : kind;
}

/** Advice for feeding a non-numeric column where a number is needed. */
export function encodeAdvice(column: string, kind: ColumnType): string {
  if (kind === 'datetime') return `extract numbers from it with a datetime step first (it turns "${column}" into "${column}__year", "${column}__month", ...)`;
  if (kind === 'text') return 'drop it, or encode it with onehot (with maxCategories) if it is really a small set of labels';
  return 'encode it first with onehot or ordinal';
}

export interface KindOptions {
  strategy?: ImputeStrategy;
  /** The impute constant, whose type must match the column's storage. */
  value?: number | string;
}

/** The start of a problem's text; built only when there is one (serving checks every column of every batch). */
function what(column: string, kind: ColumnType): string {
  return `column "${column}" is ${article(kind)}`;
}

/** Why `op` cannot take a column of `kind`, or null when it can. */
export function kindProblem(op: FeatureOp, column: string, kind: ColumnType, opts: KindOptions = {}): string | null {
  switch (op) {
    case 'drop':
      return null;
    case 'impute': {
      const strategy = opts.strategy ?? 'median';
      if ((strategy === 'mean' || strategy === 'median') && isCodedKind(kind)) {
        return `${what(column, kind)}, so strategy ${strategy} cannot apply; use strategy: most_frequent or strategy: constant`;
      }
      if (strategy === 'constant') {
        if (isCodedKind(kind) && typeof opts.value !== 'string') return `${what(column, kind)}, so value must be a string (got ${JSON.stringify(opts.value)})`;
        if (!isCodedKind(kind) && typeof opts.value !== 'number') return `${what(column, kind)}, so value must be a number (got ${JSON.stringify(opts.value)})`;
      }
      return null;
    }
    case 'standardize':
    case 'minmax':
    case 'log1p':
    case 'clip':
    case 'bucketize':
    case 'derive':
      if (isNumericKind(kind)) return null;
      return `${what(column, kind)}, but ${op === 'derive' ? 'derive expressions need' : `${op} needs`} a numeric column; ${encodeAdvice(column, kind)}`;
    case 'onehot':
      if (kind !== 'datetime') return null;
      return `${what(column, kind)}; ${encodeAdvice(column, kind)}`;
    case 'ordinal':
      if (isCodedKind(kind)) return null;
      if (kind === 'datetime') return `${what(column, kind)}; ${encodeAdvice(column, kind)}`;
      return `${what(column, kind)} and already numeric; ordinal encodes categories (use bucketize to bin numbers, or onehot to treat each value as a category)`;
    case 'datetime':
      if (kind === 'datetime') return null;
      return `${what(column, kind)}, but datetime needs a datetime column (epoch milliseconds); check how the data reader typed it`;
  }
}

/** The type a column has after `op` transforms it in place (impute keeps the type; everything else yields numbers). */
export function kindAfter(op: FeatureOp, kind: ColumnType): ColumnType {
  return op === 'impute' ? kind : 'numeric';
}
