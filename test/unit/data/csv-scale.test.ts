/** A mid-sized synthetic file exercises column growth, the row-count estimate and chunked streaming together. */
import { describe, expect, it } from 'vitest';
import { readCsv } from '../../../src/data/csv';
import { mulberry32 } from '../../../src/data/random';
import { cells, chunkedStream, sameTable, typesOf } from './helpers';

function synthetic(rows: number): string {
  const rand = mulberry32(11);
  const lines = ['x,k,flag,day,id,note'];
  for (let i = 0; i < rows; i++) {
    const x = rand() < 0.02 ? '' : (rand() * 100 - 50).toFixed(3);
    const k = ['a', 'b', 'c'][Math.floor(rand() * 3)];
    const day = new Date(Date.UTC(2024, 0, 1) + (i % 366) * 86_400_000).toISOString().slice(0, 10);
    const note = i % 1000 === 0 ? '"multi\nline, quoted"' : 'plain';
    lines.push(`${x},${k},${rand() < 0.5 ? 'true' : 'false'},${day},row-${i},${note}`);
  }
  return lines.join('\n') + '\n';
}

describe('readCsv at scale', () => {
  it('reads 8k rows identically from a buffer and a stream', async () => {
    const text = synthetic(8_000);
    const a = await readCsv(Buffer.from(text));
    expect(a.nrows).toBe(8_000);
    expect(typesOf(a)).toEqual({ x: 'numeric', k: 'categorical', flag: 'boolean', day: 'datetime', id: 'text', note: 'categorical' });
    expect(cells(a, 'id')[7_999]).toBe('row-7999');
    expect(cells(a, 'note')[1000]).toBe('multi\nline, quoted');
    for (const c of a.columns) expect('values' in c ? c.values.length : c.codes.length).toBe(8_000);
    const b = await readCsv(chunkedStream(text, 64 * 1024 + 13));
    expect(sameTable(b, a)).toBe(true);
    (b.columns[0] as { values: Float64Array }).values[5] += 1;
    expect(sameTable(b, a)).toBe(false);
    // Plain Uint8Array input takes the buffer path too.
    expect(sameTable(await readCsv(new Uint8Array(Buffer.from(text))), a)).toBe(true);
  });
});
