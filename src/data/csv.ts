/**
 * CSV reader: RFC 4180 (quotes, embedded newlines, BOM), header row required, delimiter detected among , ; tab |
 * unless given. The byte-level tokenizer (csv-tokenizer.ts) hands each record's field ranges straight to typed
 * column builders, which parse numbers from the bytes: no string per cell, no array of rows. A stream is read
 * chunk by chunk, so memory is the columns, the distinct strings and one chunk, however large the file.
 *
 * Row numbers in errors are file line numbers where the record starts (the header is line 1), i.e. what an editor
 * or spreadsheet shows.
 */
import type { Readable } from 'node:stream';
import { asBuffer, isBlank, NulGuard, peekStream } from './bytes';
import { SNIFF_BYTES, detectDelimiter } from './csv-sniff';
import { CsvTokenizer, fieldText, type RecordSink } from './csv-tokenizer';
import { DataError } from './errors';
import { TableBuilder, type BuildOptions, type RowLocator } from './table-builder';
import type { Table } from './table';

export interface CsvReadOptions extends BuildOptions {
  /** Skips detection. One ASCII character. */
  delimiter?: string;
  /** Size of the whole input in bytes when known (a file's size), so columns are allocated once, not grown. */
  expectedBytes?: number;
}

/** A Buffer is tokenized in windows of this size, so offsets stay small and the code path is the stream's. */
const WINDOW = 16 * 1024 * 1024;

export async function readCsv(input: Buffer | Uint8Array | Readable, opts: CsvReadOptions = {}): Promise<Table> {
  if (input instanceof Uint8Array) return readCsvBuffer(asBuffer(input), opts);
  return readCsvStream(input, opts);
}

/** The synchronous path for bytes already in memory. */
export function readCsvBuffer(buf: Buffer, opts: CsvReadOptions = {}): Table {
  if (isBlank(buf)) throw emptyFile();
  new NulGuard('CSV').check(buf);
  const sample = buf.subarray(0, SNIFF_BYTES);
  const delimiter = opts.delimiter ?? detectDelimiter(sample.toString('utf8'), buf.length <= SNIFF_BYTES);
  const reader = new CsvReader(opts, delimiter, estimateRows(buf.length, sample));
  for (let i = 0; i < buf.length; i += WINDOW) reader.push(buf.subarray(i, Math.min(buf.length, i + WINDOW)));
  return reader.finish();
}

async function readCsvStream(input: Readable, opts: CsvReadOptions): Promise<Table> {
  const peeked = await peekStream(input, SNIFF_BYTES);
  if (peeked.ended && isBlank(peeked.head)) throw emptyFile();
  const delimiter = opts.delimiter ?? detectDelimiter(peeked.head.toString('utf8'), peeked.ended);
  const reader = new CsvReader(opts, delimiter, opts.expectedBytes ? estimateRows(opts.expectedBytes, peeked.head.subarray(0, SNIFF_BYTES)) : 0);
  const guard = new NulGuard('CSV');
  for await (const chunk of peeked.chunks()) {
    guard.check(chunk);
    reader.push(chunk);
  }
  return reader.finish();
}

/** Rows expected from the line length in the sample, slightly over so the columns rarely need to grow. */
function estimateRows(totalBytes: number, sample: Buffer): number {
  let lines = 0;
  for (let i = sample.indexOf(10); i >= 0; i = sample.indexOf(10, i + 1)) lines++;
  if (lines < 2 || sample.length >= totalBytes) return 0;
  return Math.ceil((totalBytes / sample.length) * lines * 1.03);
}

function emptyFile(): DataError {
  return new DataError('empty-input', 'the CSV input is empty; expected a header row and at least one data row');
}

function delimiterByte(delimiter: string): number {
  const code = delimiter.length === 1 ? delimiter.charCodeAt(0) : -1;
  if (code < 1 || code > 127 || code === 0x22 || code === 0x0a || code === 0x0d) {
    throw new DataError('invalid-argument', `delimiter ${JSON.stringify(delimiter)} is not usable; give one ASCII character other than a quote or a line break`);
  }
  return code;
}

/**
 * Feeds chunks to the tokenizer (re-giving the bytes of a record cut by a chunk boundary) and turns records into
 * the table: the header names the columns, data records go to the builder after their field count is checked.
 */
class CsvReader implements RecordSink, RowLocator {
  private readonly tokenizer: CsvTokenizer;
  private builder: TableBuilder | null = null;
  private header: string[] = [];
  private recordLine = 0;
  private started = false;
  /** Bytes of an incomplete record, and chunks that arrived after it (joined once they outweigh it: linear time). */
  private carry: Buffer | null = null;
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  constructor(
    private readonly opts: CsvReadOptions,
    delimiter: string,
    private readonly rowsHint: number,
  ) {
    this.tokenizer = new CsvTokenizer(delimiterByte(delimiter), this);
  }

  currentRow(): number {
    return this.recordLine;
  }

  push(chunk: Buffer): void {
    if (!this.started) {
      this.started = true;
      if (chunk.length >= 3 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) chunk = chunk.subarray(3);
    }
    if (chunk.length === 0) return;
    let window = chunk;
    if (this.carry !== null) {
      this.pending.push(chunk);
      this.pendingBytes += chunk.length;
      if (this.pendingBytes < this.carry.length) return;
      window = Buffer.concat([this.carry, ...this.pending]);
      this.pending = [];
      this.pendingBytes = 0;
    }
    const used = this.tokenizer.feed(window, 0, window.length, false);
    this.carry = used < window.length ? window.subarray(used) : null;
  }

  finish(): Table {
    const rest = this.carry === null ? this.pending : [this.carry, ...this.pending];
    if (rest.length > 0) {
      const last = rest.length === 1 ? rest[0] : Buffer.concat(rest);
      this.tokenizer.feed(last, 0, last.length, true);
    }
    if (this.builder === null) throw emptyFile();
    const table = this.builder.finish();
    if (table.nrows === 0) {
      const shown = this.header.slice(0, 8).join(', ') + (this.header.length > 8 ? ', …' : '');
      throw new DataError('no-data-rows', `the CSV input has a header (${this.header.length} columns: ${shown}) but no data rows`);
    }
    return table;
  }

  record(buf: Buffer, count: number, starts: Int32Array, ends: Int32Array, escaped: Uint8Array, line: number): void {
    this.recordLine = line;
    if (this.builder === null) {
      for (let i = 0; i < count; i++) this.header.push(fieldText(buf, starts[i], ends[i], escaped[i]).trim() || `column_${i + 1}`);
      this.builder = new TableBuilder(this.header, this.opts, 'the header', this.rowsHint);
      return;
    }
    if (count !== this.header.length) {
      // A line holding only spaces is blank to a person, though the tokenizer sees one field.
      if (count === 1 && fieldText(buf, starts[0], ends[0], escaped[0]).trim() === '') return;
      throw this.raggedRow(count);
    }
    this.builder.addRecordBytes(buf, starts, ends, escaped, this);
  }

  private raggedRow(got: number): DataError {
    const expected = this.header.length;
    const hint =
      got > expected
        ? 'a value probably contains the delimiter without being quoted, or the line has a trailing delimiter'
        : 'a value is probably missing, or the line was cut short';
    return new DataError(
      'ragged-row',
      `line ${this.recordLine} has ${got} field${got === 1 ? '' : 's'}, expected ${expected} as in the header; ${hint}`,
      { row: this.recordLine },
    );
  }
}
