/**
 * Streaming ingest: a CSV several times larger than the reader's heap limit is read and profiled in a child
 * process started with --max-old-space-size=64, and its peak RSS stays well under the file's size, so the file
 * was never held whole (the columns are typed arrays outside the JS heap, the cells are parsed from bytes).
 * Not a timing test: it checks the rows and statistics against what the generator wrote.
 */
import { execFileSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { afterAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../src/data/random';
import type { ColumnStats } from '../../../src/data/stats';

const ROWS = 2_000_000;
const LEVELS = Array.from({ length: 6 }, (_, i) => `a-rather-long-category-name-number-${i}-of-six`);
// Long on purpose: the file is then several times what its parsed columns take (5 typed values a row), so the
// RSS bound below tells "streamed" from "held whole" with room to spare for the parse threads' fixed cost.
const PLAIN_NOTE = 'plain note text for every row and long enough that the file is mostly text the reader never keeps';
const dir = mkdtempSync(path.join(os.tmpdir(), 'bosun-stream-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Expected {
  xSum: number;
  xMin: number;
  xMax: number;
  yNulls: number;
  levelCounts: number[];
}

/** Writes the file a block at a time (never whole in memory) and returns what its columns must profile to. */
async function writeFile(file: string): Promise<Expected> {
  const rand = mulberry32(7);
  const out = createWriteStream(file);
  const e: Expected = { xSum: 0, xMin: Infinity, xMax: -Infinity, yNulls: 0, levelCounts: LEVELS.map(() => 0) };
  out.write('x,y,kind,kind2,note\n');
  let block: string[] = [];
  for (let i = 0; i < ROWS; i++) {
    const x = (rand() - 0.5) * 1000;
    e.xSum += x;
    if (x < e.xMin) e.xMin = x;
    if (x > e.xMax) e.xMax = x;
    const missing = i % 97 === 0;
    if (missing) e.yNulls++;
    const k = Math.floor(rand() * LEVELS.length);
    e.levelCounts[k]++;
    const note = i % 10_000 === 0 ? '"quoted, with a comma\nand a line break"' : PLAIN_NOTE;
    block.push(`${x},${missing ? 'NA' : rand()},${LEVELS[k]},${LEVELS[(k + 1) % LEVELS.length]},${note}`);
    if (block.length === 10_000) {
      if (!out.write(block.join('\n') + '\n')) await once(out, 'drain');
      block = [];
    }
  }
  out.end(block.join('\n') + '\n');
  await once(out, 'finish');
  return e;
}

describe('streaming ingest', () => {
  it('reads a file several times the heap limit, with bounded memory and the right statistics', async () => {
    const file = path.join(dir, 'big.csv');
    const expected = await writeFile(file);
    const sizeMb = statSync(file).size / 2 ** 20;
    expect(sizeMb).toBeGreaterThan(250);

    const child = new URL('./support/ingestChild.ts', import.meta.url).pathname;
    const out = execFileSync(process.execPath, ['--max-old-space-size=64', '--import', 'tsx', child, file], { encoding: 'utf8', maxBuffer: 1 << 24 });
    const r = JSON.parse(out.trim().split('\n').pop()!) as { rows: number; types: string[]; stats: ColumnStats[]; heapLimitMb: number; peakRssMb: number };

    expect(r.heapLimitMb).toBeLessThan(sizeMb / 2);
    expect(r.rows).toBe(ROWS);
    expect(r.types).toEqual(['numeric', 'numeric', 'categorical', 'categorical', 'categorical']);
    const [x, y, kind, , note] = r.stats;
    expect(x.count).toBe(ROWS);
    expect(x.nulls).toBe(0);
    expect(x.min).toBe(expected.xMin);
    expect(x.max).toBe(expected.xMax);
    expect(x.mean).toBeCloseTo(expected.xSum / ROWS, 9);
    expect(y.nulls).toBe(expected.yNulls);
    expect(Object.fromEntries(kind.top.map((t) => [t.value, t.count]))).toEqual(Object.fromEntries(LEVELS.map((l, i) => [l, expected.levelCounts[i]])));
    expect(note.top.find((t) => t.value.startsWith('quoted'))?.count).toBe(ROWS / 10_000);
    console.log(`streaming ingest: ${sizeMb.toFixed(0)} MB file, peak RSS ${r.peakRssMb.toFixed(0)} MB`);
    // Reading the file whole would need at least its size in memory.
    expect(r.peakRssMb).toBeLessThan(sizeMb * 0.75);
  }, 300_000);
});
