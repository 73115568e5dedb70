/**
 * A CSV parsing thread (see csv-parallel.ts): tokenizes one chunk of whole records into column chunks with the
 * same tokenizer, column builders and value parser as the calling thread, starting from the column states it is
 * told. Any error (a ragged row, a bad value, malformed quoting) is only reported as "not parsed": the calling
 * thread then parses the chunk itself, in order, so the error it throws is the single-threaded reader's, with the
 * same line number.
 */
import { parentPort } from 'node:worker_threads';
import { CsvTokenizer, isBlankRecord, type RecordSink } from './csv-tokenizer';
import { spareBuffers } from './growable';
import { TableBuilder, type RowLocator } from './table-builder';
import type { ChunkResult, ChunkTask } from './csv-parallel';

const NOWHERE: RowLocator = { currentRow: () => 0 };

function parseChunk(t: ChunkTask): ChunkResult {
  const buf = Buffer.from(t.buffer, t.offset, t.length);
  const builder = new TableBuilder(t.names, t.opts, 'the header', t.rowsHint, t.starts);
  const width = t.names.length;
  const sink: RecordSink = {
    record(b, count, starts, ends, escaped) {
      if (count !== width) {
        if (isBlankRecord(b, count, starts, ends, escaped)) return;
        throw new Error('ragged row');
      }
      builder.addRecordBytes(b, starts, ends, escaped, NOWHERE);
    },
  };
  const tokenizer = new CsvTokenizer(t.delimiter, sink);
  tokenizer.rd = t.rd;
  const used = tokenizer.feed(buf, 0, buf.length, t.final);
  if (used !== buf.length) return { id: t.id, ok: false, why: 'the chunk does not end at a record boundary' };
  return { id: t.id, ok: true, rows: builder.nrows, lines: tokenizer.line - 1, columns: builder.exportChunks() };
}

/** Spare buffers kept for the next chunks: about two chunks' columns. */
const MAX_SPARE = 256;

const port = parentPort!;
port.on('message', (t: ChunkTask | { recycle: ArrayBuffer[] }) => {
  if ('recycle' in t) {
    for (const b of t.recycle) if (spareBuffers.length < MAX_SPARE) spareBuffers.push(b);
    return;
  }
  let result: ChunkResult;
  try {
    result = parseChunk(t);
  } catch (e) {
    result = { id: t.id, ok: false, why: e instanceof Error ? e.message : String(e) };
  }
  const transfer: ArrayBuffer[] = [];
  if (result.ok) {
    for (const c of result.columns) {
      const a = c.floats ?? c.codes;
      if (a !== null && !transfer.includes(a.buffer as ArrayBuffer)) transfer.push(a.buffer as ArrayBuffer);
    }
  }
  port.postMessage(result, transfer);
});
port.postMessage({ ready: true });
