/**
 * Type inference for textual cells (CSV, and strings in JSON Lines).
 *
 * Which type a column gets; what each cell then means for that type (spellings, missing values, trimming) is the
 * value parser's job, in values.ts, shared with serving. Policy, chosen so that a column never silently changes meaning:
 * - numeric: every non-missing value is a number under values.ts (decimal, or ±Infinity kept for validation).
 * - boolean: every non-missing value is one of true/false or yes/no, any case. Single letters (y/n, t/f) and 0/1
 *   are NOT inferred as boolean: y/n are often category codes (vote.csv) and 0/1 columns work as numeric. Declare
 *   the column boolean in the schema to read those as booleans.
 * - datetime: every non-missing value is an ISO 8601 date or date-time under values.ts.
 * - otherwise categorical when the number of distinct values is small (see chooseStringType), else text.
 * A column whose cells are all missing is numeric (all NaN), so it costs nothing and validation flags it.
 */
import type { ColumnType } from './table';
import { parseBooleanWord, parseDatetime, parseNumber } from './values';

// The value parsers live in values.ts (one parser for ingest and serving); re-exported for existing importers.
export {
  DEFAULT_MISSING_VALUES,
  MissingMatcher,
  hasOuterSpace,
  parseBooleanLoose,
  parseBooleanWord,
  parseDatetime,
  parseNumber,
} from './values';

export interface InferOptions {
  /** Replaces DEFAULT_MISSING_VALUES. */
  missingValues?: readonly string[];
  /** A string column with more distinct values than this is text. Default 1000. */
  maxCategoricalLevels?: number;
  /** With at least 20 values, a string column whose distinct/non-missing ratio exceeds this is text. Default 0.5. */
  maxCategoricalRatio?: number;
}

export const DEFAULT_MAX_CATEGORICAL_LEVELS = 1000;
export const DEFAULT_MAX_CATEGORICAL_RATIO = 0.5;

export type CellKind = 'numeric' | 'boolean' | 'datetime' | 'string';

/** The kind of a single non-missing cell under the inference policy above. */
export function classifyCell(cell: string): CellKind {
  const n = parseNumber(cell);
  if (n !== undefined) return 'numeric';
  if (parseBooleanWord(cell) !== undefined) return 'boolean';
  if (parseDatetime(cell) !== undefined) return 'datetime';
  return 'string';
}

/** Categorical or text for a string column, from its number of distinct and non-missing values. */
export function chooseStringType(distinct: number, nonMissing: number, opts: InferOptions = {}): 'categorical' | 'text' {
  const maxLevels = opts.maxCategoricalLevels ?? DEFAULT_MAX_CATEGORICAL_LEVELS;
  const maxRatio = opts.maxCategoricalRatio ?? DEFAULT_MAX_CATEGORICAL_RATIO;
  if (distinct > maxLevels) return 'text';
  // Below 20 values the ratio says little (3 rows, 3 colours), so small tables stay categorical.
  if (nonMissing >= 20 && distinct / nonMissing > maxRatio) return 'text';
  return 'categorical';
}

/** Text a value of a float column had, when its original spelling is no longer known. */
export function formatFloatValue(type: ColumnType, value: number): string {
  if (type === 'boolean') return value === 1 ? 'true' : 'false';
  if (type === 'datetime') {
    const iso = new Date(value).toISOString();
    return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso;
  }
  return String(value);
}

export { schemaSpecSchema, schemaOf } from './schema';
export type { Schema, SchemaColumn, SchemaSpec } from './schema';
