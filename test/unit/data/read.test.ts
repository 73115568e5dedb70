import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { detectFormat, readTable } from '../../../src/data/read';
import { cells, chunkedStream, rejection } from './helpers';

const parquet = readFileSync(new URL('fixtures/types.parquet', import.meta.url));

describe('detectFormat', () => {
  it('prefers the extension, then the content', () => {
    const text = Buffer.from('a,b\n1,2\n');
    expect(detectFormat(text, 'x.csv')).toBe('csv');
    expect(detectFormat(text, 'x.TSV')).toBe('tsv');
    expect(detectFormat(Buffer.from('{"a":1}'), 'x.ndjson')).toBe('jsonl');
    expect(detectFormat(parquet, 'x.parquet')).toBe('parquet');
    expect(detectFormat(parquet, 'misnamed.csv')).toBe('parquet');
    expect(detectFormat(Buffer.from('\ufeff {"a":1}'))).toBe('jsonl');
    expect(detectFormat(parquet)).toBe('parquet');
    expect(detectFormat(text, 'data.unknownext')).toBe('csv');
  });

  it('refuses formats it cannot read, saying what to do', () => {
    expect(() => detectFormat(Buffer.from('PK\u0003\u0004'), 'book.xlsx')).toThrow(
      '"book.xlsx": Excel workbooks are not supported; export the sheet as CSV',
    );
    expect(() => detectFormat(Buffer.from('[{"a":1}]'))).toThrow(/JSON array; write one JSON object per line/);
    expect(() => detectFormat(Buffer.from([0x00, 0x01, 0x02, 0x03]))).toThrow(/binary data in an unknown format/);
  });
});

describe('readTable', () => {
  it('dispatches by format argument, options, or detection', async () => {
    expect((await readTable(Buffer.from('a\tb\n1\t2\n'), 'tsv')).columns.map((c) => c.name)).toEqual(['a', 'b']);
    expect((await readTable(Buffer.from('{"a":1}\n'))).columns[0].name).toBe('a');
    expect((await readTable(parquet, { fileName: 'types.parquet' })).nrows).toBe(6);
    expect((await readTable(chunkedStream(parquet, 1000))).nrows).toBe(6);
  });

  it('decompresses gzip from bytes and from streams', async () => {
    const gz = gzipSync(Buffer.from('a,b\n1,x\n2,y\n'));
    expect(cells(await readTable(gz, { fileName: 'd.csv.gz' }), 'b')).toEqual(['x', 'y']);
    expect(cells(await readTable(chunkedStream(gz, 4)), 'a')).toEqual([1, 2]);
  });

  it('rejects an unknown format name and empty input', async () => {
    const unknown = await rejection(readTable(Buffer.from('a\n1\n'), 'xml' as never));
    expect(unknown.code).toBe('unknown-format');
    expect(unknown.message).toBe('unknown format "xml"; use one of csv, tsv, jsonl, parquet or auto');
    const empty = await rejection(readTable(Buffer.alloc(0), { fileName: 'x.csv' }));
    expect(empty.code).toBe('empty-input');
    expect(empty.message).toBe('"x.csv" is empty');
  });
});
