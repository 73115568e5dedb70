/**
 * The one quantile of Bosun (feature steps, drift bins, evaluation slices): numpy.quantile(x, q) with the
 * default method='linear' (Hyndman & Fan type 7), reproduced operation by operation — including numpy's
 * two-sided lerp — so that values computed here and in the Python parity scripts are the same doubles.
 */

/** Quantile `q` in [0, 1] of an ascending, NaN-free array; NaN when it is empty. */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantileSorted: q must be in [0, 1], got ${q}`);
  const virtual = (n - 1) * q;
  const prev = Math.floor(virtual);
  const next = Math.min(prev + 1, n - 1);
  const gamma = virtual - prev;
  const a = sorted[prev];
  const b = sorted[next];
  const diff = b - a;
  // numpy interpolates from whichever end is nearer, which changes the last bit for gamma >= 0.5.
  return gamma >= 0.5 ? b - diff * (1 - gamma) : a + diff * gamma;
}

/** Unique interior quantile edges at probabilities i/bins, i = 1..bins-1 (duplicates from ties collapse). */
export function quantileEdges(sorted: ArrayLike<number>, bins: number): number[] {
  if (!Number.isInteger(bins) || bins < 1) throw new RangeError(`quantileEdges: bins must be an integer >= 1, got ${bins}`);
  const edges: number[] = [];
  if (sorted.length === 0) return edges;
  for (let i = 1; i < bins; i++) {
    const e = quantileSorted(sorted, i / bins);
    if (edges.length === 0 || e > edges[edges.length - 1]) edges.push(e);
  }
  return edges;
}

/**
 * Bin index of `x` for interior `edges` (ascending): numpy.searchsorted(edges, x, side='left'), i.e. bins
 * (−∞, e0], (e0, e1], …, (e_last, +∞). Right-closed bins keep a tied quantile value in the bin it closes.
 */
export function binIndex(edges: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (edges[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
