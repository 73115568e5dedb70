/**
 * Fixed-capacity uniform sample of a stream of numbers (reservoir sampling, Li's Algorithm L).
 *
 * Every value seen has the same probability capacity/seen of being in the sample, so the sample is a simple
 * random sample of the window and exact-KS on it is a valid test at sample size `length`. Algorithm L draws
 * O(k·log(n/k)) random numbers instead of one per value, which keeps feeding 10^8 values cheap. The stream
 * is seeded (src/ml/random), so the same values in the same order always give the same sample —
 * batch boundaries do not matter.
 */
import { type Rng, createRng } from '../ml/random';

export class Reservoir {
  readonly capacity: number;
  private buffer: Float64Array;
  private count = 0;
  private seen = 0;
  private w = 0;
  private nextIndex = 0;
  private readonly rng: Rng;

  constructor(capacity: number, seed: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new Error(`Reservoir: capacity must be an integer >= 1, got ${capacity}`);
    }
    this.capacity = capacity;
    // Start small and grow to the cap, so small windows over many features do not each reserve the full cap.
    this.buffer = new Float64Array(Math.min(capacity, 1024));
    this.rng = createRng(seed);
  }

  /** Values offered so far. */
  get seenCount(): number {
    return this.seen;
  }

  /** Values currently held (min(seen, capacity)). */
  get length(): number {
    return this.count;
  }

  /** Bytes held by the sample buffer; never more than 8·capacity. */
  get byteLength(): number {
    return this.buffer.byteLength;
  }

  /** A uniform in (0, 1): never 0, so the logarithms below stay finite. */
  private open01(): number {
    return this.rng.next() + 2 ** -33;
  }

  private skip(): number {
    return Math.floor(Math.log(this.open01()) / Math.log(1 - this.w)) + 1;
  }

  offer(x: number): void {
    const i = this.seen++;
    if (i < this.capacity) {
      if (i === this.buffer.length) {
        const grown = new Float64Array(Math.min(this.capacity, this.buffer.length * 2));
        grown.set(this.buffer);
        this.buffer = grown;
      }
      this.buffer[i] = x;
      this.count++;
      if (i === this.capacity - 1) {
        this.w = Math.exp(Math.log(this.open01()) / this.capacity);
        this.nextIndex = i + this.skip();
      }
    } else if (i === this.nextIndex) {
      this.buffer[this.rng.int(this.capacity)] = x;
      this.w *= Math.exp(Math.log(this.open01()) / this.capacity);
      this.nextIndex += this.skip();
    }
  }

  /**
   * Offers every value of `values` (none of them missing), in order. Equivalent to calling offer() on each,
   * but once the reservoir is full it jumps straight to the next index Algorithm L picked, so a large batch
   * costs O(replacements), not O(values).
   */
  offerAll(values: Float64Array): void {
    const n = values.length;
    let i = 0;
    while (i < n && this.seen < this.capacity) this.offer(values[i++]);
    if (i === n) return;
    const end = this.seen - i + n; // stream index just past this batch
    while (this.nextIndex < end) {
      this.buffer[this.rng.int(this.capacity)] = values[this.nextIndex - (end - n)];
      this.w *= Math.exp(Math.log(this.open01()) / this.capacity);
      this.nextIndex += this.skip();
    }
    this.seen = end;
  }

  /** A sorted copy of the sample. */
  sortedSample(): Float64Array {
    return this.buffer.slice(0, this.count).sort();
  }
}
