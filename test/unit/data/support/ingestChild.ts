/**
 * Child process of streaming.test.ts: reads a CSV file as a stream and profiles it, then prints the row count,
 * the statistics, its heap limit and its peak RSS as one JSON line. Run with a small --max-old-space-size.
 */
import { createReadStream, statSync } from 'node:fs';
import path from 'node:path';
import v8 from 'node:v8';
import { readTable } from '../../../../src/data/read';
import { tableStatsThreaded } from '../../../../src/data/stats-parallel';

const file = process.argv[2];
const table = await readTable(createReadStream(file, { highWaterMark: 1 << 20 }), { fileName: path.basename(file), expectedBytes: statSync(file).size });
const stats = await tableStatsThreaded(table); // as the ingest stage profiles
console.log(
  JSON.stringify({
    rows: table.nrows,
    types: table.columns.map((c) => c.type),
    stats: stats.columns,
    heapLimitMb: v8.getHeapStatistics().heap_size_limit / 2 ** 20,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  }),
);
