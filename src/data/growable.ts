/**
 * Append-only typed arrays with amortised doubling, so readers can build columns without knowing the row count
 * and without boxing every cell in a JS array.
 */
const INITIAL_CAPACITY = 1024;

/**
 * Buffers a CSV parsing thread got back from the chunks it sent (csv-worker.ts), used before allocating new ones:
 * otherwise every chunk leaves its columns' buffers as garbage, which the collector finds late. Empty elsewhere.
 */
export const spareBuffers: ArrayBuffer[] = [];

function buffer(bytes: number): ArrayBuffer {
  for (let i = 0; i < spareBuffers.length; i++) {
    if (spareBuffers[i].byteLength >= bytes) return spareBuffers.splice(i, 1)[0];
  }
  return new ArrayBuffer(bytes);
}

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
    const n = Math.max(16, capacity);
    this.data = new Float64Array(buffer(n * 8), 0, n);
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

  /** Appends every value of `src` (a chunk parsed on another thread). */
  append(src: Float64Array): void {
    if (this.length + src.length > this.data.length) this.grow(this.length + src.length);
    this.data.set(src, this.length);
    this.length += src.length;
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
    const n = Math.max(16, capacity);
    this.data = new Int32Array(buffer(n * 4), 0, n);
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
