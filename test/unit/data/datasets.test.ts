/** The shared real datasets parse with the documented row counts and sensible inferred types. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readTable } from '../../../src/data/read';
import { schemaOf } from '../../../src/data/schema';
import { getColumn, isFloatColumn } from '../../../src/data/table';
import { DATA_DIR, cells } from './helpers';

const load = (name: string) => readTable(readFileSync(new URL(name, DATA_DIR)), { fileName: name });

describe('shared datasets', () => {
  it('breast_cancer.csv: 569 rows, 30 numeric features, categorical diagnosis', async () => {
    const t = await load('breast_cancer.csv');
    expect(t.nrows).toBe(569);
    expect(t.columns).toHaveLength(31);
    expect(t.columns.slice(0, 30).every((c) => c.type === 'numeric')).toBe(true);
    const diagnosis = getColumn(t, 'diagnosis');
    expect(diagnosis.type).toBe('categorical');
    expect(!isFloatColumn(diagnosis) && [...diagnosis.levels].sort()).toEqual(['benign', 'malignant']);
    expect(cells(t, 'mean radius')[0]).toBe(17.99);
    expect(schemaOf(t).columns.every((c) => !c.nullable)).toBe(true);
  });

  it('wine.csv: 178 rows, 13 numeric features, 3-class cultivar', async () => {
    const t = await load('wine.csv');
    expect(t.nrows).toBe(178);
    expect(t.columns.filter((c) => c.type === 'numeric')).toHaveLength(13);
    const cultivar = getColumn(t, 'cultivar');
    expect(!isFloatColumn(cultivar) && cultivar.levels).toEqual(['class_0', 'class_1', 'class_2']);
  });

  it('vote.csv: 435 rows, every column categorical, "?" read as missing', async () => {
    const t = await load('vote.csv');
    expect(t.nrows).toBe(435);
    expect(t.columns).toHaveLength(17);
    expect(t.columns.every((c) => c.type === 'categorical')).toBe(true);
    const infants = getColumn(t, 'handicapped-infants');
    expect(!isFloatColumn(infants) && [...infants.levels].sort()).toEqual(['n', 'y']);
    // Row 3 of the file (data row 3) starts with "?".
    expect(cells(t, 'handicapped-infants')[2]).toBeNull();
    const schema = schemaOf(t);
    expect(schema.columns.find((c) => c.name === 'handicapped-infants')?.nullable).toBe(true);
    expect(schema.columns.find((c) => c.name === 'Class')?.nullable).toBe(false);
  });

  it('fair.csv: 6366 rows, all numeric, quoted header names unquoted', async () => {
    const t = await load('fair.csv');
    expect(t.nrows).toBe(6366);
    expect(t.columns.map((c) => c.name)).toEqual([
      'rate_marriage',
      'age',
      'yrs_married',
      'children',
      'religious',
      'educ',
      'occupation',
      'occupation_husb',
      'affairs',
    ]);
    expect(t.columns.every((c) => c.type === 'numeric')).toBe(true);
    expect(cells(t, 'yrs_married')[2]).toBe(2.5);
  });
});
