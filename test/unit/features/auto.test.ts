import { describe, expect, it } from 'vitest';
import { autoFeaturesSpec, fitFeatures, parseFeaturesSpec, transformInstances, transformTable } from '../../../src/features';
import type { CodedColumn } from '../../../src/data/table';
import { bool, bytes, cat, date, instancesOf, num, table } from './helpers';

describe('autoFeaturesSpec', () => {
  const mixed = table(
    num('age', [30, null, 50, 40]),
    num('income', [1, 2, 3, 4]),
    bool('member', [true, null, false, true]),
    cat('color', ['red', 'blue', null, 'red']),
    cat('plan', ['a', 'b', 'a', 'b']),
    date('signup', ['2024-01-01', '2024-02-01', null, '2023-05-05']),
    date('seen', ['2024-01-01T10:30:00Z', '2024-01-02T00:00:00Z', '2024-01-03T00:00:00Z', '2024-01-04T00:00:00Z']),
    cat('comment', ['great', 'meh', 'bad', 'ok'], 'text'),
    num('empty', [null, null, null, null]),
    cat('churned', ['no', 'yes', 'no', 'no']),
  );

  it('builds a sensible default spec for each column type', () => {
    const { spec, notes } = autoFeaturesSpec(mixed, 'churned');
    expect(spec.steps).toEqual([
      { op: 'impute', columns: ['age', 'signup'], strategy: 'median', addIndicator: true },
      { op: 'impute', columns: ['income', 'seen'], strategy: 'median', addIndicator: false },
      { op: 'impute', columns: ['member', 'color'], strategy: 'most_frequent', addIndicator: true },
      { op: 'impute', columns: ['plan'], strategy: 'most_frequent', addIndicator: false },
      { op: 'datetime', columns: ['signup'], parts: ['year', 'month', 'day', 'weekday'] },
      { op: 'datetime', columns: ['seen'], parts: ['year', 'month', 'day', 'weekday', 'hour'] },
      { op: 'onehot', columns: ['color', 'plan'], handleUnknown: 'ignore', maxCategories: 50, dropFirst: false },
      {
        op: 'standardize',
        columns: ['age', 'income', 'signup__year', 'signup__month', 'signup__day', 'signup__weekday', 'seen__year', 'seen__month', 'seen__day', 'seen__weekday', 'seen__hour'],
      },
    ]);
    expect(notes).toEqual([
      'auto features: dropped text column "comment"; free text needs its own featurization (write explicit steps to use it)',
      'auto features: dropped column "empty"; every training value is missing',
    ]);
  });

  it('fits from features: auto, with the notes carried into the artifact and no missing values left', () => {
    const fitted = fitFeatures(parseFeaturesSpec('auto'), mixed, { target: 'churned' });
    expect(fitted.outputNames).toEqual([
      'age', 'age__missing', 'income', 'member', 'member__missing', 'color=blue', 'color=red', 'color__missing', 'plan=a', 'plan=b',
      'signup__year', 'signup__month', 'signup__day', 'signup__weekday', 'signup__missing',
      'seen__year', 'seen__month', 'seen__day', 'seen__weekday', 'seen__hour',
    ]);
    expect(fitted.inputSchema.map((c) => c.name)).not.toContain('comment');
    expect(fitted.notes.some((n) => n.includes('"comment"'))).toBe(true);
    const m = transformTable(fitted, mixed);
    expect(m.data.every(Number.isFinite)).toBe(true);
  });

  it('handles congressional-vote-like data: y/n votes with missing values and a party target', () => {
    // Ten rows shaped like /work/shared/data/vote.csv: "?" (missing) already read as null.
    const votes: Record<string, (string | null)[]> = {
      'handicapped-infants': ['n', 'n', null, 'n', 'y', 'n', 'n', 'n', 'n', 'y'],
      'water-project-cost-sharing': ['y', 'y', 'y', 'y', 'y', 'y', 'y', 'y', 'y', 'y'],
      'adoption-of-the-budget-resolution': ['n', 'n', 'y', 'y', 'y', 'y', 'n', 'n', 'n', 'y'],
      'physician-fee-freeze': ['y', 'y', null, 'n', 'n', 'n', 'y', 'y', 'y', 'n'],
      'el-salvador-aid': ['y', 'y', 'y', null, 'y', 'y', 'y', 'y', 'y', 'n'],
      'export-administration-act-south-africa': ['y', null, 'n', 'y', 'y', 'y', null, 'y', null, null],
    };
    const party = ['republican', 'republican', 'democrat', 'democrat', 'democrat', 'democrat', 'democrat', 'republican', 'republican', 'democrat'];
    const t = table(...Object.entries(votes).map(([name, v]) => cat(name, v)), cat('Class', party));

    const fitted = fitFeatures(parseFeaturesSpec('auto'), t, { target: 'Class' });
    expect(fitted.inputSchema.map((c) => c.name)).toEqual(Object.keys(votes));
    expect(fitted.outputNames.slice(0, 5)).toEqual([
      'handicapped-infants=n',
      'handicapped-infants=y',
      'handicapped-infants__missing',
      'water-project-cost-sharing=y',
      'adoption-of-the-budget-resolution=n',
    ]);
    expect(fitted.outputNames).toHaveLength(3 + 1 + 2 + 3 + 3 + 3);
    expect(fitted.outputNames.some((n) => n.startsWith('Class'))).toBe(false);

    const m = transformTable(fitted, t);
    expect(m.data.every((v) => v === 0 || v === 1)).toBe(true);
    const row2 = Array.from(m.data.subarray(2 * m.cols, 3 * m.cols));
    expect(row2.slice(0, 3)).toEqual([1, 0, 1]); // missing handicapped-infants: imputed to the majority "n", flagged
    // Serving the same votes as JSON gives the same matrix; a vote of "?" would be sent as null.
    expect(bytes(transformInstances(fitted, instancesOf(t, Object.keys(votes))))).toEqual(bytes(m));
  });

  it('caps a high-cardinality categorical at 50 columns', () => {
    const ids = Array.from({ length: 300 }, (_, i) => `c${i % 120}`);
    const t = table(cat('city', ids), num('y', ids.map((_, i) => i % 2)));
    const fitted = fitFeatures(parseFeaturesSpec('auto'), t, { target: 'y' });
    expect(fitted.outputNames).toHaveLength(50);
    expect(fitted.outputNames[49]).toBe('city=__other__');
    expect((t.columns[0] as CodedColumn).levels).toHaveLength(120);
  });
});
