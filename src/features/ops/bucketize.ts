import type { Frame, StepContext } from '../frame';
import { quantileSorted } from '../../stats/quantile';
import { sortedFinite } from '../stats';
import type { FittedOf, StepOf } from './types';

export function fitBucketize(step: StepOf<'bucketize'>, frame: Frame, ctx: StepContext): FittedOf<'bucketize'> {
  const columns = step.columns.map((name) => {
    const values = frame.float(name, 'bucketize', ctx).values;
    if (step.boundaries) return { name, boundaries: [...step.boundaries] };
    const bins = step.bins!;
    const sorted = sortedFinite(values);
    if (sorted.length === 0) throw new Error(`${ctx.where}: column "${name}" has no values in the training data to learn bins from; use fixed boundaries or drop it`);
    const boundaries: number[] = [];
    for (let k = 1; k < bins; k++) {
      const q = quantileSorted(sorted, k / bins);
      // Heavy ties make neighbouring quantiles equal; an empty bucket would carry no information, so merge it.
      if (boundaries.length === 0 || q > boundaries[boundaries.length - 1]) boundaries.push(q);
    }
    if (boundaries.length < bins - 1) {
      ctx.notes?.push(`${ctx.where}: column "${name}" has too many repeated values for ${bins} equal-frequency bins; it gets ${boundaries.length + 1}`);
    }
    return { name, boundaries };
  });
  return { op: 'bucketize', columns };
}

export function applyBucketize(fitted: FittedOf<'bucketize'>, frame: Frame, ctx: StepContext): void {
  const n = frame.nrows;
  for (const { name, boundaries } of fitted.columns) {
    const values = frame.float(name, 'bucketize', ctx).values;
    const b = Float64Array.from(boundaries);
    const out = frame.output(values);
    for (let i = 0; i < n; i++) {
      const v = values[i];
      if (v !== v) {
        out[i] = NaN;
        continue;
      }
      // Bucket k holds boundaries[k-1] <= v < boundaries[k]: count the boundaries <= v by binary search.
      let lo = 0;
      let hi = b.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (b[mid] <= v) lo = mid + 1;
        else hi = mid;
      }
      out[i] = lo;
    }
    frame.replace(name, [{ name, type: 'numeric', values: out }]);
  }
}
