import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DataError } from '../../../src/data/errors';
import { readTable } from '../../../src/data/read';
import type { Table } from '../../../src/data/table';

// Property: whatever bytes arrive, a reader returns a table or throws the data module's typed error (which
// ingest turns into BadInput), never another exception type. A hang fails the test by its timeout.
const SEED = 20261202;
const RUNS = 250;

async function outcome(read: () => Promise<Table>): Promise<'table' | 'data-error'> {
  try {
    const t = await read();
    expect(t.nrows).toBeGreaterThan(0);
    for (const c of t.columns) expect(c.name).toEqual(expect.any(String));
    return 'table';
  } catch (err) {
    if (err instanceof DataError) {
      expect(err.message.length).toBeGreaterThan(0);
      return 'data-error';
    }
    throw new Error(`reader threw ${(err as Error)?.name}: ${(err as Error)?.message}`, { cause: err });
  }
}

/** The same bytes as a Buffer and as a stream split at an arbitrary point (the two code paths). */
function chunked(bytes: Uint8Array, cut: number): Readable {
  const at = bytes.length === 0 ? 0 : cut % bytes.length;
  return Readable.from([Buffer.from(bytes.subarray(0, at)), Buffer.from(bytes.subarray(at))].filter((b) => b.length > 0));
}

const hugeNumber = fc.oneof(
  fc.constantFrom('1e308', '1e400', '-1e400', '9'.repeat(400), '0x1F', '1_000', 'NaN', 'Infinity', '-Infinity', '-0', '.5', '5.', '1e-400'),
  fc.double().map(String),
  fc.bigInt().map(String),
);
const cellText = fc.oneof(
  fc.string({ unit: fc.constantFrom('a', 'b', ' ', ',', ';', '\t', '|', '"', "'", '\n', '\r', '\u0000', '\ufeff', 'é', '😀', '\\'), maxLength: 8 }),
  hugeNumber,
  fc.constantFrom('', 'NA', 'null', 'true', 'FALSE', '2024-01-02', '2024-13-45T25:61:00Z', '""', '"a""b"', '"unclosed'),
);
const delimiter = fc.constantFrom(',', ';', '\t', '|');

/** Text shaped like a CSV (header, ragged rows, quotes, line endings, BOM) but with every kind of defect. */
const csvText = fc
  .record({
    bom: fc.boolean(),
    delimiter,
    eol: fc.constantFrom('\n', '\r\n', '\r'),
    rows: fc.array(fc.array(cellText, { minLength: 0, maxLength: 6 }), { minLength: 0, maxLength: 12 }),
    quoteAll: fc.boolean(),
    trailingEol: fc.boolean(),
  })
  .map(({ bom, delimiter: d, eol, rows, quoteAll, trailingEol }) => {
    const line = (cells: string[]) => cells.map((c) => (quoteAll ? `"${c.replace(/"/g, '""')}"` : c)).join(d);
    return (bom ? '\ufeff' : '') + rows.map(line).join(eol) + (trailingEol ? eol : '');
  });

const jsonValue = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  hugeNumber,
  fc.constantFrom(null, true, 1e308, -0, '\u0000', '2024-01-02', 'NA'),
);
const jsonlLine = fc.oneof(
  { weight: 6, arbitrary: fc.dictionary(fc.string({ maxLength: 4 }), jsonValue, { maxKeys: 5 }).map((o) => JSON.stringify(o)) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 1 }).map((v) => JSON.stringify(v) ?? 'undefined') },
  { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 1, arbitrary: fc.constantFrom('{"a":1', '{"a":1}}', '{"a":1e400}', '{"a":"\\u0000"}', '{"__proto__":{"x":1}}', '{"a":1,"a":2}', '', '   ', '\u0000') },
);
const jsonlText = fc
  .record({ bom: fc.boolean(), eol: fc.constantFrom('\n', '\r\n'), lines: fc.array(jsonlLine, { maxLength: 10 }) })
  .map(({ bom, eol, lines }) => (bom ? '\ufeff' : '') + lines.join(eol));

const params = (seed: number) => ({ seed, numRuns: RUNS, endOnFailure: true });

describe('fuzz: CSV and JSON Lines readers return a table or a DataError', () => {
  it('CSV-shaped text, from a buffer and from a stream', async () => {
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(csvText, fc.nat(), async (text, cut) => {
        const bytes = Buffer.from(text, 'utf8');
        const a = await outcome(() => readTable(bytes, { fileName: 'fuzz.csv' }));
        const b = await outcome(() => readTable(chunked(bytes, cut), { fileName: 'fuzz.csv' }));
        // The buffer and the stream path agree on whether the input is readable.
        expect(b).toBe(a);
        seen.add(a);
      }),
      params(SEED),
    );
    // The generator reaches both outcomes, so the property is not vacuous.
    expect([...seen].sort()).toEqual(['data-error', 'table']);
  });

  it('JSON Lines-shaped text, from a buffer and from a stream', async () => {
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(jsonlText, fc.nat(), async (text, cut) => {
        const bytes = Buffer.from(text, 'utf8');
        const a = await outcome(() => readTable(bytes, { fileName: 'fuzz.jsonl' }));
        const b = await outcome(() => readTable(chunked(bytes, cut), { fileName: 'fuzz.jsonl' }));
        expect(b).toBe(a);
        seen.add(a);
      }),
      params(SEED + 1),
    );
    expect([...seen].sort()).toEqual(['data-error', 'table']);
  });

  it('random bytes, with format detection and with each format forced', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), fc.constantFrom(undefined, 'x.csv', 'x.tsv', 'x.jsonl', 'x.parquet', 'x.csv.gz', 'x.json'), async (bytes, fileName) => {
        await outcome(() => readTable(Buffer.from(bytes), { fileName }));
      }),
      params(SEED + 2),
    );
  });
});
