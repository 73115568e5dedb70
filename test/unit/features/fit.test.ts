import { describe, expect, it } from 'vitest';
import { takeRows } from '../../../src/data/table';
import { FeaturesSpecError, fitFeatures, parseFeaturesSpec, transformTable } from '../../../src/features';
import { cat, column, date, num, table } from './helpers';

describe('fitFeatures', () => {
  it('learns statistics from the training table only', () => {
    const all = table(num('age', [20, 30, null, 40, 1000, 2000]), cat('color', ['red', 'blue', 'red', 'blue', 'green', 'green']));
    const train = takeRows(all, [0, 1, 2, 3]);
    const test = takeRows(all, [4, 5]);
    const fitted = fitFeatures(parseFeaturesSpec([{ impute: 'age', addIndicator: true }, { standardize: 'age' }, { onehot: 'color' }]), train);

    const impute = fitted.steps[0] as { columns: { fill: number }[] };
    expect(impute.columns[0].fill).toBe(30); // median of 20, 30, 40: the test set's 1000 and 2000 play no part
    const standardize = fitted.steps[1] as { columns: { mean: number; scale: number }[] };
    expect(standardize.columns[0].mean).toBe(30); // mean of the imputed training column [20, 30, 30, 40]
    expect(standardize.columns[0].scale).toBeCloseTo(Math.sqrt(50), 12);
    expect(fitted.outputNames).toEqual(['age', 'age__missing', 'color=blue', 'color=red']); // green only appears in test

    const m = transformTable(fitted, test);
    expect(column(m, fitted, 'age')).toEqual([(1000 - 30) / Math.sqrt(50), (2000 - 30) / Math.sqrt(50)]);
    expect(column(m, fitted, 'color=blue')).toEqual([0, 0]);
    expect(column(m, fitted, 'color=red')).toEqual([0, 0]);
  });

  it('gives stable, readable output names in column order, derived columns last', () => {
    const t = table(
      num('age', [30, null]),
      cat('color', ['red', 'blue']),
      date('signup', ['2024-01-01', '2024-06-15']),
      num('weight', [70, 80]),
      num('height', [1.7, 1.8]),
    );
    const spec = parseFeaturesSpec([
      { impute: 'age', addIndicator: true },
      { onehot: 'color' },
      { datetime: 'signup', parts: ['year', 'month'] },
      { derive: 'bmi', expr: 'weight / (height * height)' },
    ]);
    const a = fitFeatures(spec, t);
    expect(a.outputNames).toEqual(['age', 'age__missing', 'color=blue', 'color=red', 'signup__year', 'signup__month', 'bmi']);
    expect(fitFeatures(spec, t).outputNames).toEqual(a.outputNames);
  });

  it('handles unseen categories as asked: zeros, __other__, or an error naming row and value', () => {
    const train = table(cat('color', ['red', 'red', 'blue', 'blue', 'green', 'yellow']));
    const test = table(cat('color', ['purple', 'red', 'green']));
    const ignore = fitFeatures(parseFeaturesSpec([{ onehot: 'color' }]), train);
    expect(Array.from(transformTable(ignore, test).data)).toEqual([0, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0]); // blue, green, red, yellow

    const capped = fitFeatures(parseFeaturesSpec([{ onehot: 'color', maxCategories: 3 }]), train);
    expect(capped.outputNames).toEqual(['color=blue', 'color=red', 'color=__other__']);
    // purple is unseen, green infrequent: both land in __other__
    expect(Array.from(transformTable(capped, test).data)).toEqual([0, 0, 1, 0, 1, 0, 0, 0, 1]);

    const strict = fitFeatures(parseFeaturesSpec([{ onehot: 'color', handleUnknown: 'error' }]), train);
    expect(() => transformTable(strict, test)).toThrow(
      'column "color", row 0: unknown category "purple" (training saw: blue, green, red, yellow); the onehot step at steps[0].onehot has handleUnknown: error, set it to ignore to encode unseen categories as all zeros',
    );
    // Infrequent-but-seen categories are not "unknown", even in error mode.
    const cappedStrict = fitFeatures(parseFeaturesSpec([{ onehot: 'color', maxCategories: 2, handleUnknown: 'error' }]), train);
    expect(Array.from(transformTable(cappedStrict, table(cat('color', ['green', 'blue']))).data)).toEqual([0, 1, 1, 0]);
  });

  it('caps cardinality: the most frequent categories keep a column, the rarest share __other__', () => {
    const values = ['a', 'a', 'a', 'a', 'b', 'b', 'b', 'c', 'c', 'd', 'e', 'e'];
    const fitted = fitFeatures(parseFeaturesSpec([{ onehot: 'v', maxCategories: 4 }]), table(cat('v', values)));
    // counts a4 b3 c2 e2 d1: keep 3 (a, b, and c over e by name on the tie), the rest go to __other__
    expect(fitted.outputNames).toEqual(['v=a', 'v=b', 'v=c', 'v=__other__']);
    expect(fitted.steps[0]).toMatchObject({ columns: [{ categories: ['a', 'b', 'c'], infrequent: ['d', 'e'] }] });
    expect(fitted.notes).toEqual(['features[0].onehot: column "v" has 5 categories; the 3 most frequent get their own column, the other 2 share "v=__other__"']);
    const m = transformTable(fitted, table(cat('v', ['e', 'a'])));
    expect(Array.from(m.data)).toEqual([0, 0, 0, 1, 1, 0, 0, 0]);
  });

  it('adds missing indicators computed before imputation, including for rows only seen at transform time', () => {
    const fitted = fitFeatures(parseFeaturesSpec([{ impute: ['x', 'c'], strategy: 'most_frequent', addIndicator: true }, { onehot: 'c' }]), table(num('x', [1, 1, 2]), cat('c', ['u', 'v', 'v'])));
    expect(fitted.outputNames).toEqual(['x', 'x__missing', 'c=u', 'c=v', 'c__missing']);
    const m = transformTable(fitted, table(num('x', [null, 5]), cat('c', ['u', null])));
    expect(Array.from(m.data)).toEqual([1, 1, 1, 0, 0, 5, 0, 0, 1, 1]);
  });

  it('feeds untouched numeric columns through with passthrough: keep, and leaves them out by default', () => {
    const t = table(num('a', [1, 2]), num('b', [3, 4]), cat('c', ['x', 'y']), num('y', [0, 1]));
    const keep = fitFeatures(parseFeaturesSpec({ steps: [{ onehot: 'c' }], passthrough: 'keep' }), t, { target: 'y' });
    expect(keep.outputNames).toEqual(['a', 'b', 'c=x', 'c=y']);
    expect(keep.inputSchema.map((c) => c.name)).toEqual(['a', 'b', 'c']);
    expect(Array.from(transformTable(keep, t).data)).toEqual([1, 3, 1, 0, 2, 4, 0, 1]);
    const drop = fitFeatures(parseFeaturesSpec([{ onehot: 'c' }]), t, { target: 'y' });
    expect(drop.outputNames).toEqual(['c=x', 'c=y']);
  });

  it('refuses an invalid spec with every problem listed', () => {
    const t = table(num('age', [1]), cat('color', ['a']));
    expect(() => fitFeatures(parseFeaturesSpec([{ standardize: 'agee' }, { standardize: 'color' }]), t)).toThrow(FeaturesSpecError);
    try {
      fitFeatures(parseFeaturesSpec([{ standardize: 'agee' }, { standardize: 'color' }]), t);
    } catch (e) {
      expect((e as FeaturesSpecError).issues).toHaveLength(2);
      expect((e as Error).message).toContain('features[0].standardize: column "agee" does not exist; did you mean "age"?');
    }
  });

  it('names the missing or mistyped column when a table does not match the fit', () => {
    const fitted = fitFeatures(parseFeaturesSpec([{ standardize: 'age' }]), table(num('age', [1, 2])));
    expect(() => transformTable(fitted, table(num('Age', [1])))).toThrow(
      'transformTable: the table has no column "age" (numeric), which the features were fitted on; did you mean "Age"?',
    );
    expect(() => transformTable(fitted, table(cat('age', ['1'])))).toThrow(
      'transformTable: column "age" is categorical here but was numeric when the features were fitted; make the data reader type it as numeric',
    );
  });
});

describe('output name clashes', () => {
  it('names the step when one-hot output would overwrite an existing column', () => {
    const t = table(cat('c', ['x', 'y']), num('c=x', [1, 2]));
    expect(() => fitFeatures(parseFeaturesSpec({ steps: [{ onehot: 'c' }], passthrough: 'keep' }), t)).toThrow(
      'features.steps[0].onehot: would create column "c=x", but a column with that name already exists; rename or drop it first',
    );
  });
});
