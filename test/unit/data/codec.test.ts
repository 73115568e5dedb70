import { describe, expect, it } from 'vitest';
import { decodeTable, encodeTable } from '../../../src/data/codec';
import type { Table } from '../../../src/data/table';

const table: Table = {
  nrows: 5,
  columns: [
    { name: 'x', type: 'numeric', values: Float64Array.from([1.5, NaN, -0, Infinity, 1e300]) },
    { name: 'when', type: 'datetime', values: Float64Array.from([0, Date.UTC(2024, 0, 1), NaN, 1, 2]) },
    { name: 'ok', type: 'boolean', values: Float64Array.from([1, 0, NaN, 1, 0]) },
    { name: 'colour', type: 'categorical', codes: Int32Array.from([0, -1, 1, 2, 0]), levels: ['red', 'grün', '"q"'] },
    // 3 codes of width 4 leave the next column misaligned unless padding works.
    { name: 'note', type: 'text', codes: Int32Array.from([-1, -1, 0, -1, -1]), levels: ['a\nb'] },
  ],
};

describe('table codec', () => {
  it('round-trips every column type, NaN and -1 codes included', () => {
    const decoded = decodeTable(encodeTable(table));
    expect(decoded).toEqual(table);
    expect(Object.is((decoded.columns[0] as { values: Float64Array }).values[2], -0)).toBe(true);
  });

  it('lays out column data 8-byte aligned and decodes to views, not copies', () => {
    const buf = encodeTable(table);
    expect(buf.subarray(0, 8).toString('latin1')).toBe('BOSUNTBL');
    const decoded = decodeTable(buf);
    for (const c of decoded.columns) {
      const arr = 'values' in c ? c.values : c.codes;
      expect(arr.buffer).toBe(buf.buffer);
      expect((arr.byteOffset - buf.byteOffset) % 8).toBe(0);
    }
  });

  it('copies when the input is not aligned', () => {
    const buf = encodeTable(table);
    const shifted = Buffer.alloc(buf.length + 1).subarray(1);
    buf.copy(shifted);
    expect(decodeTable(shifted)).toEqual(table);
  });

  it('round-trips empty tables', () => {
    expect(decodeTable(encodeTable({ nrows: 0, columns: [] }))).toEqual({ nrows: 0, columns: [] });
    const noRows: Table = { nrows: 0, columns: [{ name: 'c', type: 'categorical', codes: new Int32Array(0), levels: [] }] };
    expect(decodeTable(encodeTable(noRows))).toEqual(noRows);
  });

  it('refuses to encode a column whose length disagrees with nrows', () => {
    expect(() => encodeTable({ nrows: 2, columns: [{ name: 'x', type: 'numeric', values: new Float64Array(3) }] })).toThrow(
      'column "x" has 3 values but the table has 2 rows',
    );
  });

  describe('rejects damaged input with a clear error', () => {
    const good = encodeTable(table);
    const cases: Array<[string, () => Buffer, RegExp]> = [
      ['too short', () => good.subarray(0, 10), /shorter than the 32-byte preamble/],
      ['wrong magic', () => Buffer.concat([Buffer.from('NOTATABL'), good.subarray(8)]), /does not start with "BOSUNTBL"/],
      ['truncated', () => good.subarray(0, good.length - 8), /truncated: \d+ bytes, the header says \d+/],
      ['trailing bytes', () => Buffer.concat([good, Buffer.alloc(8)]), /8 unexpected bytes after the table/],
      [
        'a flipped data byte',
        () => {
          const b = Buffer.from(good);
          b[b.length - 3] ^= 0x40;
          return b;
        },
        /checksum mismatch/,
      ],
      [
        'an unknown version',
        () => {
          const b = Buffer.from(good);
          b.writeUInt32LE(99, 8);
          return b;
        },
        /version 99 is not supported/,
      ],
    ];
    it.each(cases)('%s', (_label, make, message) => {
      expect(() => decodeTable(make())).toThrow(message);
      try {
        decodeTable(make());
      } catch (e) {
        expect((e as { code?: string }).code).toBe('corrupt-table');
        expect((e as Error).message).toMatch(/^cannot decode table: /);
      }
    });

    it('an out-of-range code, even with a valid checksum', () => {
      const bad: Table = { nrows: 1, columns: [{ name: 'c', type: 'categorical', codes: Int32Array.from([5]), levels: ['a'] }] };
      expect(() => decodeTable(encodeTable(bad))).toThrow('column "c" row 1 has code 5, outside its 1 levels');
    });

    it('a header that does not describe the data (checksum disabled to reach the check)', () => {
      const b = Buffer.from(good);
      const headerLength = b.readUInt32LE(12);
      const header = b.toString('utf8', 32, 32 + headerLength).replace('"nrows":5', '"nrows":6');
      b.write(header, 32, 'utf8');
      expect(() => decodeTable(b, { verifyChecksum: false })).toThrow(/column "x" has an invalid position or size/);
    });
  });
});
