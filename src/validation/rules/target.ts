/**
 * Target rules: the target exists and has values; for classification, at least two classes and enough rows per
 * class; for regression, not constant. Rows without a target are a warning: training drops them.
 */
import { isFloatColumn } from '../../data/table';
import { columnLabel, formatPercent, plural } from '../report';
import type { RuleContext, Task } from './context';

/** With no minClassCount in the spec, a class this small is still worth a warning: it cannot be in both train and test. */
const DEFAULT_MIN_CLASS_COUNT = 2;

export function checkTarget(ctx: RuleContext): void {
  const name = ctx.target;
  if (name === undefined) return;
  const spec = ctx.spec.target;
  const severity = spec?.severity ?? 'error';
  const col = ctx.column(name);
  const label = `target ${columnLabel(name)}`;
  if (!col) {
    ctx.sink.add(severity, {
      rule: 'target',
      column: name,
      message: `${label} is missing from the table (columns: ${ctx.table.columns.map((c) => c.name).join(', ')})`,
      observed: 'absent',
      allowed: 'present',
    });
    return;
  }
  const s = ctx.stats(name);
  if (s.count > 0 && s.nulls === s.count) {
    ctx.sink.add(severity, {
      rule: 'target',
      column: name,
      message: `${label} has no values (all ${plural(s.count, 'row')} missing)`,
      observed: s.nullRatio,
      allowed: '< 100% nulls',
    });
    return;
  }
  if (s.nulls > 0) {
    ctx.sink.add('warning', {
      rule: 'target',
      column: name,
      message: `${label}: ${plural(s.nulls, 'row')} (${formatPercent(s.nullRatio)}) have no value and will be dropped for training`,
      observed: s.nulls,
      allowed: 0,
    });
  }
  const task: Task =
    ctx.options.task ?? spec?.task ?? (isFloatColumn(col) && col.type !== 'boolean' ? 'regression' : 'classification');
  if (task === 'regression') {
    if (s.distinct < 2) {
      ctx.sink.add(severity, {
        rule: 'target',
        column: name,
        message: `${label} is constant, so there is nothing to learn`,
        observed: s.distinct,
        allowed: '>= 2 distinct values',
      });
    }
    return;
  }
  const classes = classCounts(ctx, name);
  if (classes.length < 2) {
    ctx.sink.add(severity, {
      rule: 'target',
      column: name,
      message: `${label} has a single class ("${classes[0]?.[0]}"); a classifier needs at least 2`,
      observed: classes.length,
      allowed: '>= 2 classes',
    });
    return;
  }
  const min = spec?.minClassCount ?? DEFAULT_MIN_CLASS_COUNT;
  const small = classes.filter(([, n]) => n < min);
  if (small.length > 0) {
    const listed = small
      .slice(0, 5)
      .map(([v, n]) => `"${v}" has ${plural(n, 'row')}`)
      .join(', ');
    ctx.sink.add(spec?.minClassCount !== undefined ? severity : 'warning', {
      rule: 'minClassCount',
      column: name,
      message: `${label}: ${listed}${small.length > 5 ? ` and ${small.length - 5} more classes are small` : ''}; minimum ${min} per class`,
      observed: Object.fromEntries(small.map(([v, n]) => [v, n])),
      allowed: min,
    });
  }
}

/** Every class with its row count, rarest first. */
function classCounts(ctx: RuleContext, name: string): Array<[string, number]> {
  const col = ctx.column(name)!;
  const counts = new Map<string, number>();
  if (isFloatColumn(col)) {
    const byValue = new Map<number, number>();
    for (const v of col.values) if (v === v) byValue.set(v, (byValue.get(v) ?? 0) + 1);
    for (const [v, n] of byValue) counts.set(col.type === 'boolean' ? (v === 1 ? 'true' : 'false') : String(v), n);
  } else {
    const per = new Int32Array(col.levels.length);
    for (const c of col.codes) if (c >= 0) per[c]++;
    col.levels.forEach((l, i) => per[i] > 0 && counts.set(l, per[i]));
  }
  return [...counts].sort((a, b) => a[1] - b[1]);
}
