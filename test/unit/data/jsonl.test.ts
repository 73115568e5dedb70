import { describe, expect, it } from 'vitest';
import { readJsonLines } from '../../../src/data/jsonl';
import { cells, chunkedStream, rejection, typesOf } from './helpers';

const text = [
  '{"id": 1, "name": "ann", "joined": "2024-01-02", "active": true}',
  '',
  '{"id": 2, "name": "bob", "score": 3.5, "active": false}',
  '{"id": 3, "name": null, "tags": ["a", "b"], "active": null, "score": "NA"}',
].join('\r\n');

describe('readJsonLines', () => {
  it('takes columns from keys in first-appearance order, with missing cells for absent keys', async () => {
    const t = await readJsonLines(Buffer.from(text));
    expect(t.nrows).toBe(3);
    expect(t.columns.map((c) => c.name)).toEqual(['id', 'name', 'joined', 'active', 'score', 'tags']);
    expect(typesOf(t)).toEqual({
      id: 'numeric',
      name: 'categorical',
      joined: 'datetime',
      active: 'boolean',
      score: 'numeric',
      tags: 'categorical',
    });
    expect(cells(t, 'score')).toEqual([null, 3.5, null]);
    expect(cells(t, 'joined')).toEqual([Date.UTC(2024, 0, 2), null, null]);
    expect(cells(t, 'active')).toEqual([1, 0, null]);
    expect(cells(t, 'tags')).toEqual([null, null, '["a","b"]']);
  });

  it('reads a chunked stream identically, including multi-byte characters split across chunks', async () => {
    const withUnicode = text + '\n{"id": 4, "name": "zoë 🚀"}\n';
    const a = await readJsonLines(Buffer.from(withUnicode));
    const b = await readJsonLines(chunkedStream(withUnicode, 5));
    expect(b).toEqual(a);
    expect(cells(b, 'name')[3]).toBe('zoë 🚀');
  });

  it('reports invalid JSON with its line number', async () => {
    const e = await rejection(readJsonLines(Buffer.from('{"a":1}\n{"a":\n')));
    expect(e.code).toBe('malformed-json');
    expect(e.message).toMatch(/^line 2 is not valid JSON \(/);
  });

  it('rejects lines that are not objects', async () => {
    const e = await rejection(readJsonLines(Buffer.from('{"a":1}\n[1,2]\n')));
    expect(e.message).toBe('line 2 holds an array; each line must be a JSON object like {"column": value}');
  });

  it('rejects input without records', async () => {
    const e = await rejection(readJsonLines(Buffer.from('\n  \n')));
    expect(e.code).toBe('empty-input');
  });

  it('applies a declared schema with line numbers in errors', async () => {
    const e = await rejection(
      readJsonLines(Buffer.from('{"a": 1}\n{"a": "x"}\n'), { schema: { columns: [{ name: 'a', type: 'numeric' }] } }),
    );
    expect(e.message).toBe('column "a", row 2: "x" is not a number');
  });
});
