import type { Frame, StepContext } from '../frame';
import { sortedFinite, std } from '../stats';
import type { FittedOf, StepOf } from './types';

export function fitStandardize(step: StepOf<'standardize'>, frame: Frame, ctx: StepContext): FittedOf<'standardize'> {
  const columns = step.columns.map((name) => {
    const values = frame.float(name, 'standardize', ctx).values;
    let sum = 0;
    let count = 0;
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v - v === 0) {
        sum += v;
        count++;
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
    }
    if (count === 0) {
      ctx.notes?.push(`${ctx.where}: column "${name}" has no values in the training data; left unscaled`);
      return { name, mean: 0, scale: 1 };
    }
    const mu = sum / count;
    const sd = std(values, mu);
    // A constant column would divide rounding noise by rounding noise; centre it on its exact value so it becomes 0.
    if (lo === hi || !(sd > 1e-12 * Math.max(1, Math.abs(mu)))) {
      ctx.notes?.push(`${ctx.where}: column "${name}" is constant in the training data; it becomes 0`);
      return { name, mean: lo === hi ? lo : mu, scale: 1 };
    }
    return { name, mean: mu, scale: sd };
  });
  return { op: 'standardize', columns };
}

export function applyStandardize(fitted: FittedOf<'standardize'>, frame: Frame, ctx: StepContext): void {
  const n = frame.nrows;
  for (const { name, mean: mu, scale } of fitted.columns) {
    const values = frame.float(name, 'standardize', ctx).values;
    const out = frame.output(values);
    for (let i = 0; i < n; i++) out[i] = (values[i] - mu) / scale;
    frame.replace(name, [{ name, type: 'numeric', values: out }]);
  }
}

export function fitMinmax(step: StepOf<'minmax'>, frame: Frame, ctx: StepContext): FittedOf<'minmax'> {
  const columns = step.columns.map((name) => {
    const sorted = sortedFinite(frame.float(name, 'minmax', ctx).values);
    if (sorted.length === 0) {
      ctx.notes?.push(`${ctx.where}: column "${name}" has no values in the training data; left unscaled`);
      return { name, min: 0, max: 1 };
    }
    return { name, min: sorted[0], max: sorted[sorted.length - 1] };
  });
  return { op: 'minmax', columns };
}

export function applyMinmax(fitted: FittedOf<'minmax'>, frame: Frame, ctx: StepContext): void {
  const n = frame.nrows;
  for (const { name, min, max } of fitted.columns) {
    const values = frame.float(name, 'minmax', ctx).values;
    const range = max > min ? max - min : 1;
    const out = frame.output(values);
    // Serving values outside the training range map outside [0, 1]; that is deliberate (add a clip step to bound them).
    for (let i = 0; i < n; i++) out[i] = (values[i] - min) / range;
    frame.replace(name, [{ name, type: 'numeric', values: out }]);
  }
}
