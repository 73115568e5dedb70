import type { Column } from '../../data/table';
import { isFloatColumn } from '../../data/table';
import type { Frame, StepContext } from '../frame';
import { indicatorName } from '../names';
import { mean, median, modeFloat, modeLevel } from '../stats';
import type { FittedOf, StepOf } from './types';

export function fitImpute(step: StepOf<'impute'>, frame: Frame, ctx: StepContext): FittedOf<'impute'> {
  const columns = step.columns.map((name) => {
    const col = frame.column(name, 'impute', ctx, { strategy: step.strategy, value: step.value });
    let fill: number | string | undefined;
    if (step.strategy === 'constant') fill = step.value;
    else if (isFloatColumn(col)) {
      const v = step.strategy === 'mean' ? mean(col.values) : step.strategy === 'median' ? median(col.values) : modeFloat(col.values);
      fill = Number.isFinite(v) ? v : undefined;
    } else fill = modeLevel(col.codes, col.levels);
    if (fill === undefined) {
      throw new Error(`${ctx.where}: column "${name}" has no values in the training data to learn a ${step.strategy} from; drop it, or use strategy: constant`);
    }
    return { name, fill };
  });
  return { op: 'impute', strategy: step.strategy, addIndicator: step.addIndicator, columns };
}

export function applyImpute(fitted: FittedOf<'impute'>, frame: Frame, ctx: StepContext): void {
  const n = frame.nrows;
  for (const { name, fill } of fitted.columns) {
    // Checked as "constant" so a fill whose type does not match the column (a corrupt artifact) is caught by the same rule.
    const col = frame.column(name, 'impute', ctx, { strategy: 'constant', value: fill });
    const indicator = fitted.addIndicator ? frame.alloc() : undefined;
    let filled: Column;
    if (isFloatColumn(col)) {
      const values = col.values;
      const f = fill as number;
      let firstMissing = -1;
      for (let i = 0; i < n; i++) {
        if (values[i] !== values[i]) {
          firstMissing = i;
          break;
        }
      }
      let out = values;
      if (firstMissing >= 0) {
        out = frame.output(values);
        if (out !== values) out.set(values.subarray(0, firstMissing));
        for (let i = firstMissing; i < n; i++) {
          const v = values[i];
          if (v !== v) {
            out[i] = f;
            if (indicator) indicator[i] = 1;
          } else out[i] = v;
        }
      }
      filled = { name, type: col.type, values: out };
    } else {
      let levels = col.levels;
      let code = levels.indexOf(fill as string);
      if (code < 0) {
        levels = [...levels, fill as string];
        code = levels.length - 1;
      }
      const src = col.codes;
      const codes = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        const c = src[i];
        if (c < 0) {
          codes[i] = code;
          if (indicator) indicator[i] = 1;
        } else codes[i] = c;
      }
      filled = { name, type: col.type, codes, levels };
    }
    frame.replace(name, indicator ? [filled, { name: indicatorName(name), type: 'numeric', values: indicator }] : [filled], ctx.where);
  }
}
