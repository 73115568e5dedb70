/**
 * tableStats on several threads, with the same result: profiling a large table sorts every numeric column (exact
 * quantiles and distinct counts, stats.ts), ~0.1 s per million values, and the columns are independent, so helper
 * threads take columns while the calling thread takes others. Each column's figures come from the same columnStats
 * whichever thread ran it, and the table's statistics are assembled in column order.
 *
 * A helper gets a copy of two columns at a time (posting copies them), so the extra memory is a thread (~20 MB) and
 * three columns' worth with its sort buffers per helper. A helper that fails to start, or fails or dies on a column, is given up,
 * and its columns are computed on the calling thread. Small tables are profiled on the calling thread: starting a
 * thread costs ~0.3 s.
 */
import { Worker } from 'node:worker_threads';
import { ingestThreads } from './csv-parallel';
import { columnStats, StatsScratch, type ColumnStats, type StatsOptions, type TableStats } from './stats';
import { isFloatColumn, type ColumnType, type Table } from './table';
import { tsWorkerSource } from './ts-thread';

/** A numeric column sent to a helper. */
export interface StatsTask {
  index: number;
  name: string;
  type: ColumnType;
  values: Float64Array;
  opts: StatsOptions;
}

/** Numeric cells (rows x sorted columns) below which threads would cost more than they save. */
const MIN_CELLS_FOR_THREADS = 4_000_000;
/** Columns a helper holds at once (each a copy): see runHelper. */
const IN_FLIGHT = 2;
/** A helper's young generation: it allocates little besides the column it is sent (outside its heap). */
const YOUNG_GENERATION_MB = 4;

export interface ThreadedStatsOptions extends StatsOptions {
  /** Threads in all, the calling one included. Default: BOSUN_INGEST_THREADS, else every core. */
  threads?: number;
  /** Threads are used from this many sorted numeric cells on (tests set 0). Default 4 million. */
  minCells?: number;
  /** Filled in with how the work was shared (tests and benches). */
  report?: { helpers: number; helperColumns: number };
}

/** tableStats(table), the numeric columns shared between the calling thread and helper threads. */
export async function tableStatsThreaded(table: Table, o: ThreadedStatsOptions = {}): Promise<TableStats> {
  const opts: StatsOptions = o.topK === undefined ? {} : { topK: o.topK };
  const scratch = new StatsScratch();
  const out: (ColumnStats | undefined)[] = new Array(table.columns.length);
  // The columns that sort; boolean and coded columns are one counting pass, done here.
  const heavy: number[] = [];
  table.columns.forEach((c, i) => (isFloatColumn(c) && c.type !== 'boolean' ? heavy.push(i) : (out[i] = columnStats(c, opts, scratch))));
  let helpers = Math.min(ingestThreads(o.threads) - 1, heavy.length - 1);
  if (table.nrows * heavy.length < (o.minCells ?? MIN_CELLS_FOR_THREADS)) helpers = 0;
  const report = o.report ?? { helpers: 0, helperColumns: 0 };
  Object.assign(report, { helpers: Math.max(0, helpers), helperColumns: 0 });
  if (helpers < 1) {
    for (const i of heavy) out[i] = columnStats(table.columns[i], opts, scratch);
    return { nrows: table.nrows, columns: out as ColumnStats[] };
  }

  let next = 0;
  const take = (): number | undefined => (next < heavy.length ? heavy[next++] : undefined);
  const workers: Helper[] = [];
  const unfinished: number[] = []; // columns a failed helper had taken
  for (let h = 0; h < helpers; h++) workers.push(runHelper(table, opts, take, out, unfinished, report));
  // The calling thread takes columns too, yielding between them so the helpers' results and requests are handled.
  for (let i = take(); i !== undefined; i = take()) {
    out[i] = columnStats(table.columns[i], opts, scratch);
    await new Promise((resolve) => setImmediate(resolve));
  }
  // A helper still starting has taken nothing: it is not waited for.
  for (const w of workers) w.stopIfIdle();
  await Promise.all(workers.map((w) => w.done));
  for (const i of unfinished) out[i] = columnStats(table.columns[i], opts, scratch);
  return { nrows: table.nrows, columns: out as ColumnStats[] };
}

interface Helper {
  /** Settles once the helper has answered or given up its columns and is stopped. */
  done: Promise<void>;
  /** Stops it now if it holds no column (there are none left to take). */
  stopIfIdle(): void;
}

/** One helper: takes a column whenever it is free, until none is left; on failure leaves its unanswered columns in `unfinished`. */
function runHelper(
  table: Table,
  opts: StatsOptions,
  take: () => number | undefined,
  out: (ColumnStats | undefined)[],
  unfinished: number[],
  report: { helperColumns: number },
): Helper {
  let stopIfIdle = () => {};
  const done = new Promise<void>((resolve) => {
    const worker = new Worker(tsWorkerSource(new URL('./stats-worker.ts', import.meta.url)), { eval: true, resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB } });
    // Columns sent and not yet answered. Two are kept in flight: the calling thread reads a result only between its
    // own columns, and the helper works on the second meanwhile instead of waiting for it.
    const pending = new Set<number>();
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      void worker.terminate();
      resolve();
    };
    const fail = () => {
      for (const i of pending) unfinished.push(i);
      pending.clear();
      finish();
    };
    const fill = () => {
      while (!finished && pending.size < IN_FLIGHT) {
        const i = take();
        if (i === undefined) break;
        const c = table.columns[i] as { name: string; type: ColumnType; values: Float64Array };
        pending.add(i);
        try {
          worker.postMessage({ index: i, name: c.name, type: c.type, values: c.values, opts } satisfies StatsTask);
        } catch {
          return fail();
        }
      }
      if (pending.size === 0) finish();
    };
    worker.on('message', (m: { ready: true } | { index: number; stats: ColumnStats }) => {
      if ('stats' in m) {
        out[m.index] = m.stats;
        pending.delete(m.index);
        report.helperColumns++;
      }
      fill();
    });
    worker.on('error', fail);
    worker.on('exit', fail);
    stopIfIdle = () => {
      if (pending.size === 0) finish();
    };
  });
  return { done, stopIfIdle: () => stopIfIdle() };
}
