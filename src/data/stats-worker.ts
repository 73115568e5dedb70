/**
 * A profiling thread (see stats-parallel.ts): the statistics of one numeric column at a time, with the same
 * columnStats as the calling thread, so a column's figures are the same whichever thread computed them.
 */
import { parentPort } from 'node:worker_threads';
import type { StatsTask } from './stats-parallel';
import { columnStats, StatsScratch } from './stats';

const scratch = new StatsScratch();
const port = parentPort!;
port.on('message', (t: StatsTask) => {
  port.postMessage({ index: t.index, stats: columnStats({ name: t.name, type: t.type, values: t.values } as never, t.opts, scratch) });
});
port.postMessage({ ready: true });
