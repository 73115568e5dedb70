import type { Column } from '../../data/table';
import type { Frame, StepContext } from '../frame';
import { partName } from '../names';
import type { DatetimePart } from '../spec';
import type { FittedOf, StepOf } from './types';

export function fitDatetime(step: StepOf<'datetime'>, frame: Frame, ctx: StepContext): FittedOf<'datetime'> {
  for (const name of step.columns) frame.float(name, 'datetime', ctx);
  return { op: 'datetime', parts: [...step.parts], columns: [...step.columns] };
}

const MS_PER_DAY = 86_400_000;
const MS_PER_HOUR = 3_600_000;
// Days before the first of each month in a non-leap year.
const CUMULATIVE_DAYS = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];

/**
 * Calendar parts in UTC, computed arithmetically (Howard Hinnant's days-to-civil algorithm) because a Date object per
 * row would dominate the cost on large tables. weekday is 0 = Monday ... 6 = Sunday; month and day start at 1.
 */
export function datetimeParts(ms: Float64Array, parts: readonly DatetimePart[], outs: Float64Array[]): void {
  const slot = (p: DatetimePart) => parts.indexOf(p);
  const [iy, im, id, iw, ih, iyd] = (['year', 'month', 'day', 'weekday', 'hour', 'dayofyear'] as const).map(slot);
  for (let i = 0; i < ms.length; i++) {
    const t = ms[i];
    if (!Number.isFinite(t)) {
      for (let k = 0; k < outs.length; k++) outs[k][i] = NaN;
      continue;
    }
    const days = Math.floor(t / MS_PER_DAY);
    const z = days + 719468;
    const era = Math.floor(z / 146097);
    const doe = z - era * 146097;
    const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
    const doyMar = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
    const mp = Math.floor((5 * doyMar + 2) / 153);
    const day = doyMar - Math.floor((153 * mp + 2) / 5) + 1;
    const month = mp < 10 ? mp + 3 : mp - 9;
    const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
    if (iy >= 0) outs[iy][i] = year;
    if (im >= 0) outs[im][i] = month;
    if (id >= 0) outs[id][i] = day;
    if (iw >= 0) outs[iw][i] = (((days + 3) % 7) + 7) % 7; // 1970-01-01 was a Thursday (3)
    if (ih >= 0) outs[ih][i] = Math.floor((t - days * MS_PER_DAY) / MS_PER_HOUR);
    if (iyd >= 0) {
      const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
      outs[iyd][i] = CUMULATIVE_DAYS[month - 1] + day + (leap && month > 2 ? 1 : 0);
    }
  }
}

export function applyDatetime(fitted: FittedOf<'datetime'>, frame: Frame, ctx: StepContext): void {
  for (const name of fitted.columns) {
    const values = frame.float(name, 'datetime', ctx).values;
    const outs = fitted.parts.map(() => frame.alloc());
    datetimeParts(values, fitted.parts, outs);
    frame.replace(
      name,
      fitted.parts.map((p, k): Column => ({ name: partName(name, p), type: 'numeric', values: outs[k] })),
      ctx.where,
    );
  }
}
