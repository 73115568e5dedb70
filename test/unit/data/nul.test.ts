import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { DataError } from '../../../src/data/errors';
import { readTable } from '../../../src/data/read';

// NUL bytes used to pass the readers and fail later in PostgreSQL (text cannot hold them), at every retry.
async function failure(bytes: Buffer, fileName: string, chunked = false): Promise<DataError> {
  const input = chunked ? Readable.from([bytes.subarray(0, 5), bytes.subarray(5)]) : bytes;
  const err = await readTable(input, { fileName }).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DataError);
  return err as DataError;
}

describe('NUL bytes in text formats', () => {
  const csv = Buffer.from('a,b,label\n1,2,yes\n3,x\u0000y,no\n');
  it.each([false, true])('a CSV names the line and byte offset (streamed: %s)', async (chunked) => {
    const err = await failure(csv, 'train.csv', chunked);
    expect(err.message).toMatch(/^line 3 holds a NUL byte \(byte offset 21\), which CSV text cannot contain: .*tr -d/);
    expect(err.row).toBe(3);
  });

  it('a CSV in the header line', async () => {
    expect((await failure(Buffer.from('a,\u0000b\n1,2\n'), 'x.csv')).message).toMatch(/^line 1 holds a NUL byte \(byte offset 2\)/);
  });

  it.each([false, true])('a JSON Lines file, raw (streamed: %s)', async (chunked) => {
    const err = await failure(Buffer.from('{"a":1}\n{"a":2}\u0000\n'), 'x.jsonl', chunked);
    expect(err.message).toMatch(/^line 2 holds a NUL byte \(byte offset 15\), which JSON Lines text/);
  });

  it('a JSON Lines value or key escaped as \\u0000', async () => {
    expect((await failure(Buffer.from('{"a":"ok"}\n{"a":"x\\u0000y"}\n'), 'x.jsonl')).message).toMatch(/^line 2 holds an escaped NUL character/);
    expect((await failure(Buffer.from('{"a\\u0000":1}\n'), 'x.jsonl')).message).toMatch(/^line 1 holds an escaped NUL/);
    // An escaped backslash followed by "u0000" is plain text, not a NUL.
    const t = await readTable(Buffer.from('{"a":"x\\\\u0000y"}\n'), { fileName: 'x.jsonl' });
    expect(t.nrows).toBe(1);
  });
});
