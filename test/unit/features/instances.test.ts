import { describe, expect, it } from 'vitest';
import { fitFeatures, InstanceValidationError, parseFeaturesSpec, transformInstances, transformTable, type FittedFeatures } from '../../../src/features';
import { bool, bytes, cat, date, instancesOf, num, table } from './helpers';

const train = table(
  num('age', [31, null, 45, 22, 38, 60]),
  num('income', [40e3, 52.5e3, null, 31e3, 88e3, 0]),
  cat('color', ['red', 'blue', 'red', null, 'green', 'red']),
  cat('size', ['S', 'M', 'L', 'M', null, 'S']),
  bool('member', [true, false, null, true, true, false]),
  date('signup', ['2023-01-15T08:30:00Z', '2022-11-02T23:59:59.5Z', null, '2024-02-29T00:00:00Z', '2021-07-04T12:00:00Z', '1999-12-31T23:00:00Z']),
  num('weight', [70, 82.5, 64, 90, 77, 58]),
  num('height', [1.75, 1.8, 1.6, 0, 1.7, 1.65]),
  num('label', [0, 1, 0, 1, 1, 0]),
);

const spec = parseFeaturesSpec([
  { derive: 'bmi', expr: 'weight / (height * height)' },
  { impute: ['age', 'income', 'bmi'], addIndicator: true },
  { log1p: 'income' },
  { clip: 'bmi', quantiles: [0.1, 0.9] },
  { standardize: ['age', 'income', 'bmi'] },
  { impute: 'color', strategy: 'most_frequent' },
  { onehot: 'color', maxCategories: 3 },
  { ordinal: 'size', order: ['S', 'M', 'L'] },
  { impute: 'member', strategy: 'most_frequent', addIndicator: true },
  { impute: 'signup', strategy: 'median' },
  { datetime: 'signup', parts: ['year', 'month', 'weekday', 'hour', 'dayofyear'] },
  { bucketize: 'signup__year', bins: 3 },
  { minmax: 'signup__dayofyear' },
  { drop: ['weight', 'height'] },
]);

describe('transformInstances', () => {
  const fitted = fitFeatures(spec, train, { target: 'label' });
  const inputs = fitted.inputSchema.map((c) => c.name);

  it('gives bit-identical output to transformTable for the same rows (training rows and unseen ones)', () => {
    const fresh = table(
      num('age', [null, 99]),
      num('income', [1e6, null]),
      cat('color', ['purple', null]),
      cat('size', ['L', null]),
      bool('member', [null, false]),
      date('signup', ['2030-06-01T17:00:00Z', null]),
      num('weight', [100, 50]),
      num('height', [2, 0]),
    );
    for (const t of [train, fresh]) {
      const fromTable = transformTable(fitted, t);
      const fromInstances = transformInstances(fitted, instancesOf(t, inputs));
      expect(fromInstances.rows).toBe(t.nrows);
      expect(fromInstances.cols).toBe(fitted.outputNames.length);
      expect(bytes(fromInstances)).toEqual(bytes(fromTable));
    }
  });

  it('takes datetimes as ISO strings (UTC when no offset) or epoch milliseconds, and null as missing', () => {
    const row = instancesOf(train, inputs)[0];
    const a = transformInstances(fitted, [{ ...row, signup: '2023-01-15T08:30:00Z' }]);
    // A server in another time zone must read an offset-less timestamp the same way.
    const tz = process.env.TZ;
    process.env.TZ = 'America/New_York';
    let b;
    try {
      b = transformInstances(fitted, [{ ...row, signup: '2023-01-15T08:30:00' }]);
    } finally {
      if (tz === undefined) delete process.env.TZ;
      else process.env.TZ = tz;
    }
    const c = transformInstances(fitted, [{ ...row, signup: Date.UTC(2023, 0, 15, 8, 30) }]);
    const d = transformInstances(fitted, [{ ...row, signup: '2023-01-15T10:30:00+02:00' }]);
    expect(bytes(b)).toEqual(bytes(a));
    expect(bytes(c)).toEqual(bytes(a));
    expect(bytes(d)).toEqual(bytes(a));
    const missing = transformInstances(fitted, [{ ...row, age: null }]);
    expect(missing.data[fitted.outputNames.indexOf('age__missing')]).toBe(1);
  });

  it('rejects instances that do not match the input schema, naming the instance and field', () => {
    const good = instancesOf(train, inputs)[0];
    const { color: _color, ...noColor } = good;
    const rows = [
      good,
      { ...good, age: 'abc' },
      noColor,
      { ...good, income: NaN },
      { ...good, age: Infinity },
      { ...good, colour: 'red' },
      { ...good, label: 1 },
      { ...good, member: 'maybe', size: [3] },
      { ...good, signup: 'next tuesday' },
      42,
    ];
    let error: InstanceValidationError | undefined;
    try {
      transformInstances(fitted, rows as Record<string, unknown>[]);
    } catch (e) {
      error = e as InstanceValidationError;
    }
    expect(error).toBeInstanceOf(InstanceValidationError);
    expect(error!.issues.map((i) => i.message)).toEqual([
      'instances[1].age: expected a number, got "abc"',
      'instances[2].color: missing field (categorical); send null if the value is unknown',
      'instances[3].income: expected a finite number, got NaN; send null for a missing value',
      'instances[4].age: expected a finite number, got Infinity; send null for a missing value',
      'instances[5].colour: unexpected field; the model\'s inputs are: age, income, color, size, member, signup, weight, height',
      'instances[6].label: this is the target the model predicts; leave it out of the instance',
      'instances[7].size: expected a string, got an array',
      'instances[7].member: expected true or false (or yes/no, y/n, t/f, 1/0), got "maybe"',
      'instances[8].signup: expected an ISO 8601 date such as "2024-03-01T12:00:00Z", or epoch milliseconds, got "next tuesday"',
      'instances[9]: expected an object of field values, got 42',
    ]);
    expect(error!.issues[0]).toMatchObject({ index: 1, field: 'age' });
    expect(error!.message).toMatch(/^10 problems: instances do not match the model's input schema:\n {2}instances\[1\]\.age: expected a number, got "abc"/);
  });

  it('suggests the field a misspelt one was meant to be', () => {
    const { age, ...rest } = instancesOf(train, inputs)[0];
    expect(() => transformInstances(fitted, [{ ...rest, agee: age }])).toThrow(/instances\[0\]\.agee: unexpected field; did you mean "age"\?/);
  });

  it('quotes field names that are not identifiers, and names the instance in transform errors', () => {
    const vote = table(cat('handicapped-infants', ['y', 'n']), cat('Class', ['democrat', 'republican']));
    const f: FittedFeatures = fitFeatures(parseFeaturesSpec([{ onehot: 'handicapped-infants', handleUnknown: 'error' }]), vote, { target: 'Class' });
    expect(() => transformInstances(f, [{ 'handicapped-infants': 'y' }, { 'handicapped-infants': [1] }])).toThrow(
      'instances[1]["handicapped-infants"]: expected a string, got an array',
    );
    expect(() => transformInstances(f, [{ 'handicapped-infants': 'y' }, { 'handicapped-infants': 'maybe' }])).toThrow(
      /^instances\[1\]\["handicapped-infants"\]: unknown category "maybe" \(training saw: n, y\)/,
    );
  });

  it('accepts an empty batch and rejects a non-array', () => {
    expect(transformInstances(fitted, [])).toEqual({ rows: 0, cols: fitted.outputNames.length, data: new Float64Array(0) });
    expect(() => transformInstances(fitted, { age: 1 } as never)).toThrow('instances: expected an array of objects, got an object');
  });
});
