import { describe, expect, it } from 'vitest';
import { parseFeaturesSpec, planFeatures, validateFeaturesSpec, type ColumnInfo, type StepsFeaturesSpec } from '../../../src/features';

const columns: ColumnInfo[] = [
  { name: 'age', type: 'numeric' },
  { name: 'income', type: 'numeric' },
  { name: 'color', type: 'categorical' },
  { name: 'signup', type: 'datetime' },
  { name: 'bio', type: 'text' },
  { name: 'weight', type: 'numeric' },
  { name: 'height', type: 'numeric' },
  { name: 'id', type: 'numeric' },
  { name: 'churned', type: 'boolean' },
];

function steps(raw: unknown): StepsFeaturesSpec {
  const spec = parseFeaturesSpec(raw);
  if (spec.auto) throw new Error('auto');
  return spec;
}
const validate = (raw: unknown, target = 'churned') => validateFeaturesSpec(steps(raw), columns, { target });

describe('validateFeaturesSpec', () => {
  it('accepts a valid spec', () => {
    expect(validate([{ impute: 'age' }, { onehot: 'color' }, { datetime: 'signup' }, { standardize: ['age', 'signup__year'] }])).toEqual([]);
  });

  it('names a missing column and the nearest real one', () => {
    expect(validate([{ impute: 'age' }, { onehot: 'color' }, { standardize: ['agee'] }])).toEqual([
      'features[2].standardize: column "agee" does not exist; did you mean "age"?',
    ]);
    expect(validate([{ standardize: 'Income' }, { standardize: 'zzzzzz' }])).toEqual([
      'features[0].standardize: column "Income" does not exist; did you mean "income"?',
      'features[1].standardize: column "zzzzzz" does not exist; available columns: "age", "income", "color", "signup", "bio", "weight", "height", "id"',
    ]);
  });

  it('rejects numeric transforms on other types, with what to do instead', () => {
    expect(validate([{ standardize: 'color' }, { log1p: 'signup' }, { impute: 'color', strategy: 'mean' }, { ordinal: 'age' }, { datetime: 'age' }])).toEqual([
      'features[0].standardize: column "color" is categorical, but standardize needs a numeric column; encode it first with onehot or ordinal',
      'features[1].log1p: column "signup" is a datetime, but log1p needs a numeric column; extract numbers from it with a datetime step first (it turns "signup" into "signup__year", "signup__month", ...)',
      'features[2].impute: column "color" is categorical, so strategy mean cannot apply; use strategy: most_frequent or strategy: constant',
      'features[3].ordinal: column "age" is numeric and already numeric; ordinal encodes categories (use bucketize to bin numbers, or onehot to treat each value as a category)',
      'features[4].datetime: column "age" is numeric, but datetime needs a datetime column (epoch milliseconds); check how the data reader typed it',
    ]);
    expect(validate([{ impute: 'color', strategy: 'constant', value: 0 }, { onehot: 'color' }])).toEqual([
      'features[0].impute: column "color" is categorical, so value must be a string (got 0)',
    ]);
  });

  it('rejects the target as a feature', () => {
    expect(validate([{ standardize: ['age', 'churned'] }])).toEqual(['features[0].standardize: column "churned" is the target; it cannot also be a feature']);
    expect(validate([{ derive: 'leak', expr: 'churned * 2' }])).toEqual([
      'features[0].derive: expr reads the target column "churned"; a feature computed from the target leaks the answer',
    ]);
    expect(validate([{ standardize: 'age' }], 'churn')).toEqual(['target: column "churn" does not exist; did you mean "churned"?']);
    // Dropping the target is harmless.
    expect(validate([{ standardize: 'age' }, { drop: 'churned' }])).toEqual([]);
  });

  it('follows columns through the steps', () => {
    expect(validate([{ drop: 'age' }, { standardize: 'age' }])).toEqual(['features[1].standardize: column "age" no longer exists: it was dropped by features[0].drop']);
    expect(validate([{ onehot: 'color' }, { impute: 'color', strategy: 'most_frequent' }])).toEqual([
      'features[1].impute: column "color" no longer exists: it was replaced by its one-hot columns ("color=<category>") at features[0].onehot; transform it before that step',
    ]);
    // Encoding makes numeric transforms legal; one-hot outputs can be named by later steps.
    expect(validate([{ ordinal: 'color' }, { standardize: 'color' }])).toEqual([]);
    expect(validate([{ onehot: 'color' }, { drop: 'color=red' }, { standardize: 'age' }])).toEqual([]);
    expect(validate([{ impute: 'age', addIndicator: true }, { standardize: 'age__missing' }])).toEqual([]);
  });

  it('checks derive expressions and new names', () => {
    expect(validate([{ derive: 'bmi', expr: 'wieght / (height * height)' }])).toEqual([
      'features[0].derive: expr reads column "wieght", which does not exist; did you mean "weight"?',
    ]);
    expect(validate([{ derive: 'x', expr: 'color + 1' }])[0]).toMatch(/column "color" is categorical, but derive expressions need a numeric column/);
    expect(validate([{ derive: 'age', expr: 'income * 2' }])).toEqual([
      'features[0].derive "age": would create column "age", but a column with that name already exists; rename or drop it first',
    ]);
    expect(validate([{ derive: 'bmi', expr: 'weight / (height * height)' }, { standardize: 'bmi' }])).toEqual([]);
  });

  it('rejects non-numeric columns that would reach the model, and specs with no features', () => {
    expect(validate([{ impute: 'color', strategy: 'most_frequent' }])).toEqual([
      'features: column "color" is categorical and would reach the model unencoded; encode it first with onehot or ordinal, or drop it',
    ]);
    const keep = validateFeaturesSpec(steps({ steps: [{ onehot: 'color' }, { datetime: 'signup' }], passthrough: 'keep' }), columns, { target: 'churned' });
    expect(keep).toEqual([
      'features.steps: column "bio" is text and would reach the model unencoded (passthrough: keep sends every remaining column to the model); drop it, or encode it with onehot (with maxCategories) if it is really a small set of labels',
    ]);
    expect(validate([{ drop: 'age' }])).toEqual([
      'features: no column reaches the model; name columns in transform steps, or set passthrough: keep to use the numeric columns as they are',
    ]);
  });

  it('plans the input schema: columns read, not columns only dropped', () => {
    const plan = planFeatures(steps([{ derive: 'bmi', expr: 'weight / (height * height)' }, { drop: ['weight', 'id'] }, { onehot: 'color' }]), columns, {
      target: 'churned',
    });
    expect(plan.issues).toEqual([]);
    expect(plan.inputs.map((c) => c.name)).toEqual(['color', 'weight', 'height']);
    const keep = planFeatures(steps({ steps: [{ drop: ['bio', 'signup', 'id'] }, { onehot: 'color' }], passthrough: 'keep' }), columns, { target: 'churned' });
    expect(keep.inputs.map((c) => c.name)).toEqual(['age', 'income', 'color', 'weight', 'height']);
  });
});
