import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readParquet } from '../../../src/data/parquet';
import { cells, rejection, typesOf } from './helpers';

// Written by pyarrow: see fixtures/make-parquet.py.
const fixture = (name: string) => readFileSync(new URL(`fixtures/${name}`, import.meta.url));

describe('readParquet', () => {
  it('maps Parquet types to column types across several row groups', async () => {
    const t = await readParquet(fixture('types.parquet'));
    expect(t.nrows).toBe(6);
    expect(typesOf(t)).toEqual({
      id: 'numeric',
      score: 'numeric',
      count: 'numeric',
      ratio: 'numeric',
      flag: 'boolean',
      label: 'categorical',
      day: 'datetime',
      ts: 'datetime',
      ts_us: 'datetime',
      price: 'numeric',
      tags: 'text',
    });
    expect(cells(t, 'id')).toEqual([1, 2, 3, 4, 5, 6]);
    expect(cells(t, 'score')).toEqual([0.5, null, 2.25, -1, 3.5, 10]);
    expect(cells(t, 'count')).toEqual([10, 20, null, 40, 50, 60]);
    expect(cells(t, 'flag')).toEqual([1, 0, null, 1, 1, 0]);
    expect(cells(t, 'label')).toEqual(['a', 'b', null, 'a', 'c', 'a']);
    expect(cells(t, 'day')[1]).toBe(Date.UTC(2024, 0, 2));
    expect(cells(t, 'ts')[5]).toBe(Date.UTC(2024, 0, 1, 12, 0, 5));
    expect(cells(t, 'ts_us')[2]).toBe(Date.UTC(2024, 0, 1) + 2);
    expect(cells(t, 'price')).toEqual([1.5, 2.25, null, -3, 0.01, 100]);
    expect(cells(t, 'tags')).toEqual(['["x"]', '[]', null, '["y","z"]', '["x"]', '["z"]']);
  });

  it('reads gzip-compressed files and streams', async () => {
    const a = await readParquet(fixture('types.parquet'));
    const b = await readParquet(Readable.from([fixture('types-gzip.parquet')]));
    expect(b).toEqual(a);
  });

  it('coerces declared columns through their text form', async () => {
    const t = await readParquet(fixture('types.parquet'), {
      schema: { columns: [{ name: 'id', type: 'categorical' }] },
    });
    expect(t.columns[0].type).toBe('categorical');
    expect(cells(t, 'id')).toEqual(['1', '2', '3', '4', '5', '6']);
    const e = await rejection(
      readParquet(fixture('types.parquet'), { schema: { columns: [{ name: 'label', type: 'numeric' }] } }),
    );
    expect(e.message).toBe('column "label", row 1: "a" is not a number');
  });

  it('rejects truncated and non-Parquet input clearly', async () => {
    const whole = fixture('types.parquet');
    const truncated = await rejection(readParquet(whole.subarray(0, whole.length - 100)));
    expect(truncated.code).toBe('malformed-parquet');
    expect(truncated.message).toContain('not a complete Parquet file');
    const empty = await rejection(readParquet(Buffer.alloc(0)));
    expect(empty.code).toBe('empty-input');
  });

  it('rejects a corrupt footer without a library stack', async () => {
    const bytes = Buffer.from(fixture('types.parquet'));
    const footerLength = bytes.readUInt32LE(bytes.length - 8);
    bytes.fill(0xff, bytes.length - 8 - footerLength, bytes.length - 8);
    const e = await rejection(readParquet(bytes));
    expect(e.code).toBe('malformed-parquet');
    expect(e.message).toMatch(/^cannot read the Parquet (footer|data): /);
  });
});
