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

export type Kind = 'unknown' | 'numeric' | 'boolean' | 'datetime' | 'string';

/**
 * How a column stands where a chunk parsed on another thread begins (csv-parallel.ts): its kind so far, and whether
 * it still records first spellings. Kinds only move from unknown to a kind and from a kind to string, and a dropped
 * spelling map never comes back, so a chunk told this state at dispatch can still be merged after later chunks.
 */
export interface ColumnStart {
  kind: Kind;
  spelling: boolean;
}

/**
 * What a ColumnBuilder made of one chunk of rows, to be appended to the column built from the rows before it
 * (appendChunk). Plain data, so it crosses threads; the arrays are transferred.
 */
export interface ColumnChunk {
  rows: number;
  missing: number;
  /** The kind of the chunk's first non-missing cell (or the kind it started with); 'unknown' when all missing. */
  classified: Kind;
  /** The kind changed after `classified` (a cell did not fit): the chunk's re-encoding used its own spellings. */
  changed: boolean;
  kind: Kind;
  floats: Float64Array | null;
  codes: Int32Array | null;
  levels: string[] | null;
  /** First spelling of each value, in the order first met; null once more than SPELLING_CAP were met. */
  spelling: Array<[number, string]> | null;
  /** Row in the chunk → its text, for boolean and datetime cells spelt unlike the chunk's first spelling. */
  respelt: Array<[number, string]> | null;
}

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
  /** The first kind a non-missing cell gave (or the starting kind), and whether the kind changed since. */
  private classified: Kind;
  private changed = false;

  constructor(
    readonly name: string,
    private readonly missing: MissingMatcher,
    private readonly infer: InferOptions = {},
    private readonly declared?: DeclaredType,
    /** Expected row count, so storage is allocated once instead of grown by doubling. */
    private readonly capacityHint = 0,
    /** Where this builder's rows sit in a column begun elsewhere (a chunk on another thread). */
    start?: ColumnStart,
  ) {
    this.kind = declared ? kindOf(declared.type) : (start?.kind ?? 'unknown');
    this.classified = this.kind;
    if (this.kind !== 'unknown') this.allocate(0);
    if (start !== undefined && !start.spelling) this.spelling = null;
  }

  /** The state a chunk parsed elsewhere starts from when it follows the rows added so far. */
  startState(): ColumnStart {
    return { kind: this.kind, spelling: this.spelling !== null };
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
        this.remember(n, cell, this.floats!.length - 1);
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
        this.remember(b, cell, this.floats!.length - 1);
        return;
      }
      case 'datetime': {
        const t = datetimeText(cell, this.missing);
        if (t === undefined) {
          return this.mismatch(cell, 'is not an ISO 8601 date or date-time (e.g. 2024-03-01 or 2024-03-01T10:20:30Z)');
        }
        if (t !== t) return this.pushMissing();
        this.floats!.push(t);
        this.remember(t, cell, this.floats!.length - 1);
        return;
      }
      case 'unknown':
        if (this.missing.isMissing(cell)) return this.pushMissing();
        this.kind = classifyCell(cell);
        this.classified = this.kind;
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
            if (spelling !== null && !spelling.has(n)) this.remember(n, b.toString('utf8', start, end), this.floats!.length - 1);
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

  /** The rows added so far as a chunk for another builder's appendChunk; this builder must not be used afterwards. */
  exportChunk(): ColumnChunk {
    return {
      rows: this.rows,
      missing: this.missingCount,
      classified: this.classified,
      changed: this.changed,
      kind: this.kind,
      floats: this.floats?.finish() ?? null,
      codes: this.codes?.finish() ?? null,
      levels: this.codes !== null ? this.levels : null,
      spelling: this.spelling !== null ? [...this.spelling] : null,
      respelt: this.respelt !== null ? [...this.respelt] : null,
    };
  }

  /**
   * Whether appendChunk would give exactly the column that pushing the chunk's cells here one by one gives. It
   * does not when the chunk's kind changed inside it (its re-encoded text came from its own spellings, not the
   * column's), when the chunk's kind is not this column's and not text (a string column's cells would need their
   * text, which a float chunk no longer has), or when this column tracks boolean/datetime spellings and the chunk
   * stopped tracking its own. The caller then parses the chunk's bytes here instead.
   */
  canAppend(c: ColumnChunk): boolean {
    if (c.classified === 'unknown' || this.kind === 'unknown') return true;
    if (c.changed) return false;
    if (c.classified === this.kind) return this.kind === 'numeric' || this.kind === 'string' || this.spelling === null || c.spelling !== null;
    // A cell the inference calls text fits no float kind, so the column would have turned to strings there.
    return c.classified === 'string' && this.declared === undefined;
  }

  /** Appends a chunk that canAppend accepted. */
  appendChunk(c: ColumnChunk): void {
    if (c.classified === 'unknown') {
      // Every cell missing; pushMissing's bookkeeping for c.rows cells.
      this.missingCount += c.rows;
      if (this.floats) this.floats.fill(NaN, c.rows);
      else if (this.codes) this.codes.fill(MISSING_CODE, c.rows);
      else this.untypedRows += c.rows;
      return;
    }
    const base = this.rows;
    const adopted = this.kind === 'unknown';
    if (adopted) {
      // Only missing cells so far: the chunk went exactly as this column would have, its own state included.
      this.kind = c.kind;
      this.classified = c.classified;
      this.allocate(base);
      this.spelling = c.spelling !== null && c.kind !== 'string' ? new Map(c.spelling) : null;
      if (c.respelt !== null) this.respelt = new Map(c.respelt.map(([r, t]) => [base + r, t]));
    } else if (this.kind !== c.kind) this.demoteToString();
    this.missingCount += c.missing;
    if (this.kind === 'string') return this.appendCodes(c.codes!, c.levels!);
    const floats = c.floats!;
    this.floats!.append(floats);
    if (adopted || this.spelling === null) return;
    if (c.spelling === null) {
      // The chunk met more than SPELLING_CAP distinct values, so together they did too (numeric; see canAppend).
      this.spelling = null;
      return;
    }
    if (this.kind === 'numeric') {
      // Only the first spelling of each value matters for numbers: replaying the chunk's in order is the same.
      for (const [v, text] of c.spelling) {
        if (!this.spelling.has(v)) this.remember(v, text, -1);
        if (this.spelling === null) return;
      }
      return;
    }
    // Boolean or datetime: every row's own text, replayed against this column's first spellings.
    const first = new Map(c.spelling);
    const own = c.respelt !== null ? new Map(c.respelt) : null;
    for (let r = 0; r < floats.length && this.spelling !== null; r++) {
      const v = floats[r];
      if (v === v) this.remember(v, own?.get(r) ?? first.get(v)!, base + r);
    }
  }

  private appendCodes(codes: Int32Array, levels: readonly string[]): void {
    const map = new Int32Array(levels.length);
    for (let l = 0; l < levels.length; l++) {
      const s = levels[l];
      let code = this.dict!.get(s);
      if (code === undefined) {
        code = this.levels.length;
        this.levels.push(s);
        this.dict!.set(s, code);
      }
      map[l] = code;
    }
    const out = this.codes!;
    for (let i = 0; i < codes.length; i++) {
      const k = codes[i];
      out.push(k < 0 ? MISSING_CODE : map[k]);
    }
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

  private remember(value: number, cell: string, row: number): void {
    const spelling = this.spelling;
    if (spelling === null) return;
    const first = spelling.get(value);
    if (first !== undefined) {
      if (this.kind === 'numeric' || first === cell) return;
      const text = hasOuterSpace(cell) ? cell.trim() : cell;
      if (text === first) return;
      this.respelt ??= new Map();
      if (this.respelt.size >= SPELLING_CAP) this.spelling = null;
      else this.respelt.set(row, text);
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
    this.changed = true;
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
