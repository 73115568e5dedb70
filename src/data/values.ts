/**
 * The value parser: what a cell means for a column of a given type. Ingest (CSV cells, JSON Lines strings and
 * scalars, declared Parquet columns, via ColumnBuilder) and serving (instancesToTable and the compiled reader in
 * src/serving/instanceReader.ts, and so batch scoring and drift on the prediction log, which go through those) call
 * these functions and nothing else, so a raw cell gets one value wherever it is read: no training/serving skew.
 *
 * Text cells (a CSV cell, a JSON string) for every type:
 * - Surrounding whitespace is ignored (String.prototype.trim).
 * - Missing: the trimmed cell is one of DEFAULT_MISSING_VALUES (`""`, `NA`, `N/A`, `null`, `NULL`, `NaN`, `?`,
 *   `None`, exact case), or the reader's `missingValues`. Serving uses the defaults, as the pipeline's ingest does.
 * - numeric: a decimal number as JavaScript's Number() reads it (`12`, `-3.5`, `+1e-3`, `.5`, `5.`, `1E5`), not hex,
 *   octal or binary (`0x1F`), no thousands separators or units. Any-case `nan`, `+nan`, `-nan` is missing. Any-case
 *   `inf`, `infinity` with an optional sign is ±Infinity, which ingest keeps so validation can report it (rule
 *   `infinity`, an error by default); serving refuses it like any non-finite number, since no pipeline trains on it
 *   unless told to. src/data/decimal.ts is a byte-level fast path that returns the same double or gives up.
 * - boolean: any case, `true`/`false`, `yes`/`no`; a column declared boolean (and serving, which cannot tell
 *   declared from inferred, so it accepts a superset) also takes `y`/`n`, `t`/`f`, `1`/`0`. 1 is true, 0 false.
 * - datetime: ISO 8601 `YYYY-MM-DD`, optionally followed by `T` or a space and `hh:mm`, `hh:mm:ss`, or
 *   `hh:mm:ss` plus a fraction after `.` or `,` (1-9 digits; truncated to milliseconds), then optionally `Z`/`z` or an
 *   offset `±hh`, `±hhmm`, `±hh:mm`. No offset means UTC. The day must exist (`2024-02-30` and `2023-02-29` do not
 *   fit), hours 0-23, minutes and seconds 0-59. The value is epoch milliseconds.
 * - categorical and text: the trimmed cell.
 * A cell that fits none of these is, at ingest, a reason to read the column as strings (or an error for a declared
 * column), and at serving an error naming the instance and field.
 *
 * JSON scalars (JSON Lines cells and serving instances): null is missing. numeric takes a finite number; boolean
 * takes true/false and the numbers 0/1; categorical and text take a number or boolean as its text (`3` is "3",
 * `true` is "true"), as JSON Lines ingest does; datetime takes a finite number as epoch milliseconds at serving (a
 * JSON Lines number in a datetime column is read as a number, not a date).
 */
import type { ColumnType } from './table';

/** Cells read as missing unless configured otherwise. Matched exactly after trimming surrounding whitespace. */
export const DEFAULT_MISSING_VALUES: readonly string[] = ['', 'NA', 'N/A', 'null', 'NULL', 'NaN', '?', 'None'];

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

/** The matcher for DEFAULT_MISSING_VALUES, shared by everything that does not configure its own. */
export const DEFAULT_MISSING = new MissingMatcher();

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
  if (cell.length > 6 && !hasOuterSpace(cell)) return undefined;
  return STRICT_BOOLEANS.get(cell.trim().toLowerCase());
}

/** 1/0 for any boolean spelling a declared boolean column may use (adds y/n, t/f, 1/0). */
export function parseBooleanLoose(cell: string): number | undefined {
  if (cell.length > 6 && !hasOuterSpace(cell)) return undefined;
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

// Per column type, the value of a text cell: NaN (float types) or null (string types) when it is missing, undefined
// when it does not fit the type.

export function numericText(cell: string, missing: MissingMatcher = DEFAULT_MISSING): number | undefined {
  return missing.isMissing(cell) ? NaN : parseNumber(cell);
}

/** `loose`: a declared boolean column (and serving) also takes y/n, t/f, 1/0. */
export function booleanText(cell: string, loose: boolean, missing: MissingMatcher = DEFAULT_MISSING): number | undefined {
  if (missing.isMissing(cell)) return NaN;
  return loose ? parseBooleanLoose(cell) : parseBooleanWord(cell);
}

export function datetimeText(cell: string, missing: MissingMatcher = DEFAULT_MISSING): number | undefined {
  return missing.isMissing(cell) ? NaN : parseDatetime(cell);
}

export function stringText(cell: string, missing: MissingMatcher = DEFAULT_MISSING): string | null {
  if (missing.isMissing(cell)) return null;
  return hasOuterSpace(cell) ? cell.trim() : cell;
}

/**
 * A serving instance's field value for a column of `type`: a number (NaN = missing) for numeric, boolean and
 * datetime; a string or null (missing) for categorical and text; undefined when the value does not fit. The rules are
 * the module comment's; non-finite numbers are refused.
 */
export function instanceValue(type: ColumnType, v: unknown): number | string | null | undefined {
  if (v === null) return type === 'categorical' || type === 'text' ? null : NaN;
  switch (type) {
    case 'numeric':
    case 'datetime':
      if (typeof v === 'number') return v - v === 0 ? v : undefined;
      if (typeof v === 'string') {
        const n = type === 'numeric' ? numericText(v) : datetimeText(v);
        return n === undefined || n - n === 0 || n !== n ? n : undefined; // ±Infinity is refused, NaN is missing
      }
      return undefined;
    case 'boolean':
      if (v === true || v === 1) return 1;
      if (v === false || v === 0) return 0;
      return typeof v === 'string' ? booleanText(v, true) : undefined;
    case 'categorical':
    case 'text':
      if (typeof v === 'string') return stringText(v);
      if (typeof v === 'number') return v - v === 0 ? String(v) : undefined;
      if (typeof v === 'boolean') return v ? 'true' : 'false';
      return undefined;
  }
}
