import { DATA_DIR } from '../data/helpers';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readTable } from '../../../src/data/read';
import { schemaOf, type Schema } from '../../../src/data/schema';
import type { Column, Table } from '../../../src/data/table';
import type { ExpectationsInput } from '../../../src/validation/expectations';
import { validateTable, type ValidateOptions } from '../../../src/validation/validate';

type Cell = number | string | boolean | null;

/** A table from plain arrays: numbers → numeric, booleans → boolean, strings → categorical; null is missing. */
function table(data: Record<string, Cell[]>): Table {
  const columns = Object.entries(data).map(([name, cells]): Column => {
    const sample = cells.find((c) => c !== null);
    if (typeof sample === 'string') {
      const levels = [...new Set(cells.filter((c): c is string => c !== null))];
      return { name, type: 'categorical', levels, codes: Int32Array.from(cells, (c) => (c === null ? -1 : levels.indexOf(c as string))) };
    }
    const type = typeof sample === 'boolean' ? 'boolean' : 'numeric';
    return { name, type, values: Float64Array.from(cells, (c) => (c === null ? NaN : Number(c))) };
  });
  return { nrows: Object.values(data)[0]?.length ?? 0, columns };
}

function validate(t: Table, spec: ExpectationsInput = {}, opts: ValidateOptions = {}) {
  return validateTable(t, schemaOf(t), spec, opts);
}

const rules = (issues: Array<{ rule: string }>) => issues.map((i) => i.rule);

/** 20 rows of healthy data: no rule fires with defaults. */
function healthy(): Record<string, Cell[]> {
  return {
    age: Array.from({ length: 20 }, (_, i) => 20 + i),
    colour: Array.from({ length: 20 }, (_, i) => ['red', 'green', 'blue'][i % 3]),
    id: Array.from({ length: 20 }, (_, i) => `id${i}`),
    label: Array.from({ length: 20 }, (_, i) => (i % 2 ? 'yes' : 'no')),
  };
}

describe('validateTable defaults', () => {
  it('passes a healthy table with its target', () => {
    const r = validate(table(healthy()), {}, { target: 'label' });
    expect(r).toEqual({ ok: true, errors: [], warnings: [] });
  });

  it('flags all-null columns as errors and constant columns as warnings', () => {
    const r = validate(table({ ...healthy(), empty: Array(20).fill(null), same: Array(20).fill(3) }));
    expect(r.ok).toBe(false);
    expect(r.errors).toEqual([
      { rule: 'allNullColumns', column: 'empty', message: 'column "empty" is entirely missing (no value in 20 rows)', observed: 1, allowed: '< 100% nulls' },
    ]);
    expect(r.warnings).toEqual([
      { rule: 'constantColumns', column: 'same', message: 'column "same" is constant: every value is "3"', observed: '3', allowed: 'at least 2 distinct values' },
    ]);
  });

  it('turns those defaults off or changes their severity', () => {
    const t = table({ ...healthy(), empty: Array(20).fill(null), same: Array(20).fill('x') });
    expect(validate(t, { allNullColumns: 'off', constantColumns: 'off' })).toEqual({ ok: true, errors: [], warnings: [] });
    expect(rules(validate(t, { allNullColumns: 'warning', constantColumns: 'error' }).errors)).toEqual(['constantColumns']);
  });

  it('reports infinite values as errors by default, with where the first one is', () => {
    const r = validate(table({ ...healthy(), x: [...Array(19).fill(1), -Infinity].map((v, i) => (i === 3 ? Infinity : v)) }));
    expect(r.errors).toEqual([
      {
        rule: 'infinity',
        column: 'x',
        message: 'column "x": 2 infinite values (first Infinity at data row 4); replace them or mark them missing',
        observed: 2,
        allowed: 0,
      },
    ]);
    expect(validate(table({ x: [1, Infinity, 2] }), { infinity: 'off' }).ok).toBe(true);
  });
});

describe('column rules', () => {
  it('required columns and types', () => {
    const t = table(healthy());
    const spec = { columns: { age: { type: 'numeric' as const }, income: {}, nickname: { required: false } } };
    const r = validate(t, spec);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatchObject({ rule: 'required', column: 'income', observed: 'absent' });
    expect(r.errors[0].message).toBe('column "income" is missing (columns: age, colour, id, label)');
    const wrongType = validate(t, { columns: { colour: { type: 'numeric' } } });
    expect(wrongType.errors[0]).toMatchObject({ rule: 'type', message: 'column "colour": type categorical, expected numeric' });
  });

  it('null ratio: per column, spec-wide default, and severity', () => {
    const data = healthy();
    data.age = data.age.map((v, i) => (i < 3 ? null : v)); // 15% nulls
    const t = table(data);
    expect(validate(t, { maxNullRatio: 0.2 }).ok).toBe(true);
    const r = validate(t, { maxNullRatio: 0.05 });
    expect(r.errors).toEqual([
      { rule: 'maxNullRatio', column: 'age', message: 'column "age": 15% nulls, limit 5%', observed: 0.15, allowed: 0.05 },
    ]);
    // The column's own limit wins over the default, and can be a warning.
    const own = validate(t, { maxNullRatio: 0, columns: { age: { maxNullRatio: { max: 0.1, severity: 'warning' } } } });
    expect(own.ok).toBe(true);
    expect(own.warnings[0].message).toBe('column "age": 15% nulls, limit 10%');
  });

  it('numeric ranges', () => {
    const t = table({ age: [5, 30, 130, -1, 40] });
    expect(validate(t, { columns: { age: { range: { min: -1, max: 130 } } } }).ok).toBe(true);
    const r = validate(t, { columns: { age: { range: { min: 0, max: 120 } } } });
    expect(r.errors[0]).toMatchObject({
      rule: 'range',
      message: 'column "age": 2 values (40%) outside 0 to 120; observed -1 to 130',
      observed: { outside: 2, min: -1, max: 130 },
    });
    expect(validate(t, { columns: { age: { range: { min: 0 } } } }).errors[0].message).toContain('outside >= 0');
  });

  it('datetime ranges take ISO dates', () => {
    const t: Table = {
      nrows: 2,
      columns: [{ name: 'd', type: 'datetime', values: Float64Array.from([Date.UTC(2023, 5, 1), Date.UTC(2025, 0, 1)]) }],
    };
    const r = validate(t, { columns: { d: { range: { min: '2024-01-01' } } } });
    expect(r.errors[0].message).toBe('column "d": 1 value (50%) outside >= 2024-01-01; observed 2023-06-01 to 2025-01-01');
  });

  it('a range on a categorical column is reported, not ignored', () => {
    const r = validate(table(healthy()), { columns: { colour: { range: { max: 1 } } } });
    expect(r.errors[0].message).toBe('column "colour": a range applies to numeric or datetime columns, but this one is categorical');
  });

  it('allowed categories (and numbers, and booleans)', () => {
    const t = table({ colour: ['red', 'teal', 'red', 'purple', 'purple', null], n: [1, 2, 3, 1, 2, 3], b: [true, false, true, true, true, true] });
    expect(validate(t, { columns: { colour: { allowed: ['red', 'teal', 'purple'] } } }).ok).toBe(true);
    const r = validate(t, { columns: { colour: { allowed: ['red', 'green'] }, n: { allowed: [1, '2'] }, b: { allowed: [true] } } });
    expect(r.errors.map((e) => e.message)).toEqual([
      'column "colour": 2 values not allowed in 3 rows: "purple" (2 rows), "teal" (1 row); allowed: "red", "green"',
      'column "n": 1 value not allowed in 2 rows: "3" (2 rows); allowed: "1", "2"',
      'column "b": 1 value not allowed in 1 row: "false" (1 row); allowed: "true"',
    ]);
  });

  it('uniqueness', () => {
    const t = table({ id: ['a', 'b', 'c', 'b', 'b', null, null], n: [1, 2, 3, 4, 5, 6, 7] });
    expect(validate(t, { columns: { n: { unique: true } } }).ok).toBe(true);
    const r = validate(t, { columns: { id: { unique: { severity: 'warning' } } } });
    expect(r.ok).toBe(true);
    expect(r.warnings[0].message).toBe('column "id": 2 rows repeat an earlier value, e.g. "b" appears 3 times; values must be unique');
  });
});

describe('table rules', () => {
  it('row count bounds', () => {
    const t = table(healthy());
    expect(validate(t, { rowCount: { min: 20, max: 20 } }).ok).toBe(true);
    expect(validate(t, { rowCount: { min: 100 } }).errors[0].message).toBe('table has 20 rows, minimum 100');
    expect(validate(t, { rowCount: { max: 10, severity: 'warning' } }).warnings[0].message).toBe('table has 20 rows, maximum 10');
  });

  it('duplicate rows ratio', () => {
    const t = table({ a: [1, 1, 2, 1, null, null], b: ['x', 'x', 'x', 'y', 'z', 'z'] }); // rows 2 and 6 repeat
    expect(validate(t, { maxDuplicateRatio: 0.4 }).ok).toBe(true);
    const r = validate(t, { maxDuplicateRatio: 0.1 });
    expect(r.errors[0]).toMatchObject({ rule: 'maxDuplicateRatio', message: '33.3% of rows (2 of 6) repeat an earlier row exactly, limit 10%' });
  });
});

describe('target rules', () => {
  it('the target must exist', () => {
    const r = validate(table(healthy()), {}, { target: 'churn' });
    expect(r.errors[0]).toMatchObject({ rule: 'target', message: 'target column "churn" is missing from the table (columns: age, colour, id, label)' });
  });

  it('takes the target from the spec when the caller gives none', () => {
    expect(validate(table(healthy()), { target: { column: 'nope' } }).ok).toBe(false);
  });

  it('a classification target needs two classes', () => {
    const r = validate(table({ ...healthy(), label: Array(20).fill('yes') }), {}, { target: 'label' });
    expect(r.errors.map((e) => e.message)).toEqual(['target column "label" has a single class ("yes"); a classifier needs at least 2']);
    expect(r.warnings).toEqual([]); // not also reported as a constant column
  });

  it('min class count: default warning below 2, configured limit as error', () => {
    const labels = [...Array(17).fill('a'), 'b', 'b', 'c'];
    const t = table({ ...healthy(), label: labels });
    const byDefault = validate(t, {}, { target: 'label' });
    expect(byDefault.ok).toBe(true);
    expect(byDefault.warnings[0].message).toBe('target column "label": "c" has 1 row; minimum 2 per class');
    const strict = validate(t, { target: { minClassCount: 3 } }, { target: 'label' });
    expect(strict.errors[0]).toMatchObject({
      rule: 'minClassCount',
      message: 'target column "label": "c" has 1 row, "b" has 2 rows; minimum 3 per class',
      observed: { c: 1, b: 2 },
      allowed: 3,
    });
  });

  it('rows without a target are a warning; a target with no values is an error', () => {
    const data = healthy();
    data.label = data.label.map((v, i) => (i === 0 ? null : v));
    expect(validate(table(data), {}, { target: 'label' }).warnings[0].message).toBe(
      'target column "label": 1 row (5%) have no value and will be dropped for training',
    );
    const none = validate(table({ ...healthy(), label: Array(20).fill(null) }), {}, { target: 'label' });
    expect(none.errors.map((e) => e.message)).toEqual(['target column "label" has no values (all 20 rows missing)']);
  });

  it('a numeric target is regression unless told otherwise', () => {
    const t = table({ ...healthy(), y: Array(20).fill(1.5) });
    expect(validate(t, {}, { target: 'y' }).errors[0].message).toBe('target column "y" is constant, so there is nothing to learn');
    const binary = table({ ...healthy(), y: Array.from({ length: 20 }, (_, i) => (i < 19 ? 0 : 1)) });
    expect(validate(binary, {}, { target: 'y' }).ok).toBe(true);
    expect(validate(binary, { target: { task: 'classification', minClassCount: 2 } }, { target: 'y' }).errors[0].message).toBe(
      'target column "y": "1" has 1 row; minimum 2 per class',
    );
  });
});

describe('schema change', () => {
  const previous: Schema = {
    columns: [
      { name: 'age', type: 'numeric', nullable: false },
      { name: 'colour', type: 'categorical', nullable: false },
      { name: 'income', type: 'numeric', nullable: true },
      { name: 'label', type: 'categorical', nullable: false },
    ],
  };

  it('reports removed columns and type changes as errors, added columns as warnings', () => {
    const data = healthy();
    const t = table({ ...data, colour: data.age });
    const r = validate(t, {}, { previousSchema: previous });
    expect(r.errors.map((e) => e.message)).toEqual([
      'column "colour": type changed from categorical to numeric since the previous schema',
      'column "income" was removed since the previous schema (it was numeric)',
    ]);
    expect(r.warnings.map((e) => e.message)).toEqual(['column "id" is new since the previous schema (categorical)']);
  });

  it('severities are configurable and an unchanged schema passes', () => {
    const t = table(healthy());
    const r = validate(t, { schemaChange: { removed: 'warning', added: 'off' } }, { previousSchema: previous });
    expect(r.ok).toBe(true);
    expect(rules(r.warnings)).toEqual(['schemaChange.removed']);
    expect(validate(t, {}, { previousSchema: schemaOf(t) }).ok).toBe(true);
  });
});

describe('on a real dataset', () => {
  it('vote.csv passes sensible expectations and fails a strict null limit', async () => {
    const t = await readTable(readFileSync(new URL('vote.csv', DATA_DIR)), 'csv');
    const spec: ExpectationsInput = {
      rowCount: { min: 400 },
      columns: { Class: { type: 'categorical', allowed: ['democrat', 'republican'], maxNullRatio: 0 } },
      target: { minClassCount: 100 },
    };
    expect(validate(t, spec, { target: 'Class' }).ok).toBe(true);
    const r = validate(t, { ...spec, maxNullRatio: 0.2 }, { target: 'Class' });
    expect(r.errors.map((e) => e.message)).toEqual(['column "export-administration-act-south-africa": 23.9% nulls, limit 20%']);
  });
});
