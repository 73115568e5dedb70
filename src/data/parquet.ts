/**
 * Parquet reader (hyparquet). Parquet is typed, so types come from the file, not from inference:
 * integers, floats and decimals are numeric (INT64 beyond 2^53 loses precision), BOOLEAN is boolean, DATE and
 * TIMESTAMP are datetime (epoch ms, sub-millisecond digits kept as a fraction), strings are categorical or text by
 * cardinality (read by the value parser like CSV cells: trimmed, and "NA" and the other missing tokens are missing, so
 * a string means the same whatever format trained the model and at serving), nested columns (lists, maps,
 * structs) are text holding their JSON. A declared schema still wins: declared columns are converted from their
 * text form with the same coercion rules as CSV.
 *
 * Parquet needs random access (the footer is at the end), so a stream is first read into memory.
 * Compression: snappy and uncompressed natively, gzip and brotli through node:zlib.
 */
import { parquetMetadata, parquetRead, parquetSchema, type Compressors, type FileMetaData } from 'hyparquet';
import type { Readable } from 'node:stream';
import zlib from 'node:zlib';
import { asBuffer, readAll } from './bytes';
import { CellError, ColumnBuilder, type DeclaredType } from './column-builder';
import { DataError } from './errors';
import { chooseStringType, formatFloatValue, type InferOptions } from './infer';
import { parseSchemaSpec } from './schema';
import type { BuildOptions } from './table-builder';
import { MISSING_CODE, type Column, type Table } from './table';
import { MissingMatcher, stringText } from './values';

export type ParquetReadOptions = BuildOptions;

type SchemaNode = ReturnType<typeof parquetSchema>;
type NativeKind = 'numeric' | 'boolean' | 'datetime' | 'string' | 'json';

const MAGIC = Buffer.from('PAR1');

export async function readParquet(input: Buffer | Uint8Array | Readable, opts: ParquetReadOptions = {}): Promise<Table> {
  const buf = input instanceof Uint8Array ? asBuffer(input) : await readAll(input);
  if (buf.length === 0) throw new DataError('empty-input', 'the Parquet input is empty');
  if (buf.length < 12 || !buf.subarray(0, 4).equals(MAGIC) || !buf.subarray(buf.length - 4).equals(MAGIC)) {
    throw new DataError(
      'malformed-parquet',
      'the input is not a complete Parquet file (the PAR1 marker is missing at the start or end); it may be truncated or in another format',
    );
  }
  const file = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length) as ArrayBuffer;
  let metadata: FileMetaData;
  try {
    metadata = parquetMetadata(file);
  } catch (e) {
    throw new DataError('malformed-parquet', `cannot read the Parquet footer: ${messageOf(e)}; the file may be corrupt`);
  }
  const nrows = Number(metadata.num_rows);
  const fields = parquetSchema(metadata).children;
  const spec = parseSchemaSpec(opts.schema);
  const declared = new Map<string, DeclaredType>(spec?.columns.map((c) => [c.name, c]) ?? []);
  checkDeclaredColumns(fields.map((f) => f.element.name), declared, spec?.strict ?? false);

  const missing = new MissingMatcher(opts.missingValues);
  const sinks = new Map<string, ColumnSink>();
  for (const field of fields) {
    const name = field.element.name;
    const d = declared.get(name);
    sinks.set(name, d ? new DeclaredSink(name, nativeKind(field), new ColumnBuilder(name, missing, opts, d)) : new NativeSink(name, nativeKind(field), nrows, opts, missing));
  }
  if (nrows === 0) throw new DataError('no-data-rows', `the Parquet file has ${fields.length} columns but no rows`);

  // hyparquet calls onChunk from a promise callback whose rejection nobody awaits, so a throw there would be an
  // unhandled rejection: remember the first failure and raise it once the read settles.
  let failure: unknown;
  try {
    await parquetRead({
      file,
      metadata,
      compressors: COMPRESSORS,
      parsers: EPOCH_MS_PARSERS,
      onChunk: (chunk) => {
        if (failure !== undefined) return;
        try {
          sinks.get(chunk.columnName)?.write(chunk.columnData, chunk.rowStart);
        } catch (e) {
          failure = e;
        }
      },
    });
  } catch (e) {
    if (e instanceof DataError) throw e;
    throw new DataError('malformed-parquet', `cannot read the Parquet data: ${messageOf(e)}`);
  }
  if (failure !== undefined) throw failure;
  const columns = fields.map((f) => sinks.get(f.element.name)!.finish());
  return { nrows, columns };
}

function checkDeclaredColumns(names: string[], declared: Map<string, DeclaredType>, strict: boolean): void {
  const have = new Set(names);
  for (const name of declared.keys()) {
    if (!have.has(name)) {
      throw new DataError(
        'schema-mismatch',
        `the schema declares column "${name}", but the Parquet file has no such column (columns: ${names.map((n) => `"${n}"`).join(', ')})`,
        { column: name },
      );
    }
  }
  if (strict) {
    const extra = names.find((n) => !declared.has(n));
    if (extra !== undefined) {
      throw new DataError('schema-mismatch', `column "${extra}" is not declared in the schema, which is strict`, {
        column: extra,
      });
    }
  }
}

function nativeKind(field: SchemaNode): NativeKind {
  const el = field.element;
  if (field.children.length > 0) return 'json';
  const logical = el.logical_type?.type;
  const converted = el.converted_type;
  if (logical === 'DATE' || logical === 'TIMESTAMP' || converted === 'DATE' || converted?.startsWith('TIMESTAMP')) {
    return 'datetime';
  }
  if (el.type === 'INT96') return 'datetime';
  if (el.type === 'BOOLEAN') return 'boolean';
  if (logical === 'STRING' || logical === 'ENUM' || logical === 'UUID' || converted === 'UTF8' || converted === 'ENUM') {
    return 'string';
  }
  if (logical === 'JSON' || converted === 'JSON') return 'json';
  if (el.type === 'INT32' || el.type === 'INT64' || el.type === 'FLOAT' || el.type === 'DOUBLE') return 'numeric';
  if (converted === 'DECIMAL' || logical === 'DECIMAL' || logical === 'FLOAT16') return 'numeric';
  return 'string';
}

const EPOCH_MS_PARSERS = {
  timestampFromMilliseconds: (v: bigint) => Number(v),
  timestampFromMicroseconds: (v: bigint) => Number(v) / 1e3,
  timestampFromNanoseconds: (v: bigint) => Number(v) / 1e6,
  dateFromDays: (days: number) => days * 86_400_000,
};

const COMPRESSORS: Compressors = {
  GZIP: (input) => new Uint8Array(zlib.unzipSync(input)),
  BROTLI: (input) => new Uint8Array(zlib.brotliDecompressSync(input)),
  ZSTD: (input) => {
    const zstd = (zlib as unknown as { zstdDecompressSync?: (b: Uint8Array) => Buffer }).zstdDecompressSync;
    if (!zstd) throw unsupportedCodec('ZSTD');
    return new Uint8Array(zstd(input));
  },
  LZ4: () => {
    throw unsupportedCodec('LZ4');
  },
  LZ4_RAW: () => {
    throw unsupportedCodec('LZ4_RAW');
  },
  LZO: () => {
    throw unsupportedCodec('LZO');
  },
};

function unsupportedCodec(codec: string): DataError {
  return new DataError(
    'malformed-parquet',
    `the Parquet file uses ${codec} compression, which this reader does not support; rewrite it with snappy, gzip or no compression`,
  );
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

interface ColumnSink {
  write(values: ArrayLike<unknown>, rowStart: number): void;
  finish(): Column;
}

/** Converts a Parquet value to the number a float column stores, NaN for null. */
function toFloat(v: unknown): number {
  if (v === null || v === undefined) return NaN;
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v instanceof Date) return v.getTime();
  return Number(v);
}

function toText(v: unknown, kind: NativeKind): string {
  if (typeof v === 'string') return v;
  if (kind === 'datetime' || kind === 'boolean') return formatFloatValue(kind, toFloat(v));
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'object') return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x));
  return String(v);
}

/**
 * Hands chunks to `consume` in row order. hyparquet resolves each row group's column chunk separately, so arrival
 * order is not guaranteed, and string levels must be numbered in row order for the table to be reproducible.
 */
abstract class OrderedSink implements ColumnSink {
  private next = 0;
  private readonly pending = new Map<number, ArrayLike<unknown>>();

  write(data: ArrayLike<unknown>, rowStart: number): void {
    this.pending.set(rowStart, data);
    for (let chunk = this.pending.get(this.next); chunk !== undefined; chunk = this.pending.get(this.next)) {
      this.pending.delete(this.next);
      this.consume(chunk, this.next);
      this.next += chunk.length;
    }
  }

  protected abstract consume(data: ArrayLike<unknown>, rowStart: number): void;
  abstract finish(): Column;
}

/** Parquet-typed storage, preallocated for the file's row count. */
class NativeSink extends OrderedSink {
  private readonly values: Float64Array | null = null;
  private readonly codes: Int32Array | null = null;
  private readonly dict = new Map<string, number>();
  private readonly levels: string[] = [];

  constructor(
    private readonly name: string,
    private readonly kind: NativeKind,
    nrows: number,
    private readonly infer: InferOptions,
    private readonly missing: MissingMatcher,
  ) {
    super();
    if (kind === 'string' || kind === 'json') this.codes = new Int32Array(nrows).fill(MISSING_CODE);
    else this.values = new Float64Array(nrows).fill(NaN);
  }

  protected consume(data: ArrayLike<unknown>, rowStart: number): void {
    if (this.values) {
      for (let i = 0; i < data.length; i++) this.values[rowStart + i] = toFloat(data[i]);
      return;
    }
    const codes = this.codes!;
    for (let i = 0; i < data.length; i++) {
      const v = data[i];
      if (v === null || v === undefined) continue;
      // A string goes through the value parser as a CSV cell would (trimmed, missing tokens), so serving, which
      // cannot tell what format a model was trained from, reads a request's string the same way.
      const s = this.kind === 'string' ? stringText(toText(v, this.kind), this.missing) : toText(v, this.kind);
      if (s === null) continue;
      let code = this.dict.get(s);
      if (code === undefined) {
        code = this.levels.length;
        this.levels.push(s);
        this.dict.set(s, code);
      }
      codes[rowStart + i] = code;
    }
  }

  finish(): Column {
    if (this.values) return { name: this.name, type: this.kind as 'numeric' | 'boolean' | 'datetime', values: this.values };
    const codes = this.codes!;
    let missing = 0;
    for (let i = 0; i < codes.length; i++) if (codes[i] < 0) missing++;
    const type = this.kind === 'json' ? 'text' : chooseStringType(this.levels.length, codes.length - missing, this.infer);
    return { name: this.name, type, codes, levels: this.levels };
  }
}

/** Feeds a declared column's values, as text, through the same coercion as CSV cells. */
class DeclaredSink extends OrderedSink {
  constructor(
    private readonly name: string,
    private readonly kind: NativeKind,
    private readonly builder: ColumnBuilder,
  ) {
    super();
  }

  protected consume(data: ArrayLike<unknown>, rowStart: number): void {
    for (let i = 0; i < data.length; i++) {
      const v = data[i];
      try {
        if (v === null || v === undefined) this.builder.pushMissing();
        else this.builder.push(toText(v, this.kind));
      } catch (e) {
        if (!(e instanceof CellError)) throw e;
        const row = rowStart + i + 1;
        throw new DataError('invalid-value', `column "${this.name}", row ${row}: ${e.reason}`, { row, column: this.name });
      }
    }
  }

  finish(): Column {
    return this.builder.finish();
  }
}
