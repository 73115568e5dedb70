/**
 * Type inference for textual cells (CSV, and strings in JSON Lines).
 *
 * Policy, chosen so that a column never silently changes meaning:
 * - numeric: every non-missing value is a decimal number (`12`, `-3.5`, `1e-3`, `.5`), or `Infinity`/`-Infinity`/`inf`,
 *   which are kept as ±Infinity so validation can report them. `NaN` (any case) is a missing value. Hex (`0x1F`),
 *   thousands separators (`1,234`) and surrounding text are not numbers.
 * - boolean: every non-missing value is one of true/false or yes/no, any case. Single letters (y/n, t/f) and 0/1
 *   are NOT inferred as boolean: y/n are often category codes (vote.csv) and 0/1 columns work as numeric. Declare
 *   the column boolean in the schema to read those as booleans.
 * - datetime: every non-missing value is an ISO 8601 date (`2024-03-01`) or date-time (`2024-03-01T10:20:30.5Z`,
 *   space instead of T allowed, optional offset). Values without an offset are taken as UTC. Stored as epoch ms.
 * - otherwise categorical when the number of distinct values is small (see chooseStringType), else text.
 * A column whose cells are all missing is numeric (all NaN), so it costs nothing and validation flags it.
 */
import type { ColumnType } from './table';

/** Cells read as missing unless configured otherwise. Matched exactly after trimming surrounding whitespace. */
export const DEFAULT_MISSING_VALUES: readonly string[] = ['', 'NA', 'N/A', 'null', 'NULL', 'NaN', '?', 'None'];

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

/** Decides whether a cell is missing; built once per read because it is called for every cell. */
export class MissingMatcher {
  private readonly tokens: Set<string>;
  private readonly maxLength: number;
  private readonly tokenBytes: Buffer[];
  private readonly maxBytes: number;

  constructor(tokens: readonly string[] = DEFAULT_MISSING_VALUES) {
    this.tokens = new Set(tokens.map((t) => t.trim()));
    this.maxLength = Math.max(0, ...[...this.tokens].map((t) => t.length));
    this.tokenBytes = [...this.tokens].map((t) => Buffer.from(t, 'utf8'));
    this.maxBytes = Math.max(0, ...this.tokenBytes.map((t) => t.length));
  }

  /**
   * isMissing for a cell still in bytes, with no surrounding whitespace: true/false, or undefined when the bytes
   * need decoding first (a short cell with non-ASCII bytes, whose decoded text might equal a token).
   */
  isMissingBytes(b: Uint8Array, start: number, end: number): boolean | undefined {
    const len = end - start;
    if (len > this.maxBytes) return false;
    for (let i = start; i < end; i++) if (b[i] >= 0x80) return undefined;
    for (const t of this.tokenBytes) {
      if (t.length !== len) continue;
      let j = 0;
      while (j < len && t[j] === b[start + j]) j++;
      if (j === len) return true;
    }
    return false;
  }

  isMissing(cell: string): boolean {
    if (cell.length === 0) return this.tokens.has('');
    // Most cells are longer than every token, so the length test avoids hashing them.
    if (cell.length > this.maxLength && !hasOuterSpace(cell)) return false;
    return this.tokens.has(hasOuterSpace(cell) ? cell.trim() : cell);
  }
}

export function hasOuterSpace(s: string): boolean {
  return s.length > 0 && (s.charCodeAt(0) <= 32 || s.charCodeAt(s.length - 1) <= 32);
}

const INFINITY_WORDS = new Map<string, number>([
  ['infinity', Infinity],
  ['+infinity', Infinity],
  ['-infinity', -Infinity],
  ['inf', Infinity],
  ['+inf', Infinity],
  ['-inf', -Infinity],
]);

/**
 * A decimal number, ±Infinity, or NaN for a NaN literal (which callers treat as missing); undefined when the cell
 * is not a number at all.
 */
export function parseNumber(cell: string): number | undefined {
  const s = hasOuterSpace(cell) ? cell.trim() : cell;
  if (s.length === 0) return undefined;
  const c0 = s.charCodeAt(0);
  const startsLikeNumber = (c0 >= 48 && c0 <= 57) || c0 === 43 || c0 === 45 || c0 === 46; // digit + - .
  if (startsLikeNumber) {
    const n = +s;
    if (n === n && Number.isFinite(n)) {
      // `+s` also accepts 0x/0o/0b literals, which are not decimal data.
      if (c0 === 48 && s.length > 2) {
        const c1 = s.charCodeAt(1) | 32;
        if (c1 === 120 || c1 === 111 || c1 === 98) return undefined;
      }
      return n;
    }
  }
  if (s.length <= 9) {
    const lower = s.toLowerCase();
    if (lower === 'nan' || lower === '+nan' || lower === '-nan') return NaN;
    const inf = INFINITY_WORDS.get(lower);
    if (inf !== undefined) return inf;
  }
  return undefined;
}

const STRICT_BOOLEANS = new Map<string, number>([
  ['true', 1],
  ['false', 0],
  ['yes', 1],
  ['no', 0],
]);

const LOOSE_BOOLEANS = new Map<string, number>([
  ...STRICT_BOOLEANS,
  ['y', 1],
  ['n', 0],
  ['t', 1],
  ['f', 0],
  ['1', 1],
  ['0', 0],
]);

/** 1/0 for the words inference accepts as boolean (true/false, yes/no, any case), else undefined. */
export function parseBooleanWord(cell: string): number | undefined {
  if (cell.length > 6) return undefined;
  return STRICT_BOOLEANS.get(cell.trim().toLowerCase());
}

/** 1/0 for any boolean spelling a declared boolean column may use (adds y/n, t/f, 1/0). */
export function parseBooleanLoose(cell: string): number | undefined {
  if (cell.length > 6) return undefined;
  return LOOSE_BOOLEANS.get(cell.trim().toLowerCase());
}

const ISO_DATETIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(Z|z|[+-]\d{2}(?::?\d{2})?)?)?$/;

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Epoch milliseconds for an ISO 8601 date or date-time (no offset means UTC), else undefined. */
export function parseDatetime(cell: string): number | undefined {
  const s = hasOuterSpace(cell) ? cell.trim() : cell;
  if (s.length < 10 || s.length > 40) return undefined;
  const m = ISO_DATETIME.exec(s);
  if (!m) return undefined;
  const year = +m[1];
  const month = +m[2];
  const day = +m[3];
  if (month < 1 || month > 12 || day < 1 || day > DAYS_IN_MONTH[month - 1]) return undefined;
  if (month === 2 && day === 29 && !isLeapYear(year)) return undefined;
  const hour = m[4] === undefined ? 0 : +m[4];
  const minute = m[5] === undefined ? 0 : +m[5];
  const second = m[6] === undefined ? 0 : +m[6];
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const ms = m[7] === undefined ? 0 : Math.floor(+m[7].slice(0, 3).padEnd(3, '0'));
  let t = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  // Date.UTC maps years 0-99 to 1900-1999.
  if (year < 100) t = new Date(t).setUTCFullYear(year);
  const zone = m[8];
  if (zone !== undefined && zone !== 'Z' && zone !== 'z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const offsetMinutes = +digits.slice(0, 2) * 60 + (digits.length > 2 ? +digits.slice(2, 4) : 0);
    t -= sign * offsetMinutes * 60_000;
  }
  return t;
}

function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

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
