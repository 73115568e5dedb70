import { UnknownCategoryError } from '../errors';
import type { Frame, StepContext } from '../frame';
import { compareStrings, levelCounts } from '../stats';
import type { FittedOf, StepOf } from './types';

export function fitOrdinal(step: StepOf<'ordinal'>, frame: Frame, ctx: StepContext): FittedOf<'ordinal'> {
  const columns = step.columns.map((name) => {
    const col = frame.coded(name, 'ordinal', ctx);
    const counts = levelCounts(col.codes, col.levels.length);
    const seen = col.levels.filter((_, c) => counts[c] > 0);
    if (step.order) {
      // A training value outside the declared order is almost always a typo in the order (or in the data).
      const order = new Set(step.order);
      const stray = seen.filter((s) => !order.has(s));
      if (stray.length > 0) {
        throw new Error(
          `${ctx.where}: column "${name}" has ${stray.map((s) => JSON.stringify(s)).join(', ')} in the training data, which order [${step.order.join(', ')}] does not list; add ${stray.length > 1 ? 'them' : 'it'} to order`,
        );
      }
      return { name, categories: [...step.order] };
    }
    if (seen.length === 0) throw new Error(`${ctx.where}: column "${name}" has no values in the training data, so there is nothing to encode; drop it`);
    return { name, categories: seen.sort(compareStrings) };
  });
  return { op: 'ordinal', handleUnknown: step.handleUnknown, columns };
}

export function applyOrdinal(fitted: FittedOf<'ordinal'>, frame: Frame, ctx: StepContext): void {
  const n = frame.nrows;
  for (const { name, categories } of fitted.columns) {
    const col = frame.coded(name, 'ordinal', ctx);
    const index = new Map(categories.map((c, k) => [c, k]));
    // Unseen categories get -1 (below every known rank) unless the step asked to fail on them.
    const UNKNOWN = -2;
    const unseen = fitted.handleUnknown === 'error' ? UNKNOWN : -1;
    const lut = Int32Array.from(col.levels, (level) => index.get(level) ?? unseen);
    const out = frame.alloc();
    const codes = col.codes;
    for (let i = 0; i < n; i++) {
      const c = codes[i];
      if (c < 0) {
        out[i] = NaN;
        continue;
      }
      const rank = lut[c];
      if (rank === UNKNOWN) {
        throw new UnknownCategoryError(
          `${ctx.label(i, name)}: unknown category ${JSON.stringify(col.levels[c])} (known: ${categories.join(', ')}); the ordinal step at ${ctx.where} has handleUnknown: error, set it to ignore to encode unseen categories as -1`,
        );
      }
      out[i] = rank;
    }
    frame.replace(name, [{ name, type: 'numeric', values: out }]);
  }
}
