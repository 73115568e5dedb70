/**
 * CSV reader: RFC 4180 (quotes, embedded newlines, BOM), header row required, delimiter detected among , ; tab |
 * unless given. The byte-level tokenizer (csv-tokenizer.ts) hands each record's field ranges straight to typed
 * column builders, which parse numbers from the bytes: no string per cell, no array of rows. A stream is read
 * chunk by chunk, so memory is the columns, the distinct strings and one chunk, however large the file. A large
 * stream is parsed on several threads (csv-parallel.ts) with the same result, a few chunks in flight.
 *
 * Row numbers in errors are file line numbers where the record starts (the header is line 1), i.e. what an editor
 * or spreadsheet shows.
 */
import type { Readable } from 'node:stream';
import { asBuffer, isBlank, NulGuard, peekStream } from './bytes';
import { SNIFF_BYTES, detectDelimiter } from './csv-sniff';
import { DEFAULT_BLOCK_BYTES, ingestThreads, ThreadedCsvReader, worthThreads, type CsvThreadStats } from './csv-parallel';
import { CsvReader, emptyFile } from './csv-reader';
import type { BuildOptions } from './table-builder';
import type { Table } from './table';

export interface CsvReadOptions extends BuildOptions {
  /** Skips detection. One ASCII character. */
  delimiter?: string;
  /** Size of the whole input in bytes when known (a file's size), so columns are allocated once, not grown. */
  expectedBytes?: number;
  /**
   * Threads that parse a stream (default BOSUN_INGEST_THREADS, else os.availableParallelism()); 1 parses on the
   * calling thread only. The result is the same for any count (csv-parallel.ts). Buffers are parsed on one thread.
   */
  threads?: number;
  /** Bytes of records per chunk a thread parses (default 2 MiB); smaller only to exercise the threads in tests. */
  threadBlockBytes?: number;
  /** Filled with how a threaded read went (chunks appended from threads, parsed here). */
  threadStats?: CsvThreadStats;
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
  const threads = ingestThreads(opts.threads);
  const blockBytes = opts.threadBlockBytes ?? DEFAULT_BLOCK_BYTES;
  if (!worthThreads(threads, opts.expectedBytes ?? 0, blockBytes)) {
    for await (const chunk of peeked.chunks()) {
      guard.check(chunk);
      reader.push(chunk);
    }
    return reader.finish();
  }
  const threaded = new ThreadedCsvReader(reader, threads, blockBytes, opts.threadStats);
  // A known large input starts the threads at once, so they load while this thread parses the first chunks.
  if (opts.expectedBytes) threaded.startThreads();
  try {
    for await (const chunk of peeked.chunks()) {
      try {
        guard.check(chunk);
      } catch (e) {
        await threaded.flush(); // an error in the records before the NUL comes first, as on one thread
        throw e;
      }
      await threaded.push(chunk);
    }
    return await threaded.finish();
  } finally {
    threaded.close();
  }
}

/** Rows expected from the line length in the sample, slightly over so the columns rarely need to grow. */
function estimateRows(totalBytes: number, sample: Buffer): number {
  let lines = 0;
  for (let i = sample.indexOf(10); i >= 0; i = sample.indexOf(10, i + 1)) lines++;
  if (lines < 2 || sample.length >= totalBytes) return 0;
  return Math.ceil((totalBytes / sample.length) * lines * 1.03);
}
