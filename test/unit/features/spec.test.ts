import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { featuresSpecSchema, FeaturesSpecError, featuresSpecToInput, parseFeaturesSpec } from '../../../src/features';

function issues(raw: unknown): string[] {
  try {
    parseFeaturesSpec(raw);
  } catch (e) {
    expect(e).toBeInstanceOf(FeaturesSpecError);
    return (e as FeaturesSpecError).issues;
  }
  throw new Error('spec parsed');
}

describe('featuresSpecSchema', () => {
  it('parses the list form, normalizing single column names and filling defaults', () => {
    const spec = parseFeaturesSpec([
      { impute: 'age', addIndicator: true },
      { standardize: ['age', 'income'] },
      { onehot: 'color', maxCategories: 10 },
      { derive: 'bmi', expr: 'weight / (height * height)' },
      { datetime: 'signup' },
      { drop: 'id' },
    ]);
    expect(spec).toEqual({
      stepsPath: 'features',
      passthrough: 'drop',
      steps: [
        { op: 'impute', columns: ['age'], strategy: 'median', addIndicator: true },
        { op: 'standardize', columns: ['age', 'income'] },
        { op: 'onehot', columns: ['color'], handleUnknown: 'ignore', maxCategories: 10, dropFirst: false },
        { op: 'derive', name: 'bmi', expr: 'weight / (height * height)' },
        { op: 'datetime', columns: ['signup'], parts: ['year', 'month', 'day', 'weekday'] },
        { op: 'drop', columns: ['id'] },
      ],
    });
  });

  it('accepts "auto" and the object form with a passthrough policy', () => {
    expect(parseFeaturesSpec('auto')).toEqual({ auto: true });
    const spec = parseFeaturesSpec({ steps: [{ log1p: 'x' }], passthrough: 'keep' });
    expect(spec).toEqual({ steps: [{ op: 'log1p', columns: ['x'] }], passthrough: 'keep', stepsPath: 'features.steps' });
  });

  it('names the step and field of each problem', () => {
    expect(
      issues([
        { standardise: ['age'] },
        { impute: 'x', strategy: 'constant' },
        { bucketize: 'x' },
        { clip: 'x', min: 5, max: 1 },
        { onehot: 'c', maxCategories: 1 },
        { derive: 'r', expr: 'a /' },
        { standardize: [] },
        { minmax: 'x', standardize: 'y' },
        { log1p: 'x', extra: true },
      ]),
    ).toEqual([
      'features[0]: no transform key in step (keys: standardise); use one of impute, standardize, minmax, onehot, ordinal, bucketize, log1p, clip, datetime, derive, drop; did you mean "standardize" instead of "standardise"?',
      'features[1].value: strategy constant needs a value, e.g. value: 0 or value: "unknown"',
      'features[2]: bucketize needs exactly one of boundaries: [...] (fixed cut points) or bins: n (equal-frequency bins learned from training data)',
      'features[3].min: min (5) is greater than max (1)',
      'features[4].maxCategories: maxCategories must be at least 2 (one category plus "__other__")',
      'features[5].expr: expr "a /": unexpected end of expression; expected a number, a column name, a function call or "(" at position 4',
      'features[6].standardize: name at least one column',
      'features[7]: a step has exactly one transform, found minmax and standardize; split them into separate steps',
      'features[8]: Unrecognized key: "extra"',
    ]);
    expect(issues({ steps: [{ drop: 1 }], passthrough: 'all' })).toEqual([
      'features.passthrough: passthrough must be "drop" or "keep"',
      'features.steps[0].drop: expected a column name or a list of column names',
    ]);
    expect(issues(42)).toEqual(['features: expected "auto", a list of steps, or { steps: [...], passthrough: drop | keep }']);
  });

  it('embeds in a larger schema with relative issue paths', () => {
    const pipeline = z.object({ features: featuresSpecSchema });
    const r = pipeline.safeParse({ features: [{ standardize: 'a' }, { impute: 'b', strategy: 'mode' }] });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0].path).toEqual(['features', 1, 'strategy']);
  });

  it('turns a parsed spec back into the form a user writes', () => {
    const raw = [{ impute: 'age', strategy: 'mean', addIndicator: false }, { derive: 'r', expr: 'a / b' }];
    const spec = parseFeaturesSpec(raw);
    if (spec.auto) throw new Error('unexpected auto');
    expect(featuresSpecToInput(spec)).toEqual(raw);
    expect(parseFeaturesSpec(featuresSpecToInput(spec))).toEqual(spec);
  });
});
