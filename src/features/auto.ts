/**
 * `features: auto`: a sensible default spec from the training table's columns.
 * - numeric: median impute (with a missing indicator when the training data has nulls) and standardize;
 * - boolean: most-frequent impute (indicator when nulls), kept as 0/1;
 * - categorical: most-frequent impute (indicator when nulls) and one-hot, capped at 50 columns;
 * - datetime: median impute, then year/month/day/weekday (+ hour when times vary), standardized;
 * - text and all-missing columns: dropped, with a note saying so.
 * Serving-time nulls are imputed even in columns that had none in training, hence impute on every column.
 */
import type { Table } from '../data/table';
import { isFloatColumn } from '../data/table';
import { partName } from './names';
import { DEFAULT_DATETIME_PARTS, type DatetimePart, type FeatureStep, type StepsFeaturesSpec } from './spec';

export const AUTO_MAX_CATEGORIES = 50;

export interface AutoFeatures {
  spec: StepsFeaturesSpec;
  /** Why columns were left out, one line each. */
  notes: string[];
}

export function autoFeaturesSpec(table: Table, target?: string): AutoFeatures {
  const notes: string[] = [];
  const medianWithIndicator: string[] = [];
  const median: string[] = [];
  const frequentWithIndicator: string[] = [];
  const frequent: string[] = [];
  const onehot: string[] = [];
  const standardize: string[] = [];
  const datetimeSteps: FeatureStep[] = [];

  for (const col of table.columns) {
    if (col.name === target) continue;
    if (col.type === 'text') {
      notes.push(`auto features: dropped text column "${col.name}"; free text needs its own featurization (write explicit steps to use it)`);
      continue;
    }
    const n = table.nrows;
    let missing = 0;
    if (isFloatColumn(col)) {
      const values = col.values;
      for (let i = 0; i < n; i++) if (values[i] !== values[i]) missing++;
    } else {
      const codes = col.codes;
      for (let i = 0; i < n; i++) if (codes[i] < 0) missing++;
    }
    if (missing === n) {
      notes.push(`auto features: dropped column "${col.name}"; every training value is missing`);
      continue;
    }
    const hasNulls = missing > 0;
    switch (col.type) {
      case 'numeric':
        (hasNulls ? medianWithIndicator : median).push(col.name);
        standardize.push(col.name);
        break;
      case 'boolean':
        (hasNulls ? frequentWithIndicator : frequent).push(col.name);
        break;
      case 'categorical':
        (hasNulls ? frequentWithIndicator : frequent).push(col.name);
        onehot.push(col.name);
        break;
      case 'datetime': {
        (hasNulls ? medianWithIndicator : median).push(col.name);
        const parts: DatetimePart[] = [...DEFAULT_DATETIME_PARTS];
        if (timesVary(col.values)) parts.push('hour');
        datetimeSteps.push({ op: 'datetime', columns: [col.name], parts });
        standardize.push(...parts.map((p) => partName(col.name, p)));
        break;
      }
    }
  }

  const steps: FeatureStep[] = [];
  const impute = (columns: string[], strategy: 'median' | 'most_frequent', addIndicator: boolean) => {
    if (columns.length > 0) steps.push({ op: 'impute', columns, strategy, addIndicator });
  };
  impute(medianWithIndicator, 'median', true);
  impute(median, 'median', false);
  impute(frequentWithIndicator, 'most_frequent', true);
  impute(frequent, 'most_frequent', false);
  steps.push(...datetimeSteps);
  if (onehot.length > 0) steps.push({ op: 'onehot', columns: onehot, handleUnknown: 'ignore', maxCategories: AUTO_MAX_CATEGORIES, dropFirst: false });
  if (standardize.length > 0) steps.push({ op: 'standardize', columns: standardize });
  return { spec: { steps, passthrough: 'drop', stepsPath: 'features(auto)' }, notes };
}

/** Whether any timestamp is not at midnight UTC, i.e. the column carries times, not just dates. */
function timesVary(values: Float64Array): boolean {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isFinite(v) && v % 86_400_000 !== 0) return true;
  }
  return false;
}
