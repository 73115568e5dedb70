/**
 * Replaces -0 with +0 in place. JSON cannot represent -0, so models normalise their numbers up front:
 * that keeps a saved-and-loaded model's predictions bit-identical to the original's, sign of zero included.
 */
export function clearNegativeZeros(a: Float64Array): Float64Array {
  for (let i = 0; i < a.length; i++) if (a[i] === 0) a[i] = 0;
  return a;
}
