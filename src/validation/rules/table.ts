/**
 * Table-wide rules: row count, duplicate rows, infinite values, and columns that carry no information
 * (all missing, or one constant value).
 */
import { formatFloatValue } from '../../data/infer';
import { isFloatColumn } from '../../data/table';
import { countDuplicateRows } from '../duplicates';
import { ratioRule } from '../expectations';
import { columnLabel, formatNumber, formatPercent, plural } from '../report';
import type { RuleContext } from './context';

export function checkRowCount(ctx: RuleContext): void {
  const rule = ctx.spec.rowCount;
  if (!rule) return;
  const n = ctx.table.nrows;
  if (rule.min !== undefined && n < rule.min) {
    ctx.sink.add(rule.severity, {
      rule: 'rowCount',
      message: `table has ${plural(n, 'row')}, minimum ${rule.min}`,
      observed: n,
      allowed: { min: rule.min, max: rule.max ?? null },
    });
  }
  if (rule.max !== undefined && n > rule.max) {
    ctx.sink.add(rule.severity, {
      rule: 'rowCount',
      message: `table has ${plural(n, 'row')}, maximum ${rule.max}`,
      observed: n,
      allowed: { min: rule.min ?? null, max: rule.max },
    });
  }
}

export function checkDuplicateRows(ctx: RuleContext): void {
  if (ctx.spec.maxDuplicateRatio === undefined || ctx.table.nrows === 0) return;
  const { max, severity } = ratioRule(ctx.spec.maxDuplicateRatio, 'error');
  const duplicates = countDuplicateRows(ctx.table);
  const ratio = duplicates / ctx.table.nrows;
  if (ratio > max) {
    ctx.sink.add(severity, {
      rule: 'maxDuplicateRatio',
      message: `${formatPercent(ratio)} of rows (${duplicates} of ${ctx.table.nrows}) repeat an earlier row exactly, limit ${formatPercent(max)}`,
      observed: ratio,
      allowed: max,
    });
  }
}

export function checkInfinity(ctx: RuleContext): void {
  if (ctx.spec.infinity === 'off') return;
  for (const col of ctx.table.columns) {
    if (!isFloatColumn(col)) continue;
    const count = ctx.stats(col.name).infinite;
    if (count === 0) continue;
    const first = col.values.findIndex((v) => v === Infinity || v === -Infinity);
    ctx.sink.add(ctx.spec.infinity, {
      rule: 'infinity',
      column: col.name,
      message: `${columnLabel(col.name)}: ${plural(count, 'infinite value')} (first ${formatNumber(col.values[first])} at data row ${first + 1}); replace them or mark them missing`,
      observed: count,
      allowed: 0,
    });
  }
}

/** All-null and constant columns; the target is left to the target rules, which say more. */
export function checkUninformativeColumns(ctx: RuleContext): void {
  const { allNullColumns, constantColumns } = ctx.spec;
  if (ctx.table.nrows === 0) return;
  for (const col of ctx.table.columns) {
    if (col.name === ctx.target) continue;
    const s = ctx.stats(col.name);
    if (s.nulls === s.count) {
      ctx.sink.add(allNullColumns, {
        rule: 'allNullColumns',
        column: col.name,
        message: `${columnLabel(col.name)} is entirely missing (no value in ${plural(s.count, 'row')})`,
        observed: s.nullRatio,
        allowed: '< 100% nulls',
      });
    } else if (s.distinct === 1 && s.infinite === 0) {
      const value = s.top[0]?.value ?? (isFloatColumn(col) ? formatFloatValue(col.type, s.min!) : '');
      ctx.sink.add(constantColumns, {
        rule: 'constantColumns',
        column: col.name,
        message: `${columnLabel(col.name)} is constant: every value is "${value}"${s.nulls ? ` (or missing)` : ''}`,
        observed: value,
        allowed: 'at least 2 distinct values',
      });
    }
  }
}
