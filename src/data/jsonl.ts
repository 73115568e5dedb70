/**
 * JSON Lines reader: one JSON object per line, keys are columns (in order of first appearance; a key missing from a
 * line is a missing cell). JSON numbers and booleans are taken as such; strings go through the same inference as
 * CSV cells (so "2024-01-02" becomes a datetime and "NA" is missing); nested objects and arrays are kept as their
 * JSON text.
 */
import type { Readable } from 'node:stream';
import { asBuffer, NulGuard, nulError } from './bytes';
import { DataError } from './errors';
import { TableBuilder, type BuildOptions, type Cell, type RowLocator } from './table-builder';
import type { Table } from './table';

export type JsonLinesReadOptions = BuildOptions;

export async function readJsonLines(input: Buffer | Uint8Array | Readable, opts: JsonLinesReadOptions = {}): Promise<Table> {
  const reader = new JsonLinesSink(opts);
  const guard = new NulGuard('JSON Lines');
  if (input instanceof Uint8Array) {
    guard.check(input);
    for (const line of splitLines(asBuffer(input))) reader.line(line);
  } else {
    const splitter = new LineSplitter();
    for await (const chunk of input) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : asBuffer(chunk);
      guard.check(bytes);
      for (const line of splitter.push(bytes)) {
        reader.line(line);
      }
    }
    for (const line of splitter.end()) reader.line(line);
  }
  return reader.finish();
}

class JsonLinesSink implements RowLocator {
  private readonly builder: TableBuilder;
  private lineNo = 0;
  private readonly keys: string[] = [];
  private readonly values: Cell[] = [];

  constructor(opts: JsonLinesReadOptions) {
    this.builder = new TableBuilder([], opts, 'a record');
  }

  currentRow(): number {
    return this.lineNo;
  }

  line(text: string): void {
    this.lineNo++;
    if (this.lineNo === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    if (text.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      throw new DataError(
        'malformed-json',
        `line ${this.lineNo} is not valid JSON (${why}); JSON Lines needs one complete JSON object per line`,
        { row: this.lineNo },
      );
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      const got = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
      throw new DataError(
        'malformed-json',
        `line ${this.lineNo} holds ${got}; each line must be a JSON object like {"column": value}`,
        { row: this.lineNo },
      );
    }
    // An escaped NUL ("\u0000") parses into the value; refuse it as the raw byte is refused.
    if (text.includes('u0000') && hasNul(value)) throw nulError('JSON Lines', this.lineNo);
    const keys = this.keys;
    const values = this.values;
    keys.length = 0;
    values.length = 0;
    for (const key in value) {
      const v = (value as Record<string, unknown>)[key];
      keys.push(key);
      values.push(
        v === null || v === undefined
          ? null
          : typeof v === 'object'
            ? JSON.stringify(v)
            : (v as string | number | boolean),
      );
    }
    this.builder.addSparseRecord(keys, values, this);
  }

  finish(): Table {
    if (this.builder.nrows === 0) {
      throw new DataError('empty-input', 'the JSON Lines input has no records; expected one JSON object per line');
    }
    return this.builder.finish();
  }
}

function hasNul(v: unknown): boolean {
  if (typeof v === 'string') return v.includes('\0');
  if (typeof v !== 'object' || v === null) return false;
  for (const [k, x] of Object.entries(v)) if (k.includes('\0') || hasNul(x)) return true;
  return false;
}

function* splitLines(buf: Buffer): Generator<string> {
  let start = 0;
  while (start < buf.length) {
    let end = buf.indexOf(0x0a, start);
    if (end < 0) end = buf.length;
    const stop = end > start && buf[end - 1] === 0x0d ? end - 1 : end;
    yield buf.toString('utf8', start, stop);
    start = end + 1;
  }
}

/** Splits a byte stream on \n; splitting bytes (not text) keeps multi-byte characters whole across chunks. */
class LineSplitter {
  private rest: Buffer = Buffer.alloc(0);

  *push(chunk: Buffer): Generator<string> {
    const buf = this.rest.length ? Buffer.concat([this.rest, chunk]) : chunk;
    const last = buf.lastIndexOf(0x0a);
    if (last < 0) {
      this.rest = buf;
      return;
    }
    yield* splitLines(buf.subarray(0, last + 1));
    this.rest = Buffer.from(buf.subarray(last + 1));
  }

  *end(): Generator<string> {
    if (this.rest.length) yield* splitLines(this.rest);
    this.rest = Buffer.alloc(0);
  }
}
