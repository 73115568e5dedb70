/**
 * Byte-level CSV tokenizer: finds the fields of each record in a Buffer without making strings, so numeric cells
 * can be parsed straight from bytes. It follows what csv-parse (the reader it replaced) did with
 * `{ bom, delimiter, relax_column_count, skip_empty_lines }`, so every file reads as before:
 * - the record delimiter is the first CR LF, LF or CR met outside quotes, and only that sequence ends records
 *   afterwards (a lone CR in an LF file is data);
 * - a field is quoted only when its first byte is a quote; inside, `""` is a quote and line breaks are data; the
 *   closing quote must be followed by the delimiter, the record delimiter or the end of the input;
 * - a quote inside an unquoted field is an error; a line with no bytes is skipped.
 * Line numbers (for messages) count LF, CR LF and lone CR as one break each, quoted or not: what an editor shows.
 *
 * The input arrives in windows (stream chunks); `feed` consumes whole records and returns where the first
 * incomplete one starts, and the caller gives those bytes again with more data after them.
 */
import { DataError } from './errors';

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

export const RD_UNKNOWN = 0;
export const RD_LF = 1;
export const RD_CRLF = 2;
export const RD_CR = 3;
/** Which line break ends records: not yet known, LF, CR LF or CR. */
export type RecordDelimiter = typeof RD_UNKNOWN | typeof RD_LF | typeof RD_CRLF | typeof RD_CR;

/** Receives each complete record: field i is bytes [starts[i], ends[i]) of buf; escaped[i] = 1 when it holds `""`. */
export interface RecordSink {
  record(buf: Buffer, count: number, starts: Int32Array, ends: Int32Array, escaped: Uint8Array, line: number): void;
}

const QUOTE_ADVICE = 'quote values that contain the delimiter, quotes or line breaks, and write a quote inside a quoted value as ""';

export class CsvTokenizer {
  private starts = new Int32Array(256);
  private ends = new Int32Array(256);
  private escaped = new Uint8Array(256);
  /** Line of the next byte to tokenize. */
  line = 1;
  /** The record delimiter, once met (see RecordDelimiter); a tokenizer resuming mid-file is given it. */
  rd: RecordDelimiter = RD_UNKNOWN;
  /** Scratch for parseRecord: the line after the record it just read. */
  private lineAfter = 1;

  constructor(
    private readonly delimiter: number,
    private readonly sink: RecordSink,
  ) {}

  /**
   * Tokenizes the records in buf[pos, end). Returns the offset of the first record not yet complete (end when
   * every byte was used); with `final`, the end of the window is the end of the input.
   */
  feed(buf: Buffer, pos: number, end: number, final: boolean): number {
    while (pos < end) {
      const next = this.parseRecord(buf, pos, end, final);
      if (next < 0) return pos;
      pos = next;
      this.line = this.lineAfter;
    }
    return pos;
  }

  /** Reads one record (or skips one empty line) starting at pos; returns the offset after it, or -1 for more data. */
  private parseRecord(buf: Buffer, pos: number, end: number, final: boolean): number {
    const d = this.delimiter;
    const recordLine = this.line;
    let line = recordLine;
    const c0 = buf[pos];
    if (c0 === LF || c0 === CR) {
      const len = this.recordDelimiterAt(buf, pos, end, final);
      if (len < 0) return -1;
      if (len > 0) {
        this.lineAfter = line + 1;
        return pos + len;
      }
    }
    let count = 0;
    for (;;) {
      let fieldStart: number;
      let fieldEnd: number;
      let esc = 0;
      if (pos < end && buf[pos] === QUOTE) {
        let p = pos + 1;
        for (;;) {
          while (p < end) {
            const c = buf[p];
            if (c === QUOTE) break;
            if (c === LF) {
              if (buf[p - 1] !== CR) line++;
            } else if (c === CR) line++;
            p++;
          }
          if (p >= end) {
            if (!final) return -1;
            throw new DataError(
              'malformed-quoting',
              `malformed quoting: a quoted field in the record starting at line ${recordLine} is never closed (the input ends at line ${line}); ${QUOTE_ADVICE}`,
              { row: recordLine },
            );
          }
          if (p + 1 >= end) {
            if (!final) return -1;
            break; // closing quote at the end of the input
          }
          const n = buf[p + 1];
          if (n === QUOTE) {
            esc = 1;
            p += 2;
            continue;
          }
          if (n === d) break;
          if (n === LF || n === CR) {
            const len = this.recordDelimiterAt(buf, p + 1, end, final);
            if (len < 0) return -1;
            if (len > 0) break;
          }
          throw new DataError(
            'malformed-quoting',
            `malformed quoting at line ${line}: a closing quote is followed by other characters instead of a delimiter or line end; ${QUOTE_ADVICE}`,
            { row: line },
          );
        }
        fieldStart = pos + 1;
        fieldEnd = p;
        pos = p + 1;
      } else {
        let p = pos;
        for (;;) {
          while (p < end) {
            const c = buf[p];
            if (c === d || c === LF || c === CR || c === QUOTE) break;
            p++;
          }
          if (p >= end) break;
          const c = buf[p];
          if (c === d) break;
          if (c === QUOTE) {
            throw new DataError(
              'malformed-quoting',
              `malformed quoting at line ${line}, field ${count + 1}: a quote appears inside an unquoted value; ${QUOTE_ADVICE}`,
              { row: line },
            );
          }
          const len = this.recordDelimiterAt(buf, p, end, final);
          if (len < 0) return -1;
          if (len > 0) break;
          // A line break that is not the record delimiter is data (csv-parse's rule), though it still starts a line.
          if (c === CR ? p + 1 >= end || buf[p + 1] !== LF : buf[p - 1] !== CR) line++;
          p++;
        }
        fieldStart = pos;
        fieldEnd = p;
        pos = p;
      }
      if (count === this.starts.length) this.grow();
      this.starts[count] = fieldStart;
      this.ends[count] = fieldEnd;
      this.escaped[count] = esc;
      count++;
      if (pos >= end) {
        if (!final) return -1;
        this.sink.record(buf, count, this.starts, this.ends, this.escaped, recordLine);
        this.lineAfter = line;
        return pos;
      }
      if (buf[pos] === d) {
        pos++;
        continue;
      }
      // The scan above stopped only at a record delimiter it has measured, so this is one.
      const len = this.recordDelimiterAt(buf, pos, end, final);
      this.sink.record(buf, count, this.starts, this.ends, this.escaped, recordLine);
      this.lineAfter = line + 1;
      return pos + len;
    }
  }

  /** Length of the record delimiter at p (whose byte is CR or LF), 0 when those bytes are data, -1 for more data. */
  private recordDelimiterAt(buf: Buffer, p: number, end: number, final: boolean): number {
    const c = buf[p];
    switch (this.rd) {
      case RD_LF:
        return c === LF ? 1 : 0;
      case RD_CR:
        return c === CR ? 1 : 0;
      case RD_CRLF:
        if (c !== CR) return 0;
        if (p + 1 >= end) return final ? 0 : -1;
        return buf[p + 1] === LF ? 2 : 0;
      default:
        if (c === LF) {
          this.rd = RD_LF;
          return 1;
        }
        if (p + 1 >= end) {
          if (!final) return -1;
          this.rd = RD_CR;
          return 1;
        }
        this.rd = buf[p + 1] === LF ? RD_CRLF : RD_CR;
        return this.rd === RD_CRLF ? 2 : 1;
    }
  }

  private grow(): void {
    const n = this.starts.length * 2;
    const starts = new Int32Array(n);
    starts.set(this.starts);
    const ends = new Int32Array(n);
    ends.set(this.ends);
    const escaped = new Uint8Array(n);
    escaped.set(this.escaped);
    this.starts = starts;
    this.ends = ends;
    this.escaped = escaped;
  }
}

/** A record of one field holding only spaces: blank to a person, so skipped, though the tokenizer sees a field. */
export function isBlankRecord(buf: Buffer, count: number, starts: Int32Array, ends: Int32Array, escaped: Uint8Array): boolean {
  return count === 1 && fieldText(buf, starts[0], ends[0], escaped[0]).trim() === '';
}

/** The text of a field: UTF-8 decoded, `""` unescaped. */
export function fieldText(buf: Buffer, start: number, end: number, escaped: number): string {
  const s = buf.toString('utf8', start, end);
  return escaped ? s.replaceAll('""', '"') : s;
}
