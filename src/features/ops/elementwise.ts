import type { Frame, StepContext } from '../frame';
import { quantileSorted } from '../../stats/quantile';
import { sortedFinite } from '../stats';
import type { FittedOf, StepOf } from './types';

export function fitLog1p(step: StepOf<'log1p'>, frame: Frame, ctx: StepContext): FittedOf<'log1p'> {
  for (const name of step.columns) {
    const values = frame.float(name, 'log1p', ctx).values;
    let bad = 0;
    for (let i = 0; i < values.length; i++) if (values[i] <= -1) bad++;
    if (bad > 0) ctx.notes?.push(`${ctx.where}: column "${name}" has ${bad} training values <= -1, where log1p is undefined; they become missing`);
  }
  return { op: 'log1p', columns: [...step.columns] };
}

export function applyLog1p(fitted: FittedOf<'log1p'>, frame: Frame, ctx: StepContext): void {
  const n = frame.nrows;
  for (const name of fitted.columns) {
    const values = frame.float(name, 'log1p', ctx).values;
    const out = frame.output(values);
    for (let i = 0; i < n; i++) {
      const y = Math.log1p(values[i]);
      out[i] = y - y === 0 ? y : NaN; // log1p(-1) is -Infinity: missing, like the rest of the undefined domain
    }
    frame.replace(name, [{ name, type: 'numeric', values: out }]);
  }
}

export function fitClip(step: StepOf<'clip'>, frame: Frame, ctx: StepContext): FittedOf<'clip'> {
  const columns = step.columns.map((name) => {
    const values = frame.float(name, 'clip', ctx).values;
    if (!step.quantiles) return { name, min: step.min ?? null, max: step.max ?? null };
    const sorted = sortedFinite(values);
    if (sorted.length === 0) throw new Error(`${ctx.where}: column "${name}" has no values in the training data to learn quantiles from; use fixed min/max or drop it`);
    return { name, min: quantileSorted(sorted, step.quantiles[0]), max: quantileSorted(sorted, step.quantiles[1]) };
  });
  return { op: 'clip', columns };
}

export function applyClip(fitted: FittedOf<'clip'>, frame: Frame, ctx: StepContext): void {
  const n = frame.nrows;
  for (const { name, min, max } of fitted.columns) {
    const values = frame.float(name, 'clip', ctx).values;
    const lo = min ?? -Infinity;
    const hi = max ?? Infinity;
    const out = frame.output(values);
    for (let i = 0; i < n; i++) {
      const v = values[i];
      out[i] = v < lo ? lo : v > hi ? hi : v; // NaN fails both comparisons and stays missing
    }
    frame.replace(name, [{ name, type: 'numeric', values: out }]);
  }
}
