/** Training statistics. All skip missing values (NaN, and ±Infinity, which no fitted parameter may hold). */

/** The finite values, sorted ascending (typed-array sort is numeric). */
export function sortedFinite(values: Float64Array): Float64Array {
  let n = 0;
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i])) n++;
  const out = new Float64Array(n);
  let k = 0;
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i])) out[k++] = values[i];
  return out.sort();
}

export function mean(values: Float64Array): number {
  let sum = 0;
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isFinite(v)) {
      sum += v;
      n++;
    }
  }
  return n === 0 ? NaN : sum / n;
}

/** Population standard deviation (ddof 0, as scikit-learn's StandardScaler), two-pass for accuracy. */
export function std(values: Float64Array, mu: number): number {
  let ss = 0;
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isFinite(v)) {
      ss += (v - mu) * (v - mu);
      n++;
    }
  }
  return n === 0 ? NaN : Math.sqrt(ss / n);
}


/** The finite values, unsorted (a copy the caller may reorder). */
export function finiteCopy(values: Float64Array): Float64Array {
  let n = 0;
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i])) n++;
  const out = new Float64Array(n);
  let k = 0;
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i])) out[k++] = values[i];
  return out;
}

/**
 * Rearranges `a` so a[k] is the value a full sort would put there, everything before it is <= and everything after
 * is >= (Hoare's quickselect, median-of-three pivot). Linear on average, against n log n for sorting: the median of
 * a million-row column is the single biggest cost of fitting otherwise.
 */
export function selectKth(a: Float64Array, k: number): number {
  let lo = 0;
  let hi = a.length - 1;
  while (hi > lo) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < a[lo]) swap(a, mid, lo);
    if (a[hi] < a[lo]) swap(a, hi, lo);
    if (a[mid] < a[hi]) swap(a, mid, hi);
    const pivot = a[hi];
    let i = lo - 1;
    let j = hi;
    for (;;) {
      do i++;
      while (a[i] < pivot);
      do j--;
      while (j > lo && a[j] > pivot);
      if (i >= j) break;
      swap(a, i, j);
    }
    swap(a, i, hi);
    if (i === k) return a[k];
    if (i < k) lo = i + 1;
    else hi = i - 1;
  }
  return a[k];
}

function swap(a: Float64Array, i: number, j: number): void {
  const t = a[i];
  a[i] = a[j];
  a[j] = t;
}

/** Same value as quantileSorted(sortedFinite(values), 0.5) (src/stats/quantile.ts), without the sort. */
export function median(values: Float64Array): number {
  const a = finiteCopy(values);
  const n = a.length;
  if (n === 0) return NaN;
  const lo = (n - 1) >>> 1;
  const below = selectKth(a, lo);
  if (n % 2 === 1) return below;
  // After selection everything right of `lo` is >= a[lo]; the upper middle value is their minimum.
  let above = Infinity;
  for (let i = lo + 1; i < n; i++) if (a[i] < above) above = a[i];
  return below + (above - below) * 0.5;
}

/** Most frequent finite value; ties go to the smallest so refits on the same data agree. NaN when empty. */
export function modeFloat(values: Float64Array): number {
  // Typical inputs (booleans, small integer codes) have few distinct values: count them in one pass, and fall back
  // to sorting only when the column turns out to be high-cardinality.
  const counts = new Map<number, number>();
  let i = 0;
  for (; i < values.length && counts.size <= 1024; i++) {
    const v = values[i];
    if (Number.isFinite(v)) counts.set(v + 0, (counts.get(v + 0) ?? 0) + 1);
  }
  if (i === values.length) {
    let best = NaN;
    let bestCount = 0;
    for (const [v, c] of counts) {
      if (c > bestCount || (c === bestCount && v < best)) {
        best = v;
        bestCount = c;
      }
    }
    return best;
  }
  const sorted = sortedFinite(values);
  let best = NaN;
  let bestCount = 0;
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j < sorted.length && sorted[j] === sorted[i]) j++;
    if (j - i > bestCount) {
      best = sorted[i];
      bestCount = j - i;
    }
    i = j;
  }
  return best;
}

/** Occurrences of each level code (missing codes are skipped). */
export function levelCounts(codes: Int32Array, nlevels: number): Float64Array {
  const counts = new Float64Array(nlevels);
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i];
    if (c >= 0) counts[c]++;
  }
  return counts;
}

/** Code-unit order, not locale order: fitted artifacts must not depend on the machine's locale. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Most frequent level; ties go to the alphabetically first. Undefined when every value is missing. */
export function modeLevel(codes: Int32Array, levels: readonly string[]): string | undefined {
  const counts = levelCounts(codes, levels.length);
  let best: string | undefined;
  let bestCount = 0;
  for (let c = 0; c < levels.length; c++) {
    if (counts[c] > bestCount || (counts[c] === bestCount && counts[c] > 0 && compareStrings(levels[c], best!) < 0)) {
      best = levels[c];
      bestCount = counts[c];
    }
  }
  return best;
}
