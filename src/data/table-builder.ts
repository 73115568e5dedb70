/**
 * Assembles a Table from records of text cells, shared by the CSV and JSON Lines readers: owns the column
 * builders, applies a declared schema, and turns cell coercion failures into errors naming column and row.
 */
import { CellError, ColumnBuilder, type ColumnChunk, type ColumnStart, type DeclaredType } from './column-builder';
import { fieldText } from './csv-tokenizer';
import { DataError } from './errors';
import { MissingMatcher, type InferOptions } from './infer';
import { parseSchemaSpec, type SchemaSpecInput } from './schema';
import type { Table } from './table';

export interface BuildOptions extends InferOptions {
  /** Declared column types; overrides inference for the columns it lists. */
  schema?: SchemaSpecInput;
}

/** Where the record being added sits in the source, computed only when an error needs it. */
export interface RowLocator {
  currentRow(): number;
}

export class TableBuilder {
  readonly columns: ColumnBuilder[] = [];
  private readonly index = new Map<string, number>();
  private readonly declared = new Map<string, DeclaredType>();
  private readonly strict: boolean;
  private readonly missing: MissingMatcher;
  nrows = 0;

  constructor(
    names: readonly string[],
    private readonly opts: BuildOptions = {},
    /** Describes where column names come from, for messages. */
    private readonly headerPlace = 'the header',
    /** Expected row count, if the reader can estimate it. */
    private readonly capacityHint = 0,
    /** Per column, where these rows sit in a table begun elsewhere (a chunk parsed on another thread). */
    private readonly starts?: readonly ColumnStart[],
  ) {
    this.missing = new MissingMatcher(opts.missingValues);
    const spec = parseSchemaSpec(opts.schema);
    this.strict = spec?.strict ?? false;
    for (const c of spec?.columns ?? []) this.declared.set(c.name, { type: c.type, nullable: c.nullable });
    for (const name of names) this.addColumn(name);
  }

  /** Adds a column (JSON Lines discovers keys as it goes); earlier rows get missing cells. */
  addColumn(name: string): number {
    const previous = this.index.get(name);
    if (previous !== undefined) {
      throw new DataError(
        'duplicate-column',
        `column name "${name}" appears twice in ${this.headerPlace} (columns ${previous + 1} and ${this.columns.length + 1}); rename one of them`,
        { column: name },
      );
    }
    if (this.strict && !this.declared.has(name)) {
      throw new DataError(
        'schema-mismatch',
        `column "${name}" is not declared in the schema, which is strict; declare it or set strict: false`,
        { column: name },
      );
    }
    const builder = new ColumnBuilder(name, this.missing, this.opts, this.declared.get(name), this.capacityHint, this.starts?.[this.columns.length]);
    builder.backfill(this.nrows);
    this.index.set(name, this.columns.length);
    this.columns.push(builder);
    return this.columns.length - 1;
  }

  columnIndex(name: string): number | undefined {
    return this.index.get(name);
  }

  /** Appends one record whose cells are in column order; the caller has checked the field count. */
  addRecord(fields: readonly string[], where: RowLocator): void {
    const cols = this.columns;
    let i = 0;
    try {
      for (; i < cols.length; i++) cols[i].push(fields[i]);
    } catch (e) {
      throw this.cellFailure(e, i, where);
    }
    this.nrows++;
  }

  /**
   * Appends one record whose cells are byte ranges of `buf` in column order (the CSV reader); a cell with
   * escaped[i] set holds doubled quotes and is decoded first. The caller has checked the field count.
   */
  addRecordBytes(buf: Buffer, starts: Int32Array, ends: Int32Array, escaped: Uint8Array, where: RowLocator): void {
    const cols = this.columns;
    let i = 0;
    try {
      for (; i < cols.length; i++) {
        if (escaped[i] === 0) cols[i].pushBytes(buf, starts[i], ends[i]);
        else cols[i].push(fieldText(buf, starts[i], ends[i], 1));
      }
    } catch (e) {
      throw this.cellFailure(e, i, where);
    }
    this.nrows++;
  }

  /**
   * Appends one record given as parallel keys and values (JSON Lines, where keys vary by line); columns the record
   * does not mention get a missing cell, and unseen keys become new columns.
   */
  addSparseRecord(keys: readonly string[], values: readonly Cell[], where: RowLocator): void {
    let col = -1;
    try {
      for (let k = 0; k < keys.length; k++) {
        col = this.index.get(keys[k]) ?? this.addColumn(keys[k]);
        const builder = this.columns[col];
        const v = values[k];
        if (v === null) builder.pushMissing();
        else if (typeof v === 'number') builder.pushNumber(v);
        else if (typeof v === 'boolean') builder.pushBoolean(v);
        else builder.push(v);
      }
      for (col = 0; col < this.columns.length; col++) {
        if (this.columns[col].rows === this.nrows) this.columns[col].pushMissing();
      }
    } catch (e) {
      throw this.cellFailure(e, col, where);
    }
    this.nrows++;
  }

  /** Each column's state, for a chunk that another thread parses to follow the rows added so far. */
  startStates(): ColumnStart[] {
    return this.columns.map((c) => c.startState());
  }

  /** The rows added so far, one chunk per column, for appendChunks; this builder must not be used afterwards. */
  exportChunks(): ColumnChunk[] {
    return this.columns.map((c) => c.exportChunk());
  }

  /**
   * Appends `rows` rows parsed elsewhere, all columns or none: false (nothing changed) when a column cannot take
   * its chunk exactly as if the cells had been added here (ColumnBuilder.canAppend), so the caller parses them here.
   */
  appendChunks(chunks: readonly ColumnChunk[], rows: number): boolean {
    const cols = this.columns;
    if (chunks.length !== cols.length) return false;
    for (let i = 0; i < cols.length; i++) if (chunks[i].rows !== rows || !cols[i].canAppend(chunks[i])) return false;
    for (let i = 0; i < cols.length; i++) cols[i].appendChunk(chunks[i]);
    this.nrows += rows;
    return true;
  }

  finish(): Table {
    for (const name of this.declared.keys()) {
      if (!this.index.has(name)) {
        const have = [...this.index.keys()].map((n) => `"${n}"`).join(', ');
        throw new DataError(
          'schema-mismatch',
          `the schema declares column "${name}", but the data has no such column (columns: ${have}); fix the name or remove it from the schema`,
          { column: name },
        );
      }
    }
    return { nrows: this.nrows, columns: this.columns.map((c) => c.finish()) };
  }

  private cellFailure(e: unknown, columnIndex: number, where: RowLocator): unknown {
    if (!(e instanceof CellError)) return e;
    const name = this.columns[columnIndex]?.name ?? `#${columnIndex + 1}`;
    const row = where.currentRow();
    return new DataError('invalid-value', `column "${name}", row ${row}: ${e.reason}`, { row, column: name });
  }
}

/** A typed cell from a self-describing format; null is missing. Strings go through inference like CSV cells. */
export type Cell = string | number | boolean | null;
