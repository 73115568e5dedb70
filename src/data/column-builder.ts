/**
 * Builds one column from a stream of cells, inferring its type on the fly (see infer.ts for the policy).
 *
 * A column starts untyped, takes the kind of its first non-missing cell, and falls back to strings when a later
 * cell does not fit. Float kinds keep the first spelling of each distinct value (up to a cap) so that fallback can
 * restore the original text ("1.50" stays "1.50"); past the cap a value is re-rendered canonically ("1.5"). That
 * loss only happens for a column with more than SPELLING_CAP distinct numbers that then turns out to be text.
 * Boolean and datetime cells (never on the byte path) also keep, per row, a spelling that differs from the first one
 * of its value (`Yes` after `yes`), so a demoted column holds each cell's own text, which is what serving sends.
 * Numeric cells on the byte path are not compared (that would cost the hot path a string per cell): a demoted
 * numeric column gives `1.50` the text of the first `1.5`.
 */
import { quoteValue } from './errors';
import { ByteDictionary } from './byte-dictionary';
import { parseDecimalBytes } from './decimal';
import { GrowableFloat64, GrowableInt32 } from './growable';
import { chooseStringType, classifyCell, formatFloatValue, type InferOptions } from './infer';
import { MISSING_CODE, type Column, type ColumnType } from './table';
import { booleanText, datetimeText, hasOuterSpace, numericText, stringText, type MissingMatcher } from './values';

const SPELLING_CAP = 4096;

type Kind = 'unknown' | 'numeric' | 'boolean' | 'datetime' | 'string';

/** A cell that cannot be coerced to a declared type; the reader adds column and row to the message. */
export class CellError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'CellError';
  }
}

export interface DeclaredType {
  type: ColumnType;
  nullable: boolean;
}

function kindOf(type: ColumnType): Kind {
  return type === 'categorical' || type === 'text' ? 'string' : type;
}

export class ColumnBuilder {
  private kind: Kind;
  /** Row count while the column is still untyped (no storage yet). */
  private untypedRows = 0;
  private missingCount = 0;
  private floats: GrowableFloat64 | null = null;
  private codes: GrowableInt32 | null = null;
  private dict: Map<string, number> | null = null;
  /** Levels by their bytes, so a repeated level is found without decoding it (CSV only). */
  private byteLevels: ByteDictionary | null = null;
  private levels: string[] = [];
  private spelling: Map<number, string> | null = null;
  /** Row → trimmed text, for boolean and datetime cells spelt unlike the first cell of the same value. */
  private respelt: Map<number, string> | null = null;

  constructor(
    readonly name: string,
    private readonly missing: MissingMatcher,
    private readonly infer: InferOptions = {},
    private readonly declared?: DeclaredType,
    /** Expected row count, so storage is allocated once instead of grown by doubling. */
    private readonly capacityHint = 0,
  ) {
    this.kind = declared ? kindOf(declared.type) : 'unknown';
    if (this.kind !== 'unknown') this.allocate(0);
  }

  get rows(): number {
    return this.floats?.length ?? this.codes?.length ?? this.untypedRows;
  }

  /** Appends `count` missing cells: a JSON Lines key first seen at a later row, or absent from a record. */
  backfill(count: number): void {
    for (let i = 0; i < count; i++) this.pushMissing();
  }

  push(cell: string): void {
    // Every kind goes through the value parser (values.ts) that serving uses, so a cell means the same there.
    switch (this.kind) {
      case 'numeric': {
        const n = numericText(cell, this.missing);
        if (n === undefined) return this.mismatch(cell, 'is not a number');
        if (n !== n) return this.pushMissing(); // missing, or a NaN literal
        this.floats!.push(n);
        this.remember(n, cell);
        return;
      }
      case 'string': {
        const s = stringText(cell, this.missing);
        return s === null ? this.pushMissing() : this.pushString(s);
      }
      case 'boolean': {
        const b = booleanText(cell, this.declared !== undefined, this.missing);
        if (b === undefined) {
          return this.mismatch(cell, 'is not a boolean (use true/false, yes/no, y/n, t/f or 1/0)');
        }
        if (b !== b) return this.pushMissing();
        this.floats!.push(b);
        this.remember(b, cell);
        return;
      }
      case 'datetime': {
        const t = datetimeText(cell, this.missing);
        if (t === undefined) {
          return this.mismatch(cell, 'is not an ISO 8601 date or date-time (e.g. 2024-03-01 or 2024-03-01T10:20:30Z)');
        }
        if (t !== t) return this.pushMissing();
        this.floats!.push(t);
        this.remember(t, cell);
        return;
      }
      case 'unknown':
        if (this.missing.isMissing(cell)) return this.pushMissing();
        this.kind = classifyCell(cell);
        this.allocate(this.untypedRows); // the cells so far were all missing
        this.push(cell);
        return;
    }
  }

  /**
   * The same as `push(text of bytes [start, end))`, without making the string when the cell is a number of a
   * numeric column or a level already seen in a string column (the CSV reader's hot path).
   */
  pushBytes(b: Buffer, start: number, end: number): void {
    const kind = this.kind;
    if ((kind === 'numeric' || kind === 'string') && (start === end || (b[start] > 32 && b[end - 1] > 32))) {
      const missing = this.missing.isMissingBytes(b, start, end);
      if (missing === true) return this.pushMissing();
      if (missing === false) {
        if (kind === 'numeric') {
          const n = parseDecimalBytes(b, start, end);
          if (n === n) {
            this.floats!.push(n);
            const spelling = this.spelling;
            if (spelling !== null && !spelling.has(n)) this.remember(n, b.toString('utf8', start, end));
            return;
          }
        } else {
          const code = this.byteLevels!.get(b, start, end);
          if (code >= 0) {
            this.codes!.push(code);
            return;
          }
          const s = b.toString('utf8', start, end);
          this.pushString(s);
          this.byteLevels!.set(b, start, end, this.dict!.get(s)!);
          return;
        }
      }
    }
    this.push(b.toString('utf8', start, end));
  }

  /** A JSON number: stored directly when the column is numeric, otherwise treated as its text. */
  pushNumber(n: number): void {
    if (n !== n) return this.pushMissing();
    if (this.kind === 'numeric') {
      this.floats!.push(n);
      return;
    }
    this.push(String(n));
  }

  pushBoolean(b: boolean): void {
    if (this.kind === 'boolean') {
      this.floats!.push(b ? 1 : 0);
      return;
    }
    this.push(b ? 'true' : 'false');
  }

  pushMissing(): void {
    if (this.declared && !this.declared.nullable) {
      throw new CellError('the value is missing, but the schema declares the column not nullable');
    }
    this.missingCount++;
    if (this.floats) this.floats.push(NaN);
    else if (this.codes) this.codes.push(MISSING_CODE);
    else this.untypedRows++;
  }

  finish(): Column {
    const declaredType = this.declared?.type;
    if (this.kind === 'unknown') {
      const values = new Float64Array(this.untypedRows).fill(NaN);
      return { name: this.name, type: 'numeric', values };
    }
    if (this.kind === 'string') {
      const codes = this.codes!.finish();
      const type =
        declaredType === 'categorical' || declaredType === 'text'
          ? declaredType
          : chooseStringType(this.levels.length, codes.length - this.missingCount, this.infer);
      return { name: this.name, type, codes, levels: this.levels };
    }
    return { name: this.name, type: this.kind, values: this.floats!.finish() };
  }

  private allocate(rows: number): void {
    const capacity = Math.max(this.capacityHint, rows + 1024);
    if (this.kind === 'string') {
      this.codes = new GrowableInt32(capacity);
      this.dict = new Map();
      this.byteLevels = new ByteDictionary();
      this.codes.fill(MISSING_CODE, rows);
    } else {
      this.floats = new GrowableFloat64(capacity);
      this.spelling = new Map();
      this.floats.fill(NaN, rows);
    }
  }

  private pushString(s: string): void {
    let code = this.dict!.get(s);
    if (code === undefined) {
      code = this.levels.length;
      this.levels.push(s);
      this.dict!.set(s, code);
    }
    this.codes!.push(code);
  }

  private remember(value: number, cell: string): void {
    const spelling = this.spelling;
    if (spelling === null) return;
    const first = spelling.get(value);
    if (first !== undefined) {
      if (this.kind === 'numeric' || first === cell) return;
      const text = hasOuterSpace(cell) ? cell.trim() : cell;
      if (text === first) return;
      this.respelt ??= new Map();
      if (this.respelt.size >= SPELLING_CAP) this.spelling = null;
      else this.respelt.set(this.floats!.length - 1, text);
      return;
    }
    if (spelling.size >= SPELLING_CAP) {
      this.spelling = null;
      return;
    }
    spelling.set(value, hasOuterSpace(cell) ? cell.trim() : cell);
  }

  private mismatch(cell: string, reason: string): void {
    if (this.declared) throw new CellError(`${quoteValue(cell)} ${reason}`);
    this.demoteToString();
    this.pushString(hasOuterSpace(cell) ? cell.trim() : cell);
  }

  /** The column turned out not to be numeric/boolean/datetime: re-encode what was read so far as strings. */
  private demoteToString(): void {
    const floats = this.floats!;
    const floatType = this.kind as 'numeric' | 'boolean' | 'datetime';
    const spelling = this.spelling;
    const respelt = this.respelt;
    this.respelt = null;
    this.kind = 'string';
    this.floats = null;
    this.spelling = null;
    this.codes = new GrowableInt32(Math.max(this.capacityHint, floats.length + 1024));
    this.dict = new Map();
    this.byteLevels = new ByteDictionary();
    for (let i = 0; i < floats.length; i++) {
      const v = floats.get(i);
      if (v !== v) this.codes.push(MISSING_CODE);
      else this.pushString((spelling !== null ? (respelt?.get(i) ?? spelling.get(v)) : undefined) ?? formatFloatValue(floatType, v));
    }
  }
}
