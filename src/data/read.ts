/**
 * One entry point for every supported format. The format is taken from, in order: the caller, the file name's
 * extension, the content (Parquet magic bytes, a leading `{` for JSON Lines, else CSV). Gzip-compressed input
 * (`.gz`, or gzip magic bytes) is decompressed first.
 */
import { Readable } from 'node:stream';
import zlib from 'node:zlib';
import { asBuffer, isBlank, peekStream, type ByteSource } from './bytes';
import { readCsv, type CsvReadOptions } from './csv';
import { DataError } from './errors';
import { readJsonLines } from './jsonl';
import { readParquet } from './parquet';
import type { Table } from './table';

export const TABLE_FORMATS = ['csv', 'tsv', 'jsonl', 'parquet'] as const;
export type TableFormat = (typeof TABLE_FORMATS)[number];

export interface ReadTableOptions extends CsvReadOptions {
  /** Default 'auto'. */
  format?: TableFormat | 'auto';
  /** Used for extension-based detection and in messages. */
  fileName?: string;
}

const EXTENSIONS: Record<string, TableFormat> = {
  csv: 'csv',
  txt: 'csv',
  tsv: 'tsv',
  tab: 'tsv',
  jsonl: 'jsonl',
  ndjson: 'jsonl',
  parquet: 'parquet',
  pq: 'parquet',
};

const UNSUPPORTED_EXTENSIONS: Record<string, string> = {
  xlsx: 'Excel workbooks are not supported; export the sheet as CSV',
  xls: 'Excel workbooks are not supported; export the sheet as CSV',
  json: 'plain .json is not supported; write one JSON object per line as JSON Lines (.jsonl)',
  feather: 'Feather/Arrow files are not supported; write Parquet or CSV',
  arrow: 'Feather/Arrow files are not supported; write Parquet or CSV',
  avro: 'Avro files are not supported; write Parquet or CSV',
  orc: 'ORC files are not supported; write Parquet or CSV',
};

const SNIFF = 4096;

export async function readTable(input: ByteSource, formatOrOptions?: TableFormat | 'auto' | ReadTableOptions): Promise<Table> {
  const opts: ReadTableOptions = typeof formatOrOptions === 'string' ? { format: formatOrOptions } : (formatOrOptions ?? {});
  const requested = opts.format ?? 'auto';
  if (requested !== 'auto' && !(TABLE_FORMATS as readonly string[]).includes(requested)) {
    throw new DataError('unknown-format', `unknown format "${requested}"; use one of ${TABLE_FORMATS.join(', ')} or auto`);
  }
  const fileName = opts.fileName?.replace(/\.gz$/i, '');

  let source: Buffer | Readable;
  let head: Buffer;
  if (input instanceof Uint8Array) {
    source = asBuffer(input);
    if (isGzip(source)) source = gunzip(source, opts.fileName);
    head = source.subarray(0, SNIFF);
  } else {
    const peeked = await peekStream(input, SNIFF);
    if (isGzip(peeked.head)) {
      const inflated = Readable.from(peeked.chunks()).pipe(zlib.createGunzip());
      const again = await peekStream(inflated, SNIFF);
      source = Readable.from(again.chunks());
      head = again.head;
    } else {
      source = Readable.from(peeked.chunks());
      head = peeked.head;
    }
  }
  if (head.length === 0) throw new DataError('empty-input', `${describe(opts.fileName)} is empty`);

  const format = requested === 'auto' ? detectFormat(head, fileName) : requested;
  switch (format) {
    case 'csv':
      return readCsv(source, opts);
    case 'tsv':
      return readCsv(source, { ...opts, delimiter: opts.delimiter ?? '\t' });
    case 'jsonl':
      return readJsonLines(source, opts);
    case 'parquet':
      return readParquet(source, opts);
  }
}

/** The format of a file from its name (if it has a known extension) or its first bytes. */
export function detectFormat(head: Uint8Array, fileName?: string): TableFormat {
  const ext = fileName?.toLowerCase().match(/\.([a-z0-9]+)$/)?.[1];
  if (ext !== undefined) {
    const known = EXTENSIONS[ext];
    // A Parquet file misnamed .csv would otherwise produce a confusing CSV error.
    if (known !== undefined) return known === 'parquet' || !isParquet(head) ? known : 'parquet';
    const unsupported = UNSUPPORTED_EXTENSIONS[ext];
    if (unsupported !== undefined) throw new DataError('unknown-format', `${describe(fileName)}: ${unsupported}`);
  }
  if (isParquet(head)) return 'parquet';
  const first = firstNonSpace(head);
  if (first === 0x7b) return 'jsonl'; // {
  if (first === 0x5b) {
    throw new DataError(
      'unknown-format',
      `${describe(fileName)} looks like a JSON array; write one JSON object per line (JSON Lines) instead`,
    );
  }
  if (isBinary(head)) {
    throw new DataError(
      'unknown-format',
      `${describe(fileName)} is binary data in an unknown format; supported formats are CSV/TSV, JSON Lines and Parquet`,
    );
  }
  if (isBlank(head)) throw new DataError('empty-input', `${describe(fileName)} holds only whitespace`);
  return 'csv';
}

function describe(fileName: string | undefined): string {
  return fileName ? `"${fileName}"` : 'the input';
}

function isParquet(head: Uint8Array): boolean {
  return head.length >= 4 && head[0] === 0x50 && head[1] === 0x41 && head[2] === 0x52 && head[3] === 0x31;
}

function isGzip(head: Uint8Array): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

function gunzip(buf: Buffer, fileName: string | undefined): Buffer {
  try {
    return zlib.gunzipSync(buf);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new DataError('unknown-format', `${describe(fileName)} starts like gzip but cannot be decompressed (${why})`);
  }
}

function firstNonSpace(head: Uint8Array): number | undefined {
  let i = head.length >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  for (; i < head.length; i++) {
    const b = head[i];
    if (b !== 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) return b;
  }
  return undefined;
}

/** NUL bytes or many control characters: not text. */
function isBinary(head: Uint8Array): boolean {
  let control = 0;
  for (let i = 0; i < head.length; i++) {
    const b = head[i];
    if (b === 0) return true;
    if (b < 0x09 || (b > 0x0d && b < 0x20)) control++;
  }
  return control > head.length * 0.1;
}
