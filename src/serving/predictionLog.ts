/**
 * The prediction log: every scored instance (and every instance a model failed to score) goes to `prediction_log`,
 * where drift checks and canary verification read it and labels join it by request id.
 *
 * A response never waits for the database: records are encoded as the rows they will be written as (lines of COPY
 * text, logRows.ts) and go into a bounded ring of bytes off the JavaScript heap (RowRing), and a timer writes them in
 * batches, one COPY each. When the database is slower than the traffic the ring fills, and then the oldest records
 * are dropped and counted (a metric), because blocking or failing predictions to save a log line would be the worse
 * trade. A batch whose write fails goes back in front of newer records while there is room, and is retried on the
 * next flush.
 * `close()` stops the timer and writes what is left.
 *
 * A database outage is the same case held longer: serving goes on, the ring keeps the newest `capacity` records, the
 * flush retries every `flushMs`, and once the database answers again the kept records are written, oldest first.
 * Every record is either written, still queued, or counted in `dropped` (also at close, when the last write fails):
 * none is lost silently. The first failure of an outage and its end are reported once each, not per retry.
 */
import type { Db } from '../db/client';
import { copyStatement, parseRow, RowEncoder, rowKey, type LoggedRow } from './logRows';
import { RowBatch, RowRing } from './rowRing';

export type { LoggedRow } from './logRows';

export interface PredictionRecord {
  modelName: string;
  modelVersion: number;
  /** The request's id, or `<id>/<i>` for instance i of a multi-instance request (so each can get its own label). */
  requestId: string;
  /**
   * The instance as received, as JSON text. Serialised when the record is made, so the request's parsed object graph
   * (dozens of small heap objects) dies young instead of surviving in the queue until the write, which made the
   * garbage collector's pauses, and so the latency tail, several times longer.
   */
  features: string;
  /**
   * The prediction as JSON. To keep the hot path from building objects that are only ever logged, a record may
   * instead carry its request's raw scores and a renderer, and the output is built when the batch is written.
   */
  output: unknown;
  scores: Float64Array | null;
  row: number;
  render: ((scores: Float64Array, row: number) => unknown) | null;
  /** The same output rendered straight to JSON text (what the writer uses when given: no object, no stringify). */
  renderJson?: ((scores: Float64Array, row: number) => string) | null;
  error: string | null;
  shadow: boolean;
  /** From the request reaching the handler to its scores (waiting for its micro-batch included), in ms. */
  latencyMs: number;
  /** Date.now() when it was scored (the row's created_at; the write comes later). */
  at: number;
}

/**
 * A batch of rows for one write, each a line of COPY text (see logRows.ts): straight from the ring's bytes on the
 * usual path, or row texts kept from a failed write.
 */
export class LogBatch {
  private texts: readonly string[] | null;
  private readonly fromRing: RowBatch | null;

  constructor(source: readonly string[] | RowBatch) {
    this.texts = source instanceof RowBatch ? null : source;
    this.fromRing = source instanceof RowBatch ? source : null;
  }

  get length(): number {
    return this.texts ? this.texts.length : this.fromRing!.length;
  }

  /** What COPY reads: every row followed by a newline, as UTF-8 (from the ring, its bytes as they are). */
  data(): Buffer {
    return this.texts ? Buffer.from(this.texts.map((row) => `${row}\n`).join('')) : this.fromRing!.bytes;
  }

  /** Each row's text. */
  get rows(): readonly string[] {
    this.texts ??= this.fromRing!.rows();
    return this.texts;
  }

  /** The rows decoded (tests, and the feedback route's scan of what is queued). */
  records(): LoggedRow[] {
    return this.rows.map(parseRow);
  }

  get requestIds(): string[] {
    return this.records().map((r) => r.request_id);
  }
}

/** Writes one batch; resolves once it is committed. */
export type PredictionWriter = (batch: LogBatch) => Promise<void>;

export interface PredictionLogOptions {
  write: PredictionWriter;
  /** Records held at most; beyond it the oldest are dropped. Default 10 000. */
  capacity?: number;
  /**
   * Bytes of encoded records held at most (off the JavaScript heap, see RowRing); beyond it the oldest are dropped.
   * Default 16 MiB (~16 000 records of a 30-feature model). A single record larger than this is dropped and counted.
   */
  bytes?: number;
  /**
   * Time between flushes. Default 200 ms: frequent small writes load the database evenly instead of in a burst
   * every second, and a crash loses less.
   */
  flushMs?: number;
  /** Records per write (one COPY). Default 25; see logBatchSizeFor for the choice per database. */
  batchSize?: number;
  onDropped?: (count: number) => void;
  onWritten?: (count: number) => void;
  /**
   * A write failed. `first` for the first failure since the last successful write (the start of an outage), and for
   * every refusal of a value by the database (those are about one record, not an outage).
   */
  onWriteError?: (err: Error, first: boolean) => void;
  /** A write succeeded after `failedWrites` failed ones; `droppedMeanwhile` records were dropped since the first. */
  onRecovered?: (failedWrites: number, droppedMeanwhile: number) => void;
}

export const DEFAULT_LOG_BYTES = 16 * 1024 * 1024;

export class PredictionLog {
  /** Records as encoded rows, off the heap: nothing queued there is copied by the garbage collector. */
  private readonly ring: RowRing;
  /**
   * Rows of failed writes, older than everything in the ring, written first by the next flush. On the heap: they
   * exist only while the database is failing, when latency is not the concern.
   */
  private held: string[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  private closed = false;
  /** Failed writes since the last successful one, and `dropped` when the first of them failed. */
  private failedWrites = 0;
  private droppedBeforeOutage = 0;
  /** The batch being written: out of the queue and not yet committed, so neither queued nor in the table. */
  private inFlight: LogBatch | null = null;
  /** Totals since start, for tests and /readyz. */
  dropped = 0;
  written = 0;
  readonly capacity: number;
  private readonly flushMs: number;
  private readonly batchSize: number;
  private readonly encoder = new RowEncoder();

  constructor(private readonly o: PredictionLogOptions) {
    this.capacity = o.capacity ?? 10_000;
    this.flushMs = o.flushMs ?? 200;
    this.batchSize = o.batchSize ?? 25;
    this.ring = new RowRing(this.capacity, o.bytes ?? DEFAULT_LOG_BYTES);
  }

  private get queued(): number {
    return this.held.length + this.ring.size;
  }

  /** Records waiting to be written: queued, or in the batch being written (which a failure puts back). */
  get depth(): number {
    return this.queued + (this.inFlight?.length ?? 0);
  }

  /**
   * Adds a record; never blocks, never throws. When full, the oldest record makes room. The record is encoded now,
   * so nothing of it (its instance text, its request's scores) stays on the heap.
   */
  push(record: PredictionRecord): void {
    if (this.queued === this.capacity) {
      // Full: the oldest goes, and the held rows of failed writes are the oldest.
      if (this.held.length > 0) this.held.shift();
      else this.ring.dropOldest();
      this.drop(1);
    }
    const dropped = this.ring.push(record.modelName, this.encoder.row(record, outputJson(record)));
    if (dropped !== 0) this.drop(dropped < 0 ? 1 : dropped);
  }

  /**
   * Request ids of `modelName` queued or being written, not yet committed (a label may arrive before its
   * prediction's row does). A scan of the queued rows' first fields: for the feedback route, not the hot path.
   * Whatever is not in this set was committed before the call, so a query started after it finds the rest.
   */
  queuedRequestIds(modelName: string): Set<string> {
    const ids = new Set<string>();
    for (const rows of [this.inFlight?.rows ?? [], this.held, this.ring.rowsOf(modelName)]) {
      for (const text of rows) {
        const r = rowKey(text);
        if (r.modelName === modelName) ids.add(r.requestId);
      }
    }
    return ids;
  }

  /** Removes and returns up to `max` of the oldest records. */
  take(max = this.queued): LogBatch {
    // The usual case: nothing held back from a failed write, the batch is the ring's bytes as they are.
    if (this.held.length === 0) return new LogBatch(this.ring.take(max));
    const fromHeld = Math.min(max, this.held.length);
    const rows = this.held.slice(0, fromHeld);
    this.held = this.held.slice(fromHeld);
    // A loop, not push(...): a close() with a large configured capacity takes more rows than a call has arguments.
    if (rows.length < max) for (const row of this.ring.take(max - rows.length).rows()) rows.push(row);
    return new LogBatch(rows);
  }

  /** Puts rows back in front (they are older than everything queued); what does not fit is dropped. */
  private requeue(rows: readonly string[]): void {
    const room = this.capacity - this.queued;
    const keep = Math.min(room, rows.length);
    if (rows.length > keep) this.drop(rows.length - keep);
    // The newest of the failed batch are kept: the oldest are the first to go, as with push.
    this.held = rows.slice(rows.length - keep).concat(this.held);
  }

  private drop(n: number): void {
    this.dropped += n;
    this.o.onDropped?.(n);
  }

  start(): void {
    if (this.timer || this.closed) return;
    const tick = () => {
      this.timer = null;
      void this.flush().finally(() => {
        if (!this.closed) this.timer = setTimeout(tick, this.flushMs).unref();
      });
    };
    this.timer = setTimeout(tick, this.flushMs).unref();
  }

  /**
   * Writes everything queued when it is called, batch by batch. Concurrent calls share one flush, then run again so
   * that records pushed during it are written too. A failed write is reported (onWriteError) and kept for later, and
   * the flush stops there rather than hammer a database that is down.
   */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    if (this.queued === 0) return;
    this.flushing = this.writeQueued().finally(() => (this.flushing = null));
    return this.flushing;
  }

  private async writeQueued(): Promise<void> {
    let remaining = this.queued;
    for (let first = true; remaining > 0 && this.queued > 0; first = false) {
      if (!first) await new Promise((resolve) => setImmediate(resolve));
      const batch = this.take(Math.min(this.batchSize, remaining));
      remaining -= batch.length;
      this.inFlight = batch;
      try {
        await this.o.write(batch);
        this.wrote(batch.length);
      } catch (err) {
        if (!isDataError(err)) {
          this.failed(err as Error);
          this.requeue(batch.rows);
          return;
        }
        this.o.onWriteError?.(err as Error, true);
        // The database refused a value (say a NUL character in a category): write the records one by one so a
        // single bad one is dropped instead of blocking the log forever.
        await this.writeOneByOne(batch.rows);
      } finally {
        this.inFlight = null;
      }
    }
  }

  private async writeOneByOne(rows: readonly string[]): Promise<void> {
    for (let i = 0; i < rows.length; i++) {
      this.inFlight = new LogBatch(rows.slice(i));
      try {
        await this.o.write(new LogBatch([rows[i]]));
        this.wrote(1);
      } catch (err) {
        if (isDataError(err)) this.drop(1);
        else {
          this.failed(err as Error);
          this.requeue(rows.slice(i));
          return;
        }
      }
    }
  }

  /** A write failed for a reason other than the data (the database is down or slow): an outage starts or goes on. */
  private failed(err: Error): void {
    if (this.failedWrites++ === 0) this.droppedBeforeOutage = this.dropped;
    this.o.onWriteError?.(err, this.failedWrites === 1);
  }

  private wrote(n: number): void {
    this.written += n;
    this.o.onWritten?.(n);
    if (this.failedWrites > 0) {
      this.o.onRecovered?.(this.failedWrites, this.dropped - this.droppedBeforeOutage);
      this.failedWrites = 0;
    }
  }

  /**
   * Stops the timer and writes what is queued (one attempt: a process that is stopping cannot wait forever). What
   * that attempt could not write is dropped and counted, not forgotten.
   */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.flush();
    if (this.queued > 0) this.drop(this.take().length);
  }
}

/**
 * Records per write for a prediction log on `kind`. The embedded PGlite runs each COPY on the serving thread itself,
 * about 2.5 ms for 25 rows of a 30-feature model, so requests wait at most that long behind one (the flush yields to
 * them between batches). PostgreSQL does the work in its own process; there each COPY is a statement and a commit
 * with a fixed cost on both sides, so a flush writes everything it holds in one COPY up to 2 000 rows (~2.6 MB for
 * 30 features; at 10 000 requests/s a 200 ms flush holds 2 000): measured on the serving bench, batches of 2 500
 * reached 25-40% more requests/s than batches of 500, at the same latency.
 */
export function logBatchSizeFor(kind: 'pglite' | 'postgres'): number {
  return kind === 'pglite' ? 25 : 2000;
}

/** PostgreSQL refused the data itself (SQLSTATE class 22, or a NOT NULL violation): retrying cannot help. */
function isDataError(err: unknown): boolean {
  // drizzle wraps the driver's error (which carries the SQLSTATE) in its own, as `cause`.
  const e = err as { code?: unknown; cause?: { code?: unknown } } | null;
  const code = e?.code ?? e?.cause?.code;
  return typeof code === 'string' && (code.startsWith('22') || code === '23502');
}

/** A record's output as JSON text for writing: rendered as text from its request's scores where it can be. */
export function outputJson(r: PredictionRecord): string {
  return r.renderJson && r.scores ? r.renderJson(r.scores, r.row) : JSON.stringify(outputOf(r));
}

/** Resolves a record's output for writing: stored JSON, or rendered now from its request's scores. */
export function outputOf(r: PredictionRecord): unknown {
  // The column is NOT NULL: a missing output (an error record) is stored as {}.
  return (r.render && r.scores ? r.render(r.scores, r.row) : r.output) ?? {};
}

/**
 * The writer for the `prediction_log` table: each batch is one COPY of its rows (logRows.ts), from STDIN on PostgreSQL
 * and from a blob on the embedded PGlite.
 */
export function dbPredictionWriter(db: Db): PredictionWriter {
  const client = (db as unknown as { $client: unknown }).$client;
  if (isPglite(client)) {
    const statement = copyStatement("'/dev/blob'");
    return async (batch) => {
      await client.query(statement, [], { blob: new Blob([batch.data()]) });
    };
  }
  const pg = client as import('postgres').Sql;
  const statement = copyStatement('stdin');
  return (batch) => copyIn(pg, statement, batch.data());
}

/**
 * One COPY ... FROM STDIN of `data` through postgres.js. Its writable never settles when the server refuses the data
 * or the connection drops after the data was sent (postgres.js issue #1173): the error only reaches the query's
 * `reject`, which has already resolved with the stream. So the failure is taken from there.
 */
async function copyIn(pg: import('postgres').Sql, statement: string, data: Buffer): Promise<void> {
  const query = pg.unsafe(statement) as unknown as Promise<NodeJS.WritableStream> & { reject: (err: Error) => void; writable(): Promise<NodeJS.WritableStream> };
  let failed: (err: Error) => void = () => {};
  const failure = new Promise<never>((_, reject) => (failed = reject));
  failure.catch(() => {}); // also rejected when the COPY fails before its stream exists: the await below reports it
  const reject = query.reject;
  query.reject = (err) => {
    failed(err);
    reject(err);
  };
  const stream = await query.writable();
  await Promise.race([
    failure,
    new Promise<void>((resolve, reject) => {
      stream.once('error', reject);
      stream.once('finish', resolve);
      stream.end(data);
    }),
  ]);
}

function isPglite(client: unknown): client is import('@electric-sql/pglite').PGlite {
  return typeof client === 'object' && client !== null && 'waitReady' in client && typeof (client as { query?: unknown }).query === 'function';
}
