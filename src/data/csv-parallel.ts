/**
 * CSV parsing on several threads, with the single-threaded reader's result: the same types, values, row order and
 * errors (same line numbers), and memory still bounded by a few chunks, however large the stream.
 *
 * The calling thread reads the stream, cuts it into chunks of whole records (about `blockBytes` each) and hands
 * them to the parsing threads in turn, at most two per thread in flight. Each chunk comes back as column chunks
 * (ColumnBuilder.exportChunk) and is appended in stream order. A thread starts a chunk from the columns' state
 * when it was sent (kind, whether first spellings are still kept); when the columns moved on meanwhile in a way
 * the merge cannot reproduce exactly (a type widened inside the chunk, a float chunk met a column turned to text;
 * see ColumnBuilder.canAppend), or the thread failed on the chunk for any reason (a bad value, a ragged row, a
 * crash), the calling thread parses that chunk's bytes itself, at the same point of the sequence, so what it
 * builds or throws is what the single-threaded reader builds or throws there. Before the threads have started,
 * and for the header, the calling thread parses too.
 *
 * Record boundaries: a quoted field can hold line breaks, so a chunk ends at the last line break outside quotes,
 * found by quote parity from the chunk's start (which is a record start). Parity is exact for every input the
 * tokenizer accepts (a quote opens only at a field's start, `""` inside is two quotes, a closing quote must be
 * followed by a delimiter or a line end, anything else is an error). On input it rejects, the chunk holding the
 * first fault still starts at a true record boundary, so the fault is met there; a chunk the calling thread cannot
 * parse to its end (cut inside a record) makes it give up threads and read the rest of the stream itself. Files
 * whose records end with a lone CR (classic Mac) are read on one thread: a CR there may also be data.
 */
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import type { ColumnChunk, ColumnStart } from './column-builder';
import type { CsvReader } from './csv-reader';
import { stripBom } from './csv-reader';
import { tsWorkerSource } from './ts-thread';
import { RD_CRLF, RD_LF, type RecordDelimiter } from './csv-tokenizer';
import type { BuildOptions } from './table-builder';
import type { Table } from './table';

/** Bytes of records per chunk sent to a thread. */
export const DEFAULT_BLOCK_BYTES = 2 << 20;
/** Inputs smaller than this many chunks are read on the calling thread: starting a thread (~0.3 s) would cost more. */
const MIN_BLOCKS_FOR_THREADS = 4;
/** A thread allocates little but each chunk's columns (outside its heap): a small young generation keeps it small. */
const YOUNG_GENERATION_MB = 4;
/** A single record longer than this is parsed on the calling thread as it arrives (the threads wait for it). */
const MAX_RECORD_BYTES = 64 << 20;

/** One chunk for a parsing thread (csv-worker.ts). */
export interface ChunkTask {
  id: number;
  buffer: SharedArrayBuffer;
  offset: number;
  length: number;
  final: boolean;
  delimiter: number;
  rd: RecordDelimiter;
  names: string[];
  opts: BuildOptions;
  starts: ColumnStart[];
  rowsHint: number;
}

export type ChunkResult =
  | { id: number; ok: true; rows: number; lines: number; columns: ColumnChunk[] }
  | { id: number; ok: false; why: string };

/** How a threaded read went (for tests and benches): chunks appended from threads, and parsed here. */
export interface CsvThreadStats {
  threads: number;
  /** Threads started and ready to parse, so far. */
  readyThreads: number;
  threadedChunks: number;
  localChunks: number;
  /** Why the threads were given up, when they were. */
  gaveUp?: string;
}

/** Threads for one read: the option wins, then BOSUN_INGEST_THREADS, then the machine's available parallelism. */
export function ingestThreads(requested: number | undefined): number {
  if (requested !== undefined) return Math.max(1, Math.floor(requested));
  const env = process.env.BOSUN_INGEST_THREADS;
  if (env !== undefined && env !== '') {
    const n = Number(env);
    if (!Number.isInteger(n) || n < 1) {
      throw new Error(`BOSUN_INGEST_THREADS must be a whole number >= 1, got "${env}"; unset it to use every core`);
    }
    return n;
  }
  return os.availableParallelism();
}

/** Whether a read of `expectedBytes` (0: unknown) is worth threads at all. */
export function worthThreads(threads: number, expectedBytes: number, blockBytes: number): boolean {
  return threads > 1 && (expectedBytes === 0 || expectedBytes >= MIN_BLOCKS_FOR_THREADS * blockBytes);
}

interface InFlight {
  bytes: Buffer;
  /** The shared buffer holding the bytes, reused once the chunk is merged. */
  slab: SharedArrayBuffer;
  final: boolean;
  result: Promise<ChunkResult | null>;
}

export class ThreadedCsvReader {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Bytes added to `pending` since it was last cut: a cut waits until they outweigh the rest (linear time). */
  private fresh = 0;
  private seen = 0;
  private started = false;
  private inflight: InFlight[] = [];
  private pool: ChunkPool | null = null;
  private parallel = true;
  private nextId = 0;
  /** Bytes per record, from what the calling thread parsed (sizes the threads' columns). */
  private bytesPerRow = 0;
  private localBytes = 0;
  /**
   * Shared buffers of 2 × blockBytes, reused from chunk to chunk: a fresh one per chunk would leave the garbage
   * collector several chunks' worth of dead buffers to find, which shows in peak RSS.
   */
  private slabs: SharedArrayBuffer[] = [];

  constructor(
    private readonly reader: CsvReader,
    private readonly threads: number,
    private readonly blockBytes: number,
    private readonly stats?: CsvThreadStats,
  ) {
    if (stats) Object.assign(stats, { threads, readyThreads: 0, threadedChunks: 0, localChunks: 0 });
  }

  /** Starts the threads now rather than once the stream proves large (the caller knows its size). */
  startThreads(): void {
    this.pool ??= new ChunkPool(this.threads, () => {
      if (this.stats) this.stats.readyThreads++;
    });
  }

  async push(chunk: Buffer): Promise<void> {
    if (!this.started) {
      this.started = true;
      chunk = stripBom(chunk);
    }
    if (chunk.length === 0) return;
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    this.fresh += chunk.length;
    this.seen += chunk.length;
    if (this.pool === null && this.parallel && this.seen >= MIN_BLOCKS_FOR_THREADS * this.blockBytes) this.startThreads();
    if (this.fresh < Math.max(this.blockBytes, this.pendingBytes - this.fresh)) return;
    await this.step(false);
  }

  /**
   * Parses, in order, everything received so far that the single-threaded reader would have parsed by now (the
   * complete records), so an error there comes before one the caller is about to throw about the next chunk.
   */
  async flush(): Promise<void> {
    await this.drain();
    const block = this.take(false);
    this.keep(block.subarray(this.reader.feed(block, false)));
  }

  async finish(): Promise<Table> {
    try {
      await this.step(true);
      await this.drain();
      if (this.pendingBytes > 0) this.reader.feed(this.take(false), true);
      return this.reader.table();
    } finally {
      this.close();
    }
  }

  /** Stops the threads (also on failure: the caller's finally). */
  close(): void {
    this.pool?.close();
    this.pool = null;
  }

  private usable(): boolean {
    const rd = this.reader.tokenizer.rd;
    return this.parallel && this.pool !== null && this.pool.ready > 0 && this.reader.builder !== null && (rd === RD_LF || rd === RD_CRLF);
  }

  private async step(final: boolean): Promise<void> {
    if (this.usable()) await this.room();
    if (this.usable()) {
      const block = this.take(true);
      if (block.length === 0) return;
      const slab = block.buffer as SharedArrayBuffer;
      const cut = final ? block.length : lastRecordEnd(block, this.reader.tokenizer.rd);
      // What follows the cut (part of a record) is copied out, since the slab is reused once the chunk is merged.
      this.keep(Buffer.from(block.subarray(cut > 0 ? cut : 0)));
      if (cut > 0) {
        this.dispatch(block.subarray(0, cut), slab, final);
        return;
      }
      this.release(slab);
      if (block.length < MAX_RECORD_BYTES) return; // no record ends in it yet: wait for more bytes
    }
    await this.drain();
    const block = this.take(false);
    const used = this.reader.feed(block, final);
    this.localBytes += used;
    this.keep(block.subarray(used));
  }

  private dispatch(bytes: Buffer, slab: SharedArrayBuffer, final: boolean): void {
    const builder = this.reader.builder!;
    if (this.bytesPerRow === 0) this.bytesPerRow = builder.nrows > 0 ? this.localBytes / builder.nrows : 64;
    const task: ChunkTask = {
      id: this.nextId++,
      buffer: bytes.buffer as SharedArrayBuffer,
      offset: bytes.byteOffset,
      length: bytes.length,
      final,
      delimiter: this.reader.delimiter,
      rd: this.reader.tokenizer.rd,
      names: this.reader.header,
      opts: cloneableOptions(this.reader.opts),
      starts: builder.startStates(),
      rowsHint: Math.ceil((bytes.length / this.bytesPerRow) * 1.05) + 16,
    };
    this.inflight.push({ bytes, slab, final, result: this.pool!.run(task) });
  }

  /** Waits until another chunk may be sent: at most two per thread in flight, so memory stays a few chunks. */
  private async room(): Promise<void> {
    while (this.inflight.length >= 2 * this.threads) await this.mergeOldest();
  }

  private async drain(): Promise<void> {
    while (this.inflight.length > 0) await this.mergeOldest();
  }

  private async mergeOldest(): Promise<void> {
    const e = this.inflight.shift()!;
    const r = await e.result;
    if (!this.parallel) return; // given up meanwhile: its bytes went back to `pending`
    const reader = this.reader;
    if (r !== null && r.ok && reader.builder!.appendChunks(r.columns, r.rows)) {
      reader.tokenizer.line += r.lines;
      if (this.stats) this.stats.threadedChunks++;
      this.release(e.slab);
      this.pool?.recycle(r);
      return;
    }
    if (this.stats) this.stats.localChunks++;
    // The tokenizer's line and every column are where the single-threaded reader would be at this chunk.
    const used = reader.feed(e.bytes, e.final);
    if (used < e.bytes.length) this.giveUp(e.bytes.subarray(used), 'a chunk did not end at a record boundary');
    else this.release(e.slab);
  }

  private release(slab: SharedArrayBuffer): void {
    if (slab.byteLength === 2 * this.blockBytes) this.slabs.push(slab);
  }

  /** Reads the rest on this thread: the bytes from `rest` on, those of every chunk in flight, then the stream's. */
  private giveUp(rest: Buffer, why: string): void {
    this.parallel = false;
    if (this.stats) this.stats.gaveUp = why;
    const later = this.inflight.map((e) => e.bytes);
    this.inflight = [];
    this.pending = [rest, ...later, ...this.pending];
    this.pendingBytes = this.pending.reduce((s, b) => s + b.length, 0);
    this.close();
  }

  /** Everything pending, as one buffer (in shared memory when threads are to read it). */
  private take(shared: boolean): Buffer {
    const parts = this.pending;
    const n = this.pendingBytes;
    this.pending = [];
    this.pendingBytes = 0;
    this.fresh = 0;
    if (!shared && parts.length === 1) return parts[0];
    let out: Buffer;
    if (!shared) out = Buffer.allocUnsafe(n);
    else if (n <= 2 * this.blockBytes) out = Buffer.from(this.slabs.pop() ?? new SharedArrayBuffer(2 * this.blockBytes), 0, n);
    else out = Buffer.from(new SharedArrayBuffer(n));
    let at = 0;
    // Buffer#copy is a memcpy; TypedArray#set into shared memory takes V8's element-by-element path.
    for (const p of parts) at += p.copy(out, at);
    return out;
  }

  private keep(rest: Buffer): void {
    if (rest.length === 0) return;
    this.pending.push(rest);
    this.pendingBytes += rest.length;
  }
}

/** The options a thread needs, as plain data (a schema given as an object is cloned; functions are not expected). */
function cloneableOptions(o: BuildOptions): BuildOptions {
  return { missingValues: o.missingValues, maxCategoricalLevels: o.maxCategoricalLevels, maxCategoricalRatio: o.maxCategoricalRatio, schema: o.schema };
}

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

/**
 * Offset just past the last record delimiter of b that is outside quotes (b starts at a record start), or -1.
 * With CR LF records, a lone LF is data and does not end a record.
 */
export function lastRecordEnd(b: Buffer, rd: RecordDelimiter): number {
  // Regions outside quotes: [0, q0), [q1 + 1, q2), [q3 + 1, q4), …, the last ending at b's end when the count is even.
  const quotes: number[] = [];
  for (let q = b.indexOf(QUOTE); q >= 0; q = b.indexOf(QUOTE, q + 1)) quotes.push(q);
  const m = quotes.length;
  for (let r = m >> 1; r >= 0; r--) {
    const lo = r === 0 ? 0 : quotes[2 * r - 1] + 1;
    const hi = 2 * r < m ? quotes[2 * r] : b.length;
    // lastIndexOf with a negative offset counts from the end, so each search is guarded to stay in [lo, hi).
    for (let i = hi > lo ? b.lastIndexOf(LF, hi - 1) : -1; i >= lo; i = i > lo ? b.lastIndexOf(LF, i - 1) : -1) {
      if (rd !== RD_CRLF || (i > lo && b[i - 1] === CR)) return i + 1;
    }
  }
  return -1;
}

interface Thread {
  worker: Worker;
  ready: boolean;
  dead: boolean;
  waiting: Map<number, (r: ChunkResult | null) => void>;
}

/** The parsing threads. A thread that fails to start or dies answers null for its chunks (parsed here instead). */
class ChunkPool {
  private readonly threads: Thread[] = [];
  /** The thread each chunk went to, until its buffers are recycled. */
  private readonly owner = new Map<number, Thread>();

  constructor(n: number, onReady: () => void) {
    for (let i = 0; i < n; i++) {
      const worker = new Worker(tsWorkerSource(new URL('./csv-worker.ts', import.meta.url)), { eval: true, resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB } });
      const t: Thread = { worker, ready: false, dead: false, waiting: new Map() };
      worker.on('message', (m: ChunkResult | { ready: true }) => {
        if ('ready' in m) {
          t.ready = true;
          onReady();
        } else {
          t.waiting.get(m.id)?.(m);
          t.waiting.delete(m.id);
        }
      });
      const fail = () => {
        t.dead = true;
        for (const done of t.waiting.values()) done(null);
        t.waiting.clear();
      };
      worker.on('error', fail);
      worker.on('exit', fail);
      this.threads.push(t);
    }
  }

  get ready(): number {
    return this.threads.filter((t) => t.ready && !t.dead).length;
  }

  /** Sends the chunk to the ready thread with the fewest chunks waiting. */
  run(task: ChunkTask): Promise<ChunkResult | null> {
    let best: Thread | null = null;
    for (const t of this.threads) if (t.ready && !t.dead && (best === null || t.waiting.size < best.waiting.size)) best = t;
    if (best === null) return Promise.resolve(null);
    const t = best;
    this.owner.set(task.id, t);
    return new Promise((resolve) => {
      t.waiting.set(task.id, resolve);
      try {
        t.worker.postMessage(task);
      } catch {
        t.waiting.delete(task.id);
        resolve(null);
      }
    });
  }

  /** Gives a merged chunk's column buffers back to the thread that made them, for its next chunks. */
  recycle(r: ChunkResult): void {
    const t = this.owner.get(r.id);
    this.owner.delete(r.id);
    if (t === undefined || t.dead || !r.ok) return;
    const buffers: ArrayBuffer[] = [];
    for (const c of r.columns) {
      const a = c.floats ?? c.codes;
      if (a !== null && !buffers.includes(a.buffer as ArrayBuffer)) buffers.push(a.buffer as ArrayBuffer);
    }
    try {
      t.worker.postMessage({ recycle: buffers }, buffers);
    } catch {
      // A thread that has gone needs no buffers.
    }
  }

  close(): void {
    for (const t of this.threads) {
      t.dead = true;
      for (const done of t.waiting.values()) done(null);
      t.waiting.clear();
      void t.worker.terminate();
    }
  }
}
