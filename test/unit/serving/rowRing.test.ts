import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RowRing } from '../../../src/serving/rowRing';

describe('RowRing', () => {
  it('keeps rows in order across wrap-arounds of its bytes, dropping the oldest when bytes run out', () => {
    const ring = new RowRing(100, 1024);
    const expected: string[] = [];
    let dropped = 0;
    for (let i = 0; i < 200; i++) {
      const row = `{"i":${i},"pad":"${'x'.repeat((i * 37) % 300)}"}`;
      const d = ring.push('m', row);
      expect(d).toBeGreaterThanOrEqual(0);
      dropped += d;
      expected.push(row);
      expected.splice(0, d);
      if (i % 7 === 0) expect(ring.take(2).rows()).toEqual(expected.splice(0, 2));
    }
    expect(dropped).toBeGreaterThan(0);
    expect(ring.take().rows()).toEqual(expected);
    expect(ring.size).toBe(0);
  });

  it('drops the oldest row when the row capacity is full, and refuses a row larger than its bytes', () => {
    const ring = new RowRing(2, 1024);
    expect(ring.push('m', '"a"')).toBe(0);
    expect(ring.push('m', '"b"')).toBe(0);
    expect(ring.push('m', '"c"')).toBe(1);
    expect(ring.push('m', `"${'y'.repeat(2000)}"`)).toBe(-1);
    const batch = ring.take();
    expect(batch.rows()).toEqual(['"b"', '"c"']);
    expect(batch.bytes.toString()).toBe('"b"\n"c"\n');
  });

  it('stores multi-byte UTF-8 rows intact and lists one model’s rows', () => {
    const ring = new RowRing(10, 1024);
    ring.push('a', '{"v":"Zürich 東京 🚢"}');
    ring.push('b', '{"v":"other"}');
    ring.push('a', '{"v":"naïve"}');
    expect(ring.rowsOf('a')).toEqual(['{"v":"Zürich 東京 🚢"}', '{"v":"naïve"}']);
    expect(ring.rowsOf('unknown')).toEqual([]);
    expect(ring.size).toBe(3);
  });

  it('matches a plain array queue under any sequence of pushes and takes (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.string({ maxLength: 400 }).map((s) => ({ push: JSON.stringify(s) })), fc.nat(5).map((n) => ({ take: n }))), { maxLength: 300 }),
        (ops) => {
          const ring = new RowRing(20, 2048);
          const model: string[] = [];
          for (const op of ops) {
            if ('push' in op) {
              const d = ring.push('m', op.push);
              if (d < 0) continue;
              model.push(op.push);
              model.splice(0, d);
            } else {
              const batch = ring.take(op.take);
              const want = model.splice(0, op.take);
              expect(batch.rows()).toEqual(want);
              expect(batch.bytes.toString()).toBe(want.map((r) => `${r}\n`).join(''));
            }
            expect(ring.size).toBe(model.length);
          }
          expect(ring.take().rows()).toEqual(model);
        },
      ),
      { numRuns: 200 },
    );
  });
});
