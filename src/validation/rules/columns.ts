/**
 * Per-column rules from `validation.columns` (presence, type, range, allowed values, uniqueness) and the null-ratio
 * limit, which also has a table-wide default.
 */
import { formatFloatValue, parseDatetime } from '../../data/infer';
import { isFloatColumn, type Column } from '../../data/table';
import { ratioRule, type ColumnExpectation, type Severity } from '../expectations';
import { columnLabel, formatNumber, formatPercent, plural } from '../report';
import type { RuleContext } from './context';

const LIST_LIMIT = 5;

export function checkColumnExpectations(ctx: RuleContext): void {
  for (const [name, exp] of Object.entries(ctx.spec.columns)) {
    const col = ctx.column(name);
    if (!col) {
      if (exp.required) {
        ctx.sink.add(exp.severity, {
          rule: 'required',
          column: name,
          message: `${columnLabel(name)} is missing (columns: ${ctx.table.columns.map((c) => c.name).join(', ')})`,
          observed: 'absent',
          allowed: 'present',
        });
      }
      continue;
    }
    const actualType = ctx.schemaColumn(name)!.type;
    if (exp.type !== undefined && actualType !== exp.type) {
      ctx.sink.add(exp.severity, {
        rule: 'type',
        column: name,
        message: `${columnLabel(name)}: type ${actualType}, expected ${exp.type}`,
        observed: actualType,
        allowed: exp.type,
      });
    }
    if (exp.range) checkRange(ctx, col, exp);
    if (exp.allowed !== undefined) checkAllowed(ctx, col, exp);
    if (exp.unique !== undefined && exp.unique !== false) {
      const severity = typeof exp.unique === 'object' ? (exp.unique.severity ?? exp.severity) : exp.severity;
      checkUnique(ctx, col, severity);
    }
  }
}

/** Null ratio per column: the column's own limit, else the spec-wide default. */
export function checkNullRatios(ctx: RuleContext): void {
  for (const col of ctx.table.columns) {
    const own = ctx.spec.columns[col.name];
    const rule = own?.maxNullRatio ?? ctx.spec.maxNullRatio;
    if (rule === undefined) continue;
    const { max, severity } = ratioRule(rule, own?.severity ?? 'error');
    const s = ctx.stats(col.name);
    if (s.nullRatio > max) {
      ctx.sink.add(severity, {
        rule: 'maxNullRatio',
        column: col.name,
        message: `${columnLabel(col.name)}: ${formatPercent(s.nullRatio)} nulls, limit ${formatPercent(max)}`,
        observed: s.nullRatio,
        allowed: max,
      });
    }
  }
}

function checkRange(ctx: RuleContext, col: Column, exp: ColumnExpectation): void {
  const range = exp.range!;
  const severity = range.severity ?? exp.severity;
  if (!isFloatColumn(col) || col.type === 'boolean') {
    ctx.sink.add(severity, {
      rule: 'range',
      column: col.name,
      message: `${columnLabel(col.name)}: a range applies to numeric or datetime columns, but this one is ${col.type}`,
      observed: col.type,
      allowed: ['numeric', 'datetime'],
    });
    return;
  }
  const min = toBound(range.min, col.type, -Infinity);
  const max = toBound(range.max, col.type, Infinity);
  if (Number.isNaN(min) || Number.isNaN(max)) {
    ctx.sink.add(severity, {
      rule: 'range',
      column: col.name,
      message: `${columnLabel(col.name)}: the range bounds must be ${col.type === 'datetime' ? 'ISO 8601 dates' : 'numbers'}`,
      observed: col.type,
      allowed: [range.min ?? null, range.max ?? null],
    });
    return;
  }
  let outside = 0;
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of col.values) {
    if (v !== v) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
    if (v < min || v > max) outside++;
  }
  if (outside === 0) return;
  const show = (v: number) => (col.type === 'datetime' && Number.isFinite(v) ? formatFloatValue('datetime', v) : formatNumber(v));
  const allowed =
    range.min !== undefined && range.max !== undefined
      ? `${show(min)} to ${show(max)}`
      : range.min !== undefined
        ? `>= ${show(min)}`
        : `<= ${show(max)}`;
  ctx.sink.add(severity, {
    rule: 'range',
    column: col.name,
    message: `${columnLabel(col.name)}: ${plural(outside, 'value')} (${formatPercent(outside / col.values.length)}) outside ${allowed}; observed ${show(lo)} to ${show(hi)}`,
    observed: { outside, min: Number.isFinite(lo) ? lo : null, max: Number.isFinite(hi) ? hi : null },
    allowed: { min: range.min ?? null, max: range.max ?? null },
  });
}

/** A bound as a number (epoch ms for datetime), `open` when absent, NaN when it cannot be read. */
function toBound(b: number | string | undefined, type: string, open: number): number {
  if (b === undefined) return open;
  if (typeof b === 'number') return b;
  return type === 'datetime' ? (parseDatetime(b) ?? NaN) : NaN;
}

function checkAllowed(ctx: RuleContext, col: Column, exp: ColumnExpectation): void {
  const rule = exp.allowed!;
  const values = Array.isArray(rule) ? rule : rule.values;
  const severity = Array.isArray(rule) ? exp.severity : (rule.severity ?? exp.severity);
  const allowed = new Set(values.map((v) => canonical(v, col)));
  const counts = valueCounts(col);
  const bad = [...counts].filter(([value]) => !allowed.has(value)).sort((a, b) => b[1] - a[1]);
  if (bad.length === 0) return;
  const rows = bad.reduce((n, [, c]) => n + c, 0);
  const listed = bad
    .slice(0, LIST_LIMIT)
    .map(([v, c]) => `"${v}" (${plural(c, 'row')})`)
    .join(', ');
  const more = bad.length > LIST_LIMIT ? ` and ${bad.length - LIST_LIMIT} more` : '';
  ctx.sink.add(severity, {
    rule: 'allowed',
    column: col.name,
    message: `${columnLabel(col.name)}: ${plural(bad.length, 'value')} not allowed in ${plural(rows, 'row')}: ${listed}${more}; allowed: ${values.map((v) => `"${v}"`).join(', ')}`,
    observed: bad.slice(0, 20).map(([v]) => v),
    allowed: values,
  });
}

/** Allowed values as the text the column's values render to, so 1, "1" and true/"true" compare as users expect. */
function canonical(v: string | number | boolean, col: Column): string {
  if (col.type === 'boolean') return v === true || v === 'true' || v === 1 || v === '1' ? 'true' : v === false || v === 'false' || v === 0 || v === '0' ? 'false' : String(v);
  if (col.type === 'numeric' && typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return String(Number(v));
  return String(v);
}

function valueCounts(col: Column): Map<string, number> {
  const counts = new Map<string, number>();
  if (isFloatColumn(col)) {
    const byValue = new Map<number, number>();
    for (const v of col.values) if (v === v) byValue.set(v, (byValue.get(v) ?? 0) + 1);
    for (const [v, c] of byValue) counts.set(formatFloatValue(col.type, v), c);
    return counts;
  }
  const perCode = new Int32Array(col.levels.length);
  for (const c of col.codes) if (c >= 0) perCode[c]++;
  col.levels.forEach((level, i) => {
    if (perCode[i] > 0) counts.set(level, perCode[i]);
  });
  return counts;
}

function checkUnique(ctx: RuleContext, col: Column, severity: Severity): void {
  const counts = valueCounts(col);
  let repeats = 0;
  let worst: [string, number] | undefined;
  for (const entry of counts) {
    if (entry[1] > 1) {
      repeats += entry[1] - 1;
      if (!worst || entry[1] > worst[1]) worst = entry;
    }
  }
  if (repeats === 0) return;
  ctx.sink.add(severity, {
    rule: 'unique',
    column: col.name,
    message: `${columnLabel(col.name)}: ${plural(repeats, 'row repeats', 'rows repeat')} an earlier value, e.g. "${worst![0]}" appears ${worst![1]} times; values must be unique`,
    observed: repeats,
    allowed: 0,
  });
}
