/**
 * Ascending sort of doubles without NaN, by LSD radix on their IEEE bits (11-bit digits, six passes, passes where
 * every value shares the digit skipped). The order is exactly TypedArray#sort's (-0 before +0), several times
 * faster on the million-value columns profiling sorts for exact quantiles and distinct counts.
 */
const BITS = 11;
const BUCKETS = 1 << BITS;
const MASK = BUCKETS - 1;
/** Below this a comparison sort is as fast and needs no scratch memory. */
const MIN_RADIX = 4096;

/**
 * Sorts `values` in place (it must hold no NaN); returns it. `scratch`, when given, must hold at least
 * 2 × values.length elements; a caller sorting many columns passes one so no column allocates its own.
 */
export function sortFloat64(values: Float64Array, scratch?: Uint32Array): Float64Array {
  const n = values.length;
  if (n < MIN_RADIX) return values.sort();
  // Sortable unsigned keys, made in place: negative values have every bit flipped, positive ones only the sign bit.
  const raw = new Uint32Array(values.buffer, values.byteOffset, n * 2);
  let keys = raw;
  for (let i = 0; i < 2 * n; i += 2) {
    const lo = raw[i];
    const hi = raw[i + 1];
    const flip = hi >> 31; // all ones when negative
    keys[i] = (lo ^ flip) >>> 0;
    keys[i + 1] = (hi ^ (flip | 0x80000000)) >>> 0;
  }
  // One histogram per digit, all from one pass.
  const counts = new Int32Array(BUCKETS * 6);
  for (let i = 0; i < 2 * n; i += 2) {
    const lo = keys[i];
    const hi = keys[i + 1];
    counts[lo & MASK]++;
    counts[BUCKETS + ((lo >>> 11) & MASK)]++;
    counts[2 * BUCKETS + (((lo >>> 22) | (hi << 10)) & MASK)]++;
    counts[3 * BUCKETS + ((hi >>> 1) & MASK)]++;
    counts[4 * BUCKETS + ((hi >>> 12) & MASK)]++;
    counts[5 * BUCKETS + ((hi >>> 23) & MASK)]++;
  }
  let other = scratch && scratch.length >= 2 * n ? scratch.subarray(0, 2 * n) : new Uint32Array(n * 2);
  const offsets = new Int32Array(BUCKETS);
  for (let pass = 0; pass < 6; pass++) {
    const base = pass * BUCKETS;
    let sum = 0;
    let single = false;
    for (let b = 0; b < BUCKETS; b++) {
      const c = counts[base + b];
      if (c === n) single = true;
      offsets[b] = sum;
      sum += c;
    }
    if (single) continue;
    // Three loop shapes (digit in the low word, across both, in the high word) keep the inner loop branch-free.
    if (pass < 2) {
      const shift = pass * BITS;
      for (let i = 0; i < 2 * n; i += 2) {
        const lo = keys[i];
        const at = offsets[(lo >>> shift) & MASK]++ * 2;
        other[at] = lo;
        other[at + 1] = keys[i + 1];
      }
    } else if (pass === 2) {
      for (let i = 0; i < 2 * n; i += 2) {
        const lo = keys[i];
        const hi = keys[i + 1];
        const at = offsets[((lo >>> 22) | (hi << 10)) & MASK]++ * 2;
        other[at] = lo;
        other[at + 1] = hi;
      }
    } else {
      const shift = pass * BITS - 32;
      for (let i = 0; i < 2 * n; i += 2) {
        const hi = keys[i + 1];
        const at = offsets[(hi >>> shift) & MASK]++ * 2;
        other[at] = keys[i];
        other[at + 1] = hi;
      }
    }
    const t = keys;
    keys = other;
    other = t;
  }
  if (keys !== raw) raw.set(keys); // an odd number of passes left the keys in the scratch
  for (let i = 0; i < 2 * n; i += 2) {
    const lo = raw[i];
    const hi = raw[i + 1];
    const flip = ~(hi >> 31); // all ones when the value was negative (its key's top bit is clear)
    raw[i] = (lo ^ flip) >>> 0;
    raw[i + 1] = (hi ^ (flip | 0x80000000)) >>> 0;
  }
  return values;
}
