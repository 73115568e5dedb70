/**
 * Validation results: issues split by severity, and helpers that keep messages in one style
 * (`column "age": 14% nulls, limit 5%`).
 */
import type { Severity } from './expectations';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export interface Issue {
  /** The spec key that produced it (e.g. maxNullRatio), so the reader knows what to change. */
  rule: string;
  column?: string;
  message: string;
  observed: JsonValue;
  allowed: JsonValue;
}

export interface ValidationReport {
  ok: boolean;
  errors: Issue[];
  warnings: Issue[];
}

/** Collects issues as rules run. */
export class IssueSink {
  readonly errors: Issue[] = [];
  readonly warnings: Issue[] = [];

  add(severity: Severity | 'off', issue: Issue): void {
    if (severity === 'error') this.errors.push(issue);
    else if (severity === 'warning') this.warnings.push(issue);
  }

  report(): ValidationReport {
    return { ok: this.errors.length === 0, errors: this.errors, warnings: this.warnings };
  }
}

/** 0.14 → "14%", 0.1234 → "12.3%", 0.00004 → "0.004%": enough digits to see a non-zero share. */
export function formatPercent(ratio: number): string {
  const pct = ratio * 100;
  if (pct === 0 || pct >= 10) return `${trim(pct.toFixed(1))}%`;
  if (pct >= 0.1) return `${trim(pct.toFixed(2))}%`;
  return `${Number(pct.toPrecision(1))}%`;
}

function trim(s: string): string {
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
}

/** Short, stable rendering of a number for messages. */
export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  return Number.isInteger(n) ? String(n) : String(Number(n.toPrecision(6)));
}

export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

export function columnLabel(name: string): string {
  return `column "${name}"`;
}

/** The report as text for logs and the CLI. */
export function renderValidationReport(report: ValidationReport): string {
  const { errors, warnings } = report;
  const head = report.ok
    ? `Validation passed${warnings.length ? ` with ${plural(warnings.length, 'warning')}` : ''}`
    : `Validation failed: ${plural(errors.length, 'error')}${warnings.length ? `, ${plural(warnings.length, 'warning')}` : ''}`;
  const lines = [head];
  const section = (title: string, issues: Issue[]) => {
    if (issues.length === 0) return;
    lines.push(`${title}:`);
    for (const i of issues) lines.push(`  - ${i.message}  [${i.rule}]`);
  };
  section('Errors', errors);
  section('Warnings', warnings);
  return lines.join('\n');
}
