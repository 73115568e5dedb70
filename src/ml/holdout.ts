import type { Rng } from './random';
import { ModelInputError } from './spec';

export interface Holdout {
  /** Row indices, ascending (keeps later column scans in memory order). */
  train: Int32Array;
  validation: Int32Array;
}

/**
 * Random train/validation split of n rows with ceil(fraction * n) validation rows, as sklearn's
 * train_test_split. With `strata` (class indices) every class keeps its share in both parts, so a rare
 * class cannot vanish from the validation loss.
 */
export function holdoutSplit(n: number, fraction: number, rng: Rng, strata?: Float64Array): Holdout {
  const nValidation = Math.ceil(fraction * n);
  if (nValidation < 1 || n - nValidation < 1) {
    throw new ModelInputError(
      `cannot hold out ${fraction} of ${n} rows for validation: both parts need at least one row ` +
        '(use more data, change validationFraction, or turn off earlyStopping)',
    );
  }
  const isValidation = new Uint8Array(n);
  if (!strata) {
    const perm = rng.permutation(n);
    for (let i = 0; i < nValidation; i++) isValidation[perm[i]] = 1;
  } else {
    const groups = rowsByClass(strata, n);
    const keys = [...groups.keys()].sort((a, b) => a - b);
    // Largest-remainder apportionment: per-class counts that add up exactly to nValidation.
    const alloc = keys.map((key) => (groups.get(key)!.length * nValidation) / n);
    const counts = alloc.map(Math.floor);
    let remaining = nValidation - counts.reduce((a, b) => a + b, 0);
    const byRemainder = keys.map((_, i) => i).sort((a, b) => alloc[b] - counts[b] - (alloc[a] - counts[a]) || a - b);
    for (let r = 0; remaining > 0; r = (r + 1) % keys.length, remaining--) counts[byRemainder[r]]++;
    keys.forEach((key, gi) => {
      const members = rng.shuffle(groups.get(key)!);
      for (let i = 0; i < counts[gi]; i++) isValidation[members[i]] = 1;
    });
  }
  const train = new Int32Array(n - nValidation);
  const validation = new Int32Array(nValidation);
  let t = 0;
  let v = 0;
  for (let i = 0; i < n; i++) {
    if (isValidation[i]) validation[v++] = i;
    else train[t++] = i;
  }
  return { train, validation };
}

/** The row indices of each class among the first n rows of `strata`, in row order. */
export function rowsByClass(strata: Float64Array, n: number): Map<number, number[]> {
  const groups = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const g = groups.get(strata[i]);
    if (g) g.push(i);
    else groups.set(strata[i], [i]);
  }
  return groups;
}
