import { describe, expect, it } from 'vitest';
import { instancesToTable, type FittedFeatures } from '../../../src/features';
import { compileInstanceReader } from '../../../src/serving/instanceReader';

const fitted: FittedFeatures = {
  format: 'bosun.features',
  version: 1,
  inputSchema: [
    { name: 'age', type: 'numeric' },
    { name: 'mean radius', type: 'numeric' },
    { name: 'member', type: 'boolean' },
    { name: 'signup', type: 'datetime' },
    { name: 'color', type: 'categorical' },
    { name: 'note', type: 'text' },
  ],
  target: 'churned',
  passthrough: 'drop',
  steps: [],
  outputNames: [],
  notes: [],
};

const good = { age: 41, 'mean radius': 12.5, member: true, signup: '2024-03-01T12:00:00Z', color: 'red', note: 'hi' };

describe('compileInstanceReader', () => {
  const { read, check } = compileInstanceReader(fitted);

  it('builds the same table as instancesToTable for valid instances', () => {
    const rows = [
      good,
      { ...good, age: null, member: 0, signup: 1700000000000, color: 'blue', note: null },
      { ...good, 'mean radius': -0, member: 1, signup: '2024-03-01', color: 'red' },
      { ...good, member: false, signup: null, color: null },
      // Strings as a CSV file spells them, read by the same value parser as ingest.
      { ...good, age: ' 3.5', 'mean radius': 'NA', member: 'yes', signup: '2024-03-01T10:00:00,5z', color: ' blue ', note: '?' },
      { ...good, age: 'nan', member: 'N', signup: 'NA', color: 7, note: true },
    ];
    expect(read(rows)).toEqual(instancesToTable(fitted, rows));
    expect(check(rows)).toBe(true);
  });

  it.each([
    ['a missing field', { ...good, age: undefined }],
    ['an extra field', { ...good, extra: 1 }],
    ['the target', { ...good, churned: 'no' }],
    ['a string that is not a number', { ...good, age: '41 years' }],
    ['the string "Infinity" for a number', { ...good, age: 'Infinity' }],
    ['a boolean for a number', { ...good, age: true }],
    ['an array for a category', { ...good, color: [3] }],
    ['2 for a boolean', { ...good, member: 2 }],
    ['"maybe" for a boolean', { ...good, member: 'maybe' }],
    ['an invalid day', { ...good, signup: '2024-02-30' }],
    ['a bad date', { ...good, signup: 'yesterday' }],
    ['an object value', { ...good, note: { a: 1 } }],
    ['an array instance', [1, 2, 3]],
    ['a null instance', null],
    ['a string instance', 'x'],
  ])('refuses %s, as instancesToTable does', (_what, bad) => {
    const rows = [good, JSON.parse(JSON.stringify(bad ?? null)) as unknown];
    expect(read(rows)).toBeNull();
    expect(check(rows)).toBe(false);
    expect(() => instancesToTable(fitted, rows)).toThrow(/instances\[1\]/);
  });

  it('refuses Infinity and NaN numbers (which JSON cannot carry but a caller of the library can)', () => {
    for (const bad of [{ ...good, age: Infinity }, { ...good, age: NaN }, { ...good, signup: -Infinity }]) {
      expect(read([bad])).toBeNull();
      expect(check([bad])).toBe(false);
    }
  });

  it('handles field names that are not identifiers', () => {
    const odd: FittedFeatures = { ...fitted, inputSchema: [{ name: 'a"b\\c', type: 'numeric' }, { name: '__proto__x', type: 'numeric' }] };
    const r = compileInstanceReader(odd);
    const rows = [{ 'a"b\\c': 1, __proto__x: 2 }];
    expect(r.read(rows)).toEqual(instancesToTable(odd, rows));
    expect(r.check(rows)).toBe(true);
  });
});
