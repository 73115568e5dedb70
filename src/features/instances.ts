/**
 * Serving input: JSON instances (`[{ "age": 41, "color": "red" }, ...]`) checked against the fitted input schema and
 * turned into a Table, so they go through exactly the same transform code as training data.
 *
 * Each field's value comes from the value parser ingest uses (src/data/values.ts, whose comment lists what each type
 * accepts), so a cell that trained as `yes`, `2024-03-01T10:00:00,5` or " 3.5" means the same in a request. `null`
 * means missing. A field that is absent, unexpected, does not fit its type, or is NaN or Infinity is an error naming
 * the instance and field.
 */
import type { Column, ColumnType, Table } from '../data/table';
import { instanceValue, parseNumber } from '../data/values';
import type { Matrix } from '../ml/matrix';
import type { FittedFeatures } from './fitted';
import { nearestName } from './nearest';
import { applyFeatures } from './transform';

export interface InstanceIssue {
  index: number;
  field: string | null;
  /** Full line, e.g. `instances[3].age: expected a number, got "abc"`. */
  message: string;
}

const MAX_ISSUES = 50;

export class InstanceValidationError extends Error {
  constructor(readonly issues: InstanceIssue[]) {
    const shown = issues.slice(0, 10).map((i) => i.message);
    const more = issues.length > 10 ? `\n  ... and ${issues.length - 10} more` : '';
    super(`${issues.length === 1 ? 'an instance does' : `${issues.length >= MAX_ISSUES ? 'at least ' : ''}${issues.length} problems: instances do`} not match the model's input schema:\n  ${shown.join('\n  ')}${more}`);
    this.name = 'InstanceValidationError';
  }
}

/** `instances[3].age`, or `instances[3]["handicapped-infants"]` when the name is not a plain identifier. */
export function instancePath(index: number, field?: string): string {
  if (field === undefined) return `instances[${index}]`;
  return /^[A-Za-z_$][\w$]*$/.test(field) ? `instances[${index}].${field}` : `instances[${index}][${JSON.stringify(field)}]`;
}

function show(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}...` : v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return 'an array';
  if (v === undefined) return 'undefined';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

type Parsed = { ok: true; value: number | string | null } | { ok: false; expected: string; hint?: string };

const EXPECTED: Record<ColumnType, string> = {
  numeric: 'a number',
  boolean: 'true or false (or yes/no, y/n, t/f, 1/0)',
  datetime: 'an ISO 8601 date such as "2024-03-01T12:00:00Z", or epoch milliseconds',
  categorical: 'a string',
  text: 'a string',
};

/** The value through the shared value parser (src/data/values.ts); only the words of a refusal are made here. */
function parseValue(type: ColumnType, v: unknown): Parsed {
  const value = instanceValue(type, v);
  if (value !== undefined) return { ok: true, value: typeof value === 'number' && value !== value ? null : value };
  const nonFinite = (typeof v === 'number' && !Number.isFinite(v)) || (typeof v === 'string' && isInfinity(type, v));
  if (nonFinite) {
    const expected = type === 'datetime' ? 'a finite epoch-milliseconds number' : 'a finite number';
    return { ok: false, expected, hint: 'send null for a missing value' };
  }
  return { ok: false, expected: EXPECTED[type] };
}

function isInfinity(type: ColumnType, v: string): boolean {
  const n = type === 'numeric' ? parseNumber(v) : undefined;
  return n === Infinity || n === -Infinity;
}

/** Validates `rows` against `fitted.inputSchema` and builds a Table of just those columns. */
export function instancesToTable(fitted: FittedFeatures, rows: unknown): Table {
  if (!Array.isArray(rows)) throw new InstanceValidationError([{ index: -1, field: null, message: `instances: expected an array of objects, got ${show(rows)}` }]);
  const schema = fitted.inputSchema;
  const known = new Set(schema.map((c) => c.name));
  const n = rows.length;
  const issues: InstanceIssue[] = [];
  const report = (index: number, field: string | null, message: string) => {
    if (issues.length < MAX_ISSUES) issues.push({ index, field, message: `${instancePath(index, field ?? undefined)}: ${message}` });
  };
  const floats = schema.map((c) => (c.type === 'categorical' || c.type === 'text' ? null : new Float64Array(n)));
  const codes = schema.map((c) => (c.type === 'categorical' || c.type === 'text' ? new Int32Array(n) : null));
  const levels = schema.map(() => new Map<string, number>());

  for (let i = 0; i < n && issues.length < MAX_ISSUES; i++) {
    const row = rows[i] as unknown;
    if (typeof row !== 'object' || row === null || Array.isArray(row)) {
      report(i, null, `expected an object of field values, got ${row === null ? 'null' : show(row)}`);
      continue;
    }
    const record = row as Record<string, unknown>;
    for (const field of Object.keys(record)) {
      if (known.has(field)) continue;
      if (field === fitted.target) report(i, field, 'this is the target the model predicts; leave it out of the instance');
      else {
        const near = nearestName(field, [...known].filter((k) => !(k in record)));
        report(i, field, `unexpected field${near ? `; did you mean "${near}"?` : `; the model's inputs are: ${[...known].join(', ')}`}`);
      }
    }
    schema.forEach((col, j) => {
      const v = record[col.name];
      if (v === undefined) {
        report(i, col.name, `missing field (${col.type}); send null if the value is unknown`);
        return;
      }
      const parsed = parseValue(col.type, v);
      if (!parsed.ok) {
        report(i, col.name, `expected ${parsed.expected}, got ${show(v)}${parsed.hint ? `; ${parsed.hint}` : ''}`);
        return;
      }
      const f = floats[j];
      if (f) f[i] = parsed.value === null ? NaN : (parsed.value as number);
      else if (parsed.value === null) codes[j]![i] = -1;
      else {
        const map = levels[j];
        let code = map.get(parsed.value as string);
        if (code === undefined) map.set(parsed.value as string, (code = map.size));
        codes[j]![i] = code;
      }
    });
  }
  if (issues.length > 0) throw new InstanceValidationError(issues);

  const columns = schema.map((c, j): Column => {
    const f = floats[j];
    if (f) return { name: c.name, type: c.type as 'numeric', values: f };
    return { name: c.name, type: c.type as 'categorical', codes: codes[j]!, levels: [...levels[j].keys()] };
  });
  return { nrows: n, columns };
}

/**
 * The model matrix for serving instances: validated, converted to a Table and run through the same code as
 * transformTable, so a row gives bit-identical features either way. Errors from the steps (e.g. an unseen category
 * with handleUnknown: error) name the instance and field too.
 */
export function transformInstances(fitted: FittedFeatures, rows: readonly Record<string, unknown>[]): Matrix {
  const table = instancesToTable(fitted, rows);
  return applyFeatures(fitted, table, (row, column) => instancePath(row, column), 'transformInstances');
}
