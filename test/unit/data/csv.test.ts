import { describe, expect, it } from 'vitest';
import { readCsv } from '../../../src/data/csv';
import { detectDelimiter } from '../../../src/data/csv-sniff';
import { DataError } from '../../../src/data/errors';
import { cells, chunkedStream, rejection, typesOf } from './helpers';

const csv = (text: string) => readCsv(Buffer.from(text));

describe('readCsv: RFC 4180', () => {
  it('reads quoted fields with embedded newlines, doubled quotes and a UTF-8 BOM', async () => {
    const t = await csv('\ufeffid,note,score\n1,"line one\nline two",3.5\n2,"say ""hi"", then go",4\n');
    expect(t.nrows).toBe(2);
    expect(t.columns.map((c) => c.name)).toEqual(['id', 'note', 'score']); // BOM not glued to "id"
    expect(cells(t, 'note')).toEqual(['line one\nline two', 'say "hi", then go']);
    expect(cells(t, 'score')).toEqual([3.5, 4]);
  });

  it('handles CRLF line endings and a missing final newline', async () => {
    const t = await csv('a,b\r\n1,x\r\n2,y');
    expect(t.nrows).toBe(2);
    expect(cells(t, 'b')).toEqual(['x', 'y']);
  });

  it('skips blank and whitespace-only lines', async () => {
    const t = await csv('a,b\n1,2\n\n   \n3,4\n');
    expect(cells(t, 'a')).toEqual([1, 3]);
  });

  it('names empty header cells column_<n> (pandas writes one for the index)', async () => {
    const t = await csv(',x\n0,a\n1,b\n');
    expect(t.columns.map((c) => c.name)).toEqual(['column_1', 'x']);
  });

  it('gives the same table from a stream split into tiny chunks', async () => {
    const text = '\ufeffa;b;c\n1;"x;\ny";2024-01-01\n2;z;2024-01-02\n';
    const fromBuffer = await csv(text);
    const fromStream = await readCsv(chunkedStream(text, 3));
    expect(fromStream).toEqual(fromBuffer);
    expect(cells(fromStream, 'b')).toEqual(['x;\ny', 'z']);
  });
});

describe('delimiter detection', () => {
  it.each([
    [',', 'a,b,c\n1,2,3\n4,5,6\n'],
    [';', 'a;b;c\n1,5;2,5;3\n4;5;6\n'], // decimal commas must not win
    ['\t', 'a\tb\tc\n1\t2\t3\n'],
    ['|', 'a|b|c\n1|2|3\n'],
  ])('detects %j', async (delimiter, text) => {
    expect(detectDelimiter(text, true)).toBe(delimiter);
    const t = await csv(text);
    expect(t.columns).toHaveLength(3);
  });

  it('ignores delimiters inside quotes', () => {
    expect(detectDelimiter('"a;x";"b;y"\n"1,2,3,4";"5"\n', true)).toBe(';');
  });

  it('falls back to comma for a single-column file', async () => {
    const t = await csv('value\n1\n2\n');
    expect(t.columns.map((c) => c.name)).toEqual(['value']);
    expect(cells(t, 'value')).toEqual([1, 2]);
  });

  it('honours an explicit delimiter', async () => {
    const t = await readCsv(Buffer.from('a;b,c\n1;2,3\n'), { delimiter: ',' });
    expect(t.columns.map((c) => c.name)).toEqual(['a;b', 'c']);
  });
});

describe('readCsv errors', () => {
  it('reports a ragged row with its line and field counts', async () => {
    const e = await rejection(csv('a,b,c\n1,2,3\n4,5,6,7\n'));
    expect(e).toBeInstanceOf(DataError);
    expect(e.code).toBe('ragged-row');
    expect(e.message).toMatch(/^line 3 has 4 fields, expected 3 as in the header; /);
    expect(e.row).toBe(3);
  });

  it('counts lines inside quoted fields when locating a later ragged row', async () => {
    const e = await rejection(csv('a,b\n1,"x\ny\nz"\n2\n'));
    expect(e.message).toMatch(/^line 5 has 1 field, expected 2/);
  });

  it('counts CRLF inside quoted fields as one line', async () => {
    const e = await rejection(csv('a,b\r\n1,"x\r\ny"\r\n2,3,4\r\n'));
    expect(e.message).toMatch(/^line 4 has 3 fields/);
  });

  it('reports an unclosed quote with the line where its record starts', async () => {
    const e = await rejection(csv('a,b\n1,2\n3,"open\n4,5\n'));
    expect(e.code).toBe('malformed-quoting');
    expect(e.message).toContain('record starting at line 3 is never closed');
    expect(e.message).toContain('""');
  });

  it('reports text after a closing quote with its line', async () => {
    const e = await rejection(csv('a,b\n1,2\n3,"x"y\n'));
    expect(e.code).toBe('malformed-quoting');
    expect(e.message).toMatch(/^malformed quoting at line 3: /);
  });

  it('reports a quote inside an unquoted value with line and field', async () => {
    const e = await rejection(csv('a,b\n1,ab"c\n'));
    expect(e.code).toBe('malformed-quoting');
    expect(e.message).toMatch(/^malformed quoting at line 2, field 2: /);
  });

  it('rejects duplicate column names, naming both positions', async () => {
    const e = await rejection(csv('a,b,a\n1,2,3\n'));
    expect(e.code).toBe('duplicate-column');
    expect(e.message).toBe('column name "a" appears twice in the header (columns 1 and 3); rename one of them');
  });

  it.each([
    ['an empty input', ''],
    ['only a BOM and whitespace', '\ufeff \n\n'],
  ])('rejects %s', async (_label, text) => {
    const e = await rejection(csv(text));
    expect(e.code).toBe('empty-input');
    expect(e.message).toContain('empty');
  });

  it('rejects a header without data rows', async () => {
    const e = await rejection(csv('a,b,c\n'));
    expect(e.code).toBe('no-data-rows');
    expect(e.message).toBe('the CSV input has a header (3 columns: a, b, c) but no data rows');
  });

  it('rejects an empty stream', async () => {
    const e = await rejection(readCsv(chunkedStream('')));
    expect(e.code).toBe('empty-input');
  });

  it('reports errors from a stream the same way', async () => {
    const e = await rejection(readCsv(chunkedStream('a,b\n1,2\n3\n', 4)));
    expect(e.message).toMatch(/^line 3 has 1 field, expected 2/);
  });

  it('infers types per column', async () => {
    const t = await csv('n,b,d,c\n1,yes,2024-01-01,red\n2.5,no,2024-01-02T10:00:00Z,blue\n');
    expect(typesOf(t)).toEqual({ n: 'numeric', b: 'boolean', d: 'datetime', c: 'categorical' });
  });
});
