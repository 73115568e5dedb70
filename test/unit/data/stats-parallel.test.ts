import { describe, expect, it } from 'vitest';
import { tableStats } from '../../../src/data/stats';
import { tableStatsThreaded } from '../../../src/data/stats-parallel';
import type { Table } from '../../../src/data/table';

/** A table with every column shape: numeric with NaN, ±Infinity, -0 and ties, datetime, boolean, categorical. */
function mixedTable(n: number): Table {
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const numeric = (f: (i: number) => number) => Float64Array.from({ length: n }, (_, i) => f(i));
  return {
    nrows: n,
    columns: [
      { name: 'a', type: 'numeric', values: numeric(() => Math.round(rand() * 1e4) / 100 - 50) },
      { name: 'b', type: 'numeric', values: numeric((i) => (i % 97 === 0 ? NaN : i % 501 === 0 ? Infinity : i % 503 === 0 ? -Infinity : i % 7 === 0 ? -0 : rand())) },
      { name: 'c', type: 'categorical', codes: Int32Array.from({ length: n }, (_, i) => (i % 11 === 0 ? -1 : i % 3)), levels: ['x', 'y', 'z'] },
      { name: 'd', type: 'datetime', values: numeric((i) => 1.7e12 + i * 1000) },
      { name: 'e', type: 'boolean', values: numeric((i) => (i % 13 === 0 ? NaN : i % 2)) },
      { name: 'f', type: 'numeric', values: numeric(() => rand() * rand()) },
      { name: 'g', type: 'numeric', values: numeric((i) => i % 5) },
    ],
  };
}

describe('tableStatsThreaded', () => {
  it('gives tableStats exactly, with helper threads computing some of the numeric columns', async () => {
    const table = mixedTable(60_000);
    const expected = tableStats(table, { topK: 3 });
    const report = { helpers: 0, helperColumns: 0 };
    const threaded = await tableStatsThreaded(table, { topK: 3, threads: 3, minCells: 0, report });
    expect(threaded).toEqual(expected);
    expect(report.helpers).toBe(2);
    // The helpers start in ~0.3 s, the calling thread needs a few ms a column: sort columns big enough that they take some.
    const big = { nrows: 400_000, columns: Array.from({ length: 8 }, (_, k) => ({ name: `n${k}`, type: 'numeric' as const, values: Float64Array.from({ length: 400_000 }, (_, i) => Math.sin(i * (k + 1)) * 1e3) })) };
    const bigReport = { helpers: 0, helperColumns: 0 };
    expect(await tableStatsThreaded(big, { threads: 2, minCells: 0, report: bigReport })).toEqual(tableStats(big));
    expect(bigReport.helpers).toBe(1);
    expect(bigReport.helperColumns).toBeGreaterThan(0);
  }, 60_000);

  it('stays on the calling thread for one thread or a small table, with the same result', async () => {
    const table = mixedTable(5_000);
    const report = { helpers: -1, helperColumns: -1 };
    expect(await tableStatsThreaded(table, { threads: 1, minCells: 0, report })).toEqual(tableStats(table));
    expect(report).toEqual({ helpers: 0, helperColumns: 0 });
    expect(await tableStatsThreaded(table, { threads: 4, report })).toEqual(tableStats(table));
    expect(report.helpers).toBe(0); // 5 000 rows x 4 sorted columns is below the default threshold
  });
});
