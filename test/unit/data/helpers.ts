import { existsSync } from 'node:fs';
import { Readable } from 'node:stream';
import { isFloatColumn, type Column, type Table } from '../../../src/data/table';
import { getColumn } from '../../../src/data/table';

/** The shared real datasets beside the checkout, else the repository's own copy of them (a clone elsewhere). */
const SHARED_DATA = new URL('../../../../shared/data/', import.meta.url);
export const DATA_DIR = existsSync(SHARED_DATA) ? SHARED_DATA : new URL('../../../data/', import.meta.url);

/** A column's cells as plain values (numbers, strings, null for missing) for readable assertions. */
export function cells(table: Table, name: string): Array<number | string | null> {
  return values(getColumn(table, name));
}

export function values(col: Column): Array<number | string | null> {
  if (isFloatColumn(col)) return Array.from(col.values, (v) => (Number.isNaN(v) ? null : v));
  return Array.from(col.codes, (c) => (c < 0 ? null : col.levels[c]));
}

export function typesOf(table: Table): Record<string, string> {
  return Object.fromEntries(table.columns.map((c) => [c.name, c.type]));
}

/** A byte stream delivering `text` in small chunks, to exercise chunk boundaries. */
export function chunkedStream(text: string | Buffer, chunkSize = 7): Readable {
  const buf = typeof text === 'string' ? Buffer.from(text) : text;
  const parts: Buffer[] = [];
  for (let i = 0; i < buf.length; i += chunkSize) parts.push(buf.subarray(i, i + chunkSize));
  return Readable.from(parts);
}

/** The error a promise rejects with (fails the test if it resolves). */
export async function rejection(p: Promise<unknown>): Promise<Error & { code?: string; row?: number; column?: string }> {
  try {
    await p;
  } catch (e) {
    return e as Error & { code?: string };
  }
  throw new Error('expected the promise to reject');
}

/**
 * Cheap exact table equality: vitest's deep equality walks typed arrays element by element, which takes seconds on
 * tables of a few thousand rows. NaN cells compare by bit pattern, which the readers keep canonical.
 */
export function sameTable(a: Table, b: Table): boolean {
  if (a.nrows !== b.nrows || a.columns.length !== b.columns.length) return false;
  return a.columns.every((ca, i) => {
    const cb = b.columns[i];
    if (ca.name !== cb.name || ca.type !== cb.type) return false;
    const bytes = (c: Column) => {
      const arr = isFloatColumn(c) ? c.values : c.codes;
      return Buffer.from(arr.buffer, arr.byteOffset, arr.byteLength);
    };
    const levels = (c: Column) => (isFloatColumn(c) ? '' : JSON.stringify(c.levels));
    return bytes(ca).equals(bytes(cb)) && levels(ca) === levels(cb);
  });
}
