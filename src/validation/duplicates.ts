/**
 * Counts rows that exactly repeat an earlier row, without building a string key per row: two 32-bit hashes are
 * accumulated column by column (cache-friendly over typed arrays), and rows whose hashes match are compared cell by
 * cell, so a hash collision never counts as a duplicate. Missing equals missing.
 */
import { isFloatColumn, type Table } from '../data/table';

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

export function countDuplicateRows(table: Table): number {
  const n = table.nrows;
  const h1 = new Uint32Array(n).fill(0x811c9dc5);
  const h2 = new Uint32Array(n).fill(0x9747b28c);
  for (const col of table.columns) {
    if (isFloatColumn(col)) {
      const v = col.values;
      for (let i = 0; i < n; i++) {
        const x = v[i];
        f64[0] = x !== x ? NaN : x === 0 ? 0 : x; // one bit pattern for NaN and for ±0
        h1[i] = mix(h1[i], u32[0] ^ Math.imul(u32[1], 0x27d4eb2d));
        h2[i] = mix(h2[i] ^ u32[1], u32[0]);
      }
    } else {
      const c = col.codes;
      for (let i = 0; i < n; i++) {
        h1[i] = mix(h1[i], c[i]);
        h2[i] = mix(h2[i], Math.imul(c[i], 0x85ebca6b) ^ 0x5bd1e995);
      }
    }
  }
  const seen = new Map<number, number | number[]>();
  let duplicates = 0;
  for (let i = 0; i < n; i++) {
    // 32 + 21 bits: a key that is still an exact integer as a JS number.
    const key = h1[i] * 2097152 + (h2[i] >>> 11);
    const prior = seen.get(key);
    if (prior === undefined) {
      seen.set(key, i);
      continue;
    }
    const candidates = typeof prior === 'number' ? [prior] : prior;
    if (candidates.some((j) => rowsEqual(table, i, j))) {
      duplicates++;
    } else {
      seen.set(key, [...candidates, i]);
    }
  }
  return duplicates;
}

function mix(h: number, k: number): number {
  k = Math.imul(k, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) >>> 0;
}

function rowsEqual(table: Table, a: number, b: number): boolean {
  for (const col of table.columns) {
    if (isFloatColumn(col)) {
      const x = col.values[a];
      const y = col.values[b];
      if (x !== y && !(x !== x && y !== y)) return false;
    } else if (col.codes[a] !== col.codes[b]) {
      return false;
    }
  }
  return true;
}
