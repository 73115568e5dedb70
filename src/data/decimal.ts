/**
 * Decimal text to double straight from bytes, without making a string: the CSV reader's hot path.
 *
 * The result must be the value `Number(text)` gives (the correctly rounded double), bit for bit, so a column reads
 * the same whichever path a cell takes and the same as serving's string parser. Two exact methods cover nearly
 * every number written by a program:
 * - up to 15 significant digits with a power of ten up to 10^22: one IEEE multiply or divide of two exact values,
 *   which is correctly rounded by definition (Clinger's fast path);
 * - 16 to 19 significant digits divided by a power of ten (the shortest round-trip form of a double, e.g.
 *   `0.49070524325843845`): the digits are held exactly as a double-double, divided with an error below 2^-50 ulp,
 *   and the rounding is accepted only when the quotient is not within 2^-40 ulp of a midpoint between two doubles.
 * Anything else (hex, `inf`, exponents out of range, more digits, a near-midpoint) returns SLOW and the caller
 * parses the text with `parseNumber`, so the fast path only ever agrees with it.
 */

/** Not a result: the caller must take the string path. (No accepted input parses to NaN.) */
export const SLOW = NaN;

const POW10: number[] = [];
for (let i = 0, p = 1; i <= 22; i++, p *= 10) POW10.push(p); // exact: 10^22 < 2^53 · 2^22
const SPLITTER = 134217729; // 2^27 + 1, Dekker's split
const POW10_HI = POW10.map((d) => {
  const c = SPLITTER * d;
  return c - (c - d);
});
const POW10_LO = POW10.map((d, i) => d - POW10_HI[i]);
const TOLERANCE = 2 ** -40;

const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);

/** The number spelled by bytes [start, end), or SLOW. The bytes have no surrounding whitespace. */
export function parseDecimalBytes(b: Uint8Array, start: number, end: number): number {
  let i = start;
  let c = b[i];
  let negative = false;
  if (c === 45) {
    negative = true;
    i++;
  } else if (c === 43) i++;
  let hi = 0; // first 15 significant digits
  let lo = 0; // up to 4 more
  let significant = 0;
  let digits = 0;
  let fraction = 0;
  let dot = false;
  for (; i < end; i++) {
    c = b[i];
    const d = c - 48;
    if (d >= 0 && d <= 9) {
      digits++;
      if (dot) fraction++;
      if (significant === 0 && d === 0) continue; // leading zero
      significant++;
      if (significant <= 15) hi = hi * 10 + d;
      else if (significant <= 19) lo = lo * 10 + d;
      else return SLOW;
    } else if (c === 46 && !dot) {
      dot = true;
    } else break;
  }
  if (digits === 0) return SLOW;
  let exponent = 0;
  if (i < end) {
    if ((c | 32) !== 101) return SLOW; // e / E
    i++;
    let expNegative = false;
    if (b[i] === 45) {
      expNegative = true;
      i++;
    } else if (b[i] === 43) i++;
    if (i >= end) return SLOW;
    for (; i < end; i++) {
      const d = b[i] - 48;
      if (d < 0 || d > 9 || exponent > 1000) return SLOW;
      exponent = exponent * 10 + d;
    }
    if (expNegative) exponent = -exponent;
  }
  if (significant === 0) return negative ? -0 : 0;
  const k = exponent - fraction;
  let v: number;
  if (significant <= 15) {
    if (k === 0) v = hi;
    else if (k > 0 && k <= 22) v = hi * POW10[k];
    else if (k < 0 && k >= -22) v = hi / POW10[-k];
    else return SLOW;
  } else {
    if (k >= 0 || k < -22) return SLOW;
    v = divideExact(hi, lo, significant - 15, -k);
  }
  return negative ? -v : v;
}

/** (hi · 10^r + lo) / 10^n correctly rounded, or SLOW when the quotient is too close to a rounding midpoint. */
function divideExact(hi: number, lo: number, r: number, n: number): number {
  // m = hi·10^r + lo exactly as s + sLo (m < 2^64, so the error terms are small integers and add exactly).
  const P = POW10[r];
  const a = hi * P;
  const aErr = twoProductErr(hi, a, POW10_HI[r], POW10_LO[r]);
  const s = a + lo;
  const bb = s - a;
  const sErr = a - (s - bb) + (lo - bb);
  const sLo = sErr + aErr;
  // q1 + q2 ≈ m / D with the remainder m - q1·D computed exactly up to its last rounding.
  const D = POW10[n];
  const q1 = s / D;
  const ph = q1 * D;
  const pl = twoProductErr(q1, ph, POW10_HI[n], POW10_LO[n]);
  const q2 = (s - ph - pl + sLo) / D;
  const y = q1 + q2;
  const yb = y - q1;
  const t = q1 - (y - yb) + (q2 - yb); // exact (q1 + q2) - y
  F64[0] = y;
  if (U32[1] >>> 20 === 0) return SLOW; // subnormal: not reachable for n <= 22, but be safe
  const mantissaZero = U32[0] === 0 && (U32[1] & 0xfffff) === 0;
  U32[0] ^= 1;
  const ulp = Math.abs(y - F64[0]);
  const tol = ulp * TOLERANCE;
  const at = Math.abs(t);
  if (Math.abs(at - ulp / 2) <= tol) return SLOW;
  // Below a power of two the doubles are twice as dense: the midpoint under y is a quarter ulp away.
  if (mantissaZero && t < 0 && Math.abs(at - ulp / 4) <= tol) return SLOW;
  return y;
}

/** The rounding error of p = fl(x · d), with d pre-split into dh + dl (Dekker's two-product). */
function twoProductErr(x: number, p: number, dh: number, dl: number): number {
  const c = SPLITTER * x;
  const xh = c - (c - x);
  const xl = x - xh;
  return xh * dh - p + xh * dl + xl * dh + xl * dl;
}
