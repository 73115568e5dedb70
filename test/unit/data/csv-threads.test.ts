/**
 * The threaded CSV reader (src/data/csv-parallel.ts) gives what the single-threaded one gives: the same table
 * (types, values, levels, row order) and the same error with the same line number, on a file built to be awkward
 * for a reader that cuts it into chunks: quoted fields with commas, doubled quotes and line breaks, CR LF records,
 * missing cells, a column missing until late, columns whose type widens to text late (one with several spellings
 * of the same number), boolean and date spellings that differ, levels first seen late. Chunks are small (16 KiB)
 * so the file is cut in many places; the stream holds back until both threads are ready, so threads parse it.
 */
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { CsvThreadStats } from '../../../src/data/csv-parallel';
import { readCsv, type CsvReadOptions } from '../../../src/data/csv';
import { mulberry32 } from '../../../src/data/random';
import type { Table } from '../../../src/data/table';

const ROWS = 30_000;
const HEADER = 'id,x,spelt,late_text,late_num,flag,day,kind,note';

function tricky(opts: { eol?: string; rows?: number; edit?: (i: number, cells: string[]) => void } = {}): Buffer {
  const rand = mulberry32(11);
  const eol = opts.eol ?? '\n';
  const rows = opts.rows ?? ROWS;
  const lines = [HEADER];
  for (let i = 0; i < rows; i++) {
    const r = rand();
    const cells = [
      String(i),
      i % 53 === 0 ? 'NA' : i % 41 === 0 ? '' : String((rand() - 0.5) * 1e4),
      // Few distinct numbers spelt several ways, then text at 90%: the demoted column keeps each value's first spelling.
      i >= rows * 0.9 && i % 7 === 0 ? 'n/a-ish' : ['1.50', '1.5', '2', '2.0', '-0', '3e2'][i % 6],
      i >= rows * 0.75 && i % 11 === 0 ? `code-${i % 5}` : String(i % 97),
      i < rows * 0.6 ? (i % 2 ? 'NA' : '') : (rand() * 10).toFixed(3),
      // Boolean and date spellings that differ, then text late: the demoted column holds each cell's own spelling.
      i >= rows * 0.85 && i % 29 === 0 ? 'maybe' : ['yes', 'no', 'Yes', 'NO', ' yes ', 'true'][Math.floor(r * 6)],
      i >= rows * 0.95 && i % 31 === 0 ? 'someday' : i % 3 === 0 ? '2024-03-01' : i % 3 === 1 ? '2024-03-01T00:00:00Z' : `2024-0${1 + (i % 9)}-1${i % 10}`,
      i > rows * 0.8 && i % 13 === 0 ? `late level ${i % 4}` : ['red', 'green', 'blue'][i % 3],
      i % 17 === 0 ? `"quoted, with ""quotes"" and${eol}a line break${i % 34 === 0 ? '\n\n' : ''}"` : i % 19 === 0 ? '"plain quoted"' : 'text',
    ];
    opts.edit?.(i, cells);
    lines.push(cells.join(','));
    if (i % 1000 === 500) lines.push(''); // a blank line, skipped
  }
  return Buffer.from(lines.join(eol) + eol);
}

/** The bytes as a stream of odd-sized chunks that waits for `stats.readyThreads` before its second half. */
function streamOf(buf: Buffer, stats?: CsvThreadStats): Readable {
  return Readable.from(
    (async function* () {
      const step = 7919;
      for (let i = 0; i < buf.length; i += step) {
        if (stats && i >= buf.length / 4) {
          const deadline = Date.now() + 60_000;
          while ((stats.readyThreads ?? 0) < 2 && Date.now() < deadline) await sleep(10);
        }
        yield buf.subarray(i, Math.min(buf.length, i + step));
      }
    })(),
  );
}

async function read(buf: Buffer, threads: number, opts: CsvReadOptions = {}): Promise<{ table?: Table; error?: string; stats: CsvThreadStats }> {
  const stats = {} as CsvThreadStats;
  try {
    const table = await readCsv(streamOf(buf, threads > 1 ? stats : undefined), { ...opts, threads, threadBlockBytes: 16 << 10, threadStats: stats });
    return { table, stats };
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e), stats };
  }
}

async function same(buf: Buffer, opts: CsvReadOptions = {}) {
  const one = await read(buf, 1, opts);
  const two = await read(buf, 2, opts);
  expect(two.stats.threadedChunks).toBeGreaterThan(0);
  expect(two.error).toEqual(one.error);
  expect(two.table).toEqual(one.table);
  return { one, two };
}

describe('threaded CSV reader', () => {
  it('reads a tricky LF file exactly as one thread does, types widening late included', async () => {
    const { one, two } = await same(tricky());
    const t = one.table!;
    expect(t.nrows).toBe(ROWS);
    expect(t.columns.map((c) => c.type)).toEqual(['numeric', 'numeric', 'categorical', 'categorical', 'numeric', 'categorical', 'categorical', 'categorical', 'categorical']);
    const spelt = t.columns[2];
    expect(spelt.type === 'categorical' && spelt.levels.slice(0, 4)).toEqual(['1.50', '2', '-0', '3e2']);
    // Chunks whose column widened inside them are parsed on the calling thread; the rest come from the threads.
    expect(two.stats.localChunks).toBeGreaterThan(0);
  }, 120_000);

  it('reads CR LF records with quoted line breaks exactly as one thread does', async () => {
    const { one } = await same(tricky({ eol: '\r\n' }));
    expect(one.table!.nrows).toBe(ROWS);
  }, 120_000);

  it('throws the same error, with the same line, for a value that does not fit a declared type late in the file', async () => {
    const buf = tricky({ edit: (i, cells) => (i === 27_001 ? (cells[1] = 'twelve') : undefined) });
    const { one } = await same(buf, { schema: { columns: [{ name: 'x', type: 'numeric' }] } });
    // Line = header + row + the quoted line breaks and blank lines before it.
    expect(one.error).toMatch(/^column "x", row \d+: "twelve" is not a number/);
    const line = Number(/row (\d+)/.exec(one.error!)![1]);
    const text = buf.toString('utf8');
    expect(text.split('\n')[line - 1]).toMatch(/^27001,twelve,/);
  }, 120_000);

  it('throws the same error for a ragged row and for malformed quoting late in the file', async () => {
    const ragged = await same(tricky({ edit: (i, cells) => (i === 25_000 ? cells.push('extra') : undefined) }));
    expect(ragged.one.error).toMatch(/^line \d+ has 10 fields, expected 9/);
    const quoting = await same(tricky({ edit: (i, cells) => (i === 26_000 ? (cells[8] = 'bad "quote" here') : undefined) }));
    expect(quoting.one.error).toMatch(/^malformed quoting at line \d+/);
  }, 120_000);
});
