/**
 * The CSV reader's state on the calling thread: the tokenizer, the header and the table being built. Both the
 * single-threaded path (csv.ts) and the threaded one (csv-parallel.ts, which hands it the chunks its threads could
 * not merge) feed it, so a record means the same whichever thread first saw it.
 */
import { CsvTokenizer, fieldText, isBlankRecord, type RecordSink } from './csv-tokenizer';
import { DataError } from './errors';
import { TableBuilder, type BuildOptions, type RowLocator } from './table-builder';
import type { Table } from './table';

export function emptyFile(): DataError {
  return new DataError('empty-input', 'the CSV input is empty; expected a header row and at least one data row');
}

export function delimiterByte(delimiter: string): number {
  const code = delimiter.length === 1 ? delimiter.charCodeAt(0) : -1;
  if (code < 1 || code > 127 || code === 0x22 || code === 0x0a || code === 0x0d) {
    throw new DataError('invalid-argument', `delimiter ${JSON.stringify(delimiter)} is not usable; give one ASCII character other than a quote or a line break`);
  }
  return code;
}

export function raggedRow(line: number, got: number, expected: number): DataError {
  const hint =
    got > expected
      ? 'a value probably contains the delimiter without being quoted, or the line has a trailing delimiter'
      : 'a value is probably missing, or the line was cut short';
  return new DataError('ragged-row', `line ${line} has ${got} field${got === 1 ? '' : 's'}, expected ${expected} as in the header; ${hint}`, { row: line });
}

/**
 * Feeds chunks to the tokenizer (re-giving the bytes of a record cut by a chunk boundary) and turns records into
 * the table: the header names the columns, data records go to the builder after their field count is checked.
 */
export class CsvReader implements RecordSink, RowLocator {
  readonly tokenizer: CsvTokenizer;
  builder: TableBuilder | null = null;
  header: string[] = [];
  readonly delimiter: number;
  private recordLine = 0;
  private started = false;
  /** Bytes of an incomplete record, and chunks that arrived after it (joined once they outweigh it: linear time). */
  private carry: Buffer | null = null;
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  constructor(
    readonly opts: BuildOptions,
    delimiter: string,
    private readonly rowsHint: number,
  ) {
    this.delimiter = delimiterByte(delimiter);
    this.tokenizer = new CsvTokenizer(this.delimiter, this);
  }

  currentRow(): number {
    return this.recordLine;
  }

  push(chunk: Buffer): void {
    if (!this.started) {
      this.started = true;
      chunk = stripBom(chunk);
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
    const used = this.feed(window, false);
    this.carry = used < window.length ? window.subarray(used) : null;
  }

  /** Tokenizes whole records of buf (which starts at a record); returns the bytes used (all of them when final). */
  feed(buf: Buffer, final: boolean): number {
    return this.tokenizer.feed(buf, 0, buf.length, final);
  }

  finish(): Table {
    const rest = this.carry === null ? this.pending : [this.carry, ...this.pending];
    if (rest.length > 0) {
      const last = rest.length === 1 ? rest[0] : Buffer.concat(rest);
      this.feed(last, true);
    }
    return this.table();
  }

  /** The table, once every byte has been fed. */
  table(): Table {
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
      if (isBlankRecord(buf, count, starts, ends, escaped)) return;
      throw raggedRow(line, count, this.header.length);
    }
    this.builder.addRecordBytes(buf, starts, ends, escaped, this);
  }
}

/** The input without its UTF-8 byte order mark. */
export function stripBom(chunk: Buffer): Buffer {
  return chunk.length >= 3 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf ? chunk.subarray(3) : chunk;
}
