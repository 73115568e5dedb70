/**
 * A small hash map from byte strings to level codes, so a string column finds a repeated level without decoding
 * the cell into a JS string. It only remembers the first CAP distinct values: a text column with a million
 * distinct values gains nothing from it, and the column's own string dictionary stays the authority.
 */
const CAP = 1 << 16;

export class ByteDictionary {
  private pool = Buffer.allocUnsafe(4096);
  private poolUsed = 0;
  private offsets = new Int32Array(64);
  private lengths = new Int32Array(64);
  private codes = new Int32Array(64);
  private size = 0;
  /** Open addressing: entry index + 1, 0 for empty. */
  private table = new Int32Array(128);

  /** The code stored for bytes [start, end), or -1. */
  get(b: Uint8Array, start: number, end: number): number {
    const mask = this.table.length - 1;
    const len = end - start;
    for (let slot = hash(b, start, end) & mask; ; slot = (slot + 1) & mask) {
      const e = this.table[slot] - 1;
      if (e < 0) return -1;
      if (this.lengths[e] !== len) continue;
      const off = this.offsets[e];
      let i = 0;
      while (i < len && this.pool[off + i] === b[start + i]) i++;
      if (i === len) return this.codes[e];
    }
  }

  /** Remembers bytes [start, end) as `code`; the caller has checked they are absent. */
  set(b: Uint8Array, start: number, end: number, code: number): void {
    if (this.size >= CAP) return;
    const len = end - start;
    if (this.poolUsed + len > this.pool.length) {
      const next = Buffer.allocUnsafe(Math.max(this.pool.length * 2, this.poolUsed + len));
      this.pool.copy(next, 0, 0, this.poolUsed);
      this.pool = next;
    }
    this.pool.set(b.subarray(start, end), this.poolUsed);
    if (this.size === this.offsets.length) {
      this.offsets = grow(this.offsets);
      this.lengths = grow(this.lengths);
      this.codes = grow(this.codes);
    }
    const e = this.size++;
    this.offsets[e] = this.poolUsed;
    this.lengths[e] = len;
    this.codes[e] = code;
    this.poolUsed += len;
    if (this.size * 2 > this.table.length) this.rehash();
    else this.insert(e);
  }

  private insert(e: number): void {
    const mask = this.table.length - 1;
    const off = this.offsets[e];
    let slot = hash(this.pool, off, off + this.lengths[e]) & mask;
    while (this.table[slot] !== 0) slot = (slot + 1) & mask;
    this.table[slot] = e + 1;
  }

  private rehash(): void {
    this.table = new Int32Array(this.table.length * 2);
    for (let e = 0; e < this.size; e++) this.insert(e);
  }
}

/** FNV-1a. */
function hash(b: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ b[i], 0x01000193);
  return h >>> 0;
}

function grow(a: Int32Array): Int32Array<ArrayBuffer> {
  const next = new Int32Array(a.length * 2);
  next.set(a);
  return next;
}
