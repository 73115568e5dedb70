/**
 * Append-only typed arrays with amortised doubling, so readers can build columns without knowing the row count
 * and without boxing every cell in a JS array.
 */
const INITIAL_CAPACITY = 1024;

/**
 * Exactly-sized result. When little capacity is unused (a good row-count estimate), a view avoids copying the column
 * at the end of a read, which would briefly double its memory.
 */
function trimmed<T extends Float64Array | Int32Array>(data: T, length: number): T {
  if (data.length === length) return data;
  if (data.length - length <= data.length >>> 4) return data.subarray(0, length) as T;
  return data.slice(0, length) as T;
}

export class GrowableFloat64 {
  private data: Float64Array;
  length = 0;

  constructor(capacity = INITIAL_CAPACITY) {
    this.data = new Float64Array(Math.max(16, capacity));
  }

  push(v: number): void {
    if (this.length === this.data.length) this.grow(this.length + 1);
    this.data[this.length++] = v;
  }

  /** Appends `count` copies of `v` (missing-value backfill). */
  fill(v: number, count: number): void {
    if (this.length + count > this.data.length) this.grow(this.length + count);
    this.data.fill(v, this.length, this.length + count);
    this.length += count;
  }

  get(i: number): number {
    return this.data[i];
  }

  /** The values, sized to the length; the builder must not be used afterwards. */
  finish(): Float64Array {
    return trimmed(this.data, this.length);
  }

  private grow(min: number): void {
    let cap = this.data.length * 2;
    while (cap < min) cap *= 2;
    const next = new Float64Array(cap);
    next.set(this.data.subarray(0, this.length));
    this.data = next;
  }
}

export class GrowableInt32 {
  private data: Int32Array;
  length = 0;

  constructor(capacity = INITIAL_CAPACITY) {
    this.data = new Int32Array(Math.max(16, capacity));
  }

  push(v: number): void {
    if (this.length === this.data.length) this.grow(this.length + 1);
    this.data[this.length++] = v;
  }

  fill(v: number, count: number): void {
    if (this.length + count > this.data.length) this.grow(this.length + count);
    this.data.fill(v, this.length, this.length + count);
    this.length += count;
  }

  finish(): Int32Array {
    return trimmed(this.data, this.length);
  }

  private grow(min: number): void {
    let cap = this.data.length * 2;
    while (cap < min) cap *= 2;
    const next = new Int32Array(cap);
    next.set(this.data.subarray(0, this.length));
    this.data = next;
  }
}
