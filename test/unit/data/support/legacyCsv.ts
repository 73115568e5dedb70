/**
 * CSV reader: RFC 4180 parsing by csv-parse (quotes, embedded newlines, BOM), header row required, delimiter
 * detected among , ; tab | unless given. Records are consumed one at a time into typed column builders, so memory
 * is the columns themselves plus the distinct strings, never an array of rows.
 *
 * Row numbers in errors are file line numbers where the record starts (the header is line 1), i.e. what an editor
 * or spreadsheet shows.
 */
import { parse as parseStream, CsvError, type InfoRecord, type Options as CsvParseOptions } from 'csv-parse';
import { parse as parseSync } from 'csv-parse/sync';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { asBuffer, isBlank, NulGuard, peekStream } from '../../../../src/data/bytes';
import { SNIFF_BYTES, detectDelimiter } from '../../../../src/data/csv-sniff';
import { DataError } from '../../../../src/data/errors';
import { TableBuilder, type BuildOptions, type RowLocator } from '../../../../src/data/table-builder';
import type { Table } from '../../../../src/data/table';

export interface CsvReadOptions extends BuildOptions {
  /** Skips detection. */
  delimiter?: string;
}

export async function readCsv(input: Buffer | Uint8Array | Readable, opts: CsvReadOptions = {}): Promise<Table> {
  if (input instanceof Uint8Array) return readCsvBuffer(asBuffer(input), opts);
  return readCsvStream(input, opts);
}

/** The synchronous path for bytes already in memory (csv-parse's sync API is about twice as fast as its stream). */
export function readCsvBuffer(buf: Buffer, opts: CsvReadOptions = {}): Table {
  if (isBlank(buf)) throw emptyFile();
  new NulGuard('CSV').check(buf);
  const sample = buf.subarray(0, SNIFF_BYTES);
  const delimiter = opts.delimiter ?? detectDelimiter(sample.toString('utf8'), buf.length <= SNIFF_BYTES);
  const sink = new CsvSink(opts, estimateRows(buf.length, sample));
  try {
    parseSync(buf, parserOptions(delimiter, sink));
  } catch (e) {
    throw sink.translate(e);
  }
  return sink.finish();
}

async function readCsvStream(input: Readable, opts: CsvReadOptions): Promise<Table> {
  const peeked = await peekStream(input, SNIFF_BYTES);
  if (peeked.ended && isBlank(peeked.head)) throw emptyFile();
  const delimiter = opts.delimiter ?? detectDelimiter(peeked.head.toString('utf8'), peeked.ended);
  const sink = new CsvSink(opts);
  // Records are consumed by on_record and never pushed downstream, so the sink only has to drain an empty stream.
  const drain = new Writable({ objectMode: true, write: (_chunk, _enc, done) => done() });
  const guard = new NulGuard('CSV');
  async function* checked() {
    for await (const chunk of peeked.chunks()) {
      guard.check(chunk);
      yield chunk;
    }
  }
  try {
    await pipeline(Readable.from(checked()), parseStream(parserOptions(delimiter, sink)), drain);
  } catch (e) {
    throw sink.translate(e);
  }
  return sink.finish();
}

function parserOptions(delimiter: string, sink: CsvSink): CsvParseOptions {
  return {
    bom: true,
    delimiter,
    // Field counts are checked by the sink so the message can say which line and what was expected.
    relax_column_count: true,
    skip_empty_lines: true,
    on_record: (record: string[], ctx: InfoRecord) => {
      sink.onRecord(record, ctx.lines);
      return null;
    },
  };
}

/** Rows expected from the line length in the sample, slightly over so the columns rarely need to grow. */
function estimateRows(totalBytes: number, sample: Buffer): number {
  let lines = 0;
  for (let i = sample.indexOf(10); i >= 0; i = sample.indexOf(10, i + 1)) lines++;
  if (lines < 2 || sample.length === totalBytes) return 0;
  return Math.ceil((totalBytes / sample.length) * lines * 1.03);
}

function emptyFile(): DataError {
  return new DataError('empty-input', 'the CSV input is empty; expected a header row and at least one data row');
}

/** Receives parsed records, tracks where each starts in the file, and feeds the table builder. */
class CsvSink implements RowLocator {
  private builder: TableBuilder | null = null;
  private header: string[] = [];
  private parserLines = 0;
  /** csv-parse counts a CRLF inside a quoted field as two lines; this many lines of its count are not real. */
  private overcount = 0;
  private recordStart = 0;
  private recordEnd = 0;

  constructor(
    private readonly opts: CsvReadOptions,
    private readonly rowsHint = 0,
  ) {}

  currentRow(): number {
    return this.recordStart;
  }

  onRecord(fields: string[], parserLines: number): void {
    let breaks = 0;
    if (parserLines - this.parserLines > 1) {
      // Only a record spanning lines (or following skipped blank lines) needs its embedded breaks counted.
      const counted = countLineBreaks(fields);
      breaks = counted.breaks;
      this.overcount += counted.crlf;
    }
    this.parserLines = parserLines;
    this.recordEnd = parserLines - this.overcount;
    this.recordStart = this.recordEnd - breaks;

    if (this.builder === null) {
      this.header = fields.map((f, i) => f.trim() || `column_${i + 1}`);
      this.builder = new TableBuilder(this.header, this.opts, 'the header', this.rowsHint);
      return;
    }
    if (fields.length !== this.header.length) {
      // A line holding only spaces is blank to a person, though csv-parse sees one field.
      if (fields.length === 1 && fields[0].trim() === '') return;
      throw this.raggedRow(fields.length);
    }
    this.builder.addRecord(fields, this);
  }

  finish(): Table {
    if (this.builder === null) throw emptyFile();
    const table = this.builder.finish();
    if (table.nrows === 0) {
      const shown = this.header.slice(0, 8).join(', ') + (this.header.length > 8 ? ', …' : '');
      throw new DataError(
        'no-data-rows',
        `the CSV input has a header (${this.header.length} columns: ${shown}) but no data rows`,
      );
    }
    return table;
  }

  private raggedRow(got: number): DataError {
    const expected = this.header.length;
    const hint =
      got > expected
        ? 'a value probably contains the delimiter without being quoted, or the line has a trailing delimiter'
        : 'a value is probably missing, or the line was cut short';
    return new DataError(
      'ragged-row',
      `line ${this.recordStart} has ${got} field${got === 1 ? '' : 's'}, expected ${expected} as in the header; ${hint}`,
      { row: this.recordStart },
    );
  }

  /** Maps csv-parse failures to DataError; passes our own errors through. */
  translate(e: unknown): unknown {
    if (e instanceof DataError || !(e instanceof CsvError)) return e;
    const line = typeof e.lines === 'number' ? e.lines - this.overcount : undefined;
    const quoteAdvice = 'quote values that contain the delimiter, quotes or line breaks, and write a quote inside a quoted value as ""';
    switch (e.code) {
      case 'CSV_QUOTE_NOT_CLOSED': {
        const start = this.recordEnd + 1;
        return new DataError(
          'malformed-quoting',
          `malformed quoting: a quoted field in the record starting at line ${start} is never closed (the input ends at line ${line}); ${quoteAdvice}`,
          { row: start },
        );
      }
      case 'CSV_INVALID_CLOSING_QUOTE':
      case 'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE':
        return new DataError(
          'malformed-quoting',
          `malformed quoting at line ${line}: a closing quote is followed by other characters instead of a delimiter or line end; ${quoteAdvice}`,
          { row: line },
        );
      case 'INVALID_OPENING_QUOTE': {
        const field = typeof e.column === 'number' ? `, field ${e.column + 1}` : '';
        return new DataError(
          'malformed-quoting',
          `malformed quoting at line ${line}${field}: a quote appears inside an unquoted value; ${quoteAdvice}`,
          { row: line },
        );
      }
      default:
        return new DataError('malformed-csv', `cannot parse the CSV at line ${line ?? '?'}: ${e.message}`, {
          row: line,
        });
    }
  }
}

function countLineBreaks(fields: readonly string[]): { breaks: number; crlf: number } {
  let breaks = 0;
  let crlf = 0;
  for (const f of fields) {
    if (f.indexOf('\n') < 0 && f.indexOf('\r') < 0) continue;
    for (let i = 0; i < f.length; i++) {
      const c = f.charCodeAt(i);
      if (c === 13) {
        breaks++;
        if (f.charCodeAt(i + 1) === 10) {
          crlf++;
          i++;
        }
      } else if (c === 10) {
        breaks++;
      }
    }
  }
  return { breaks, crlf };
}
