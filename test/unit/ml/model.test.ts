import { describe, expect, it } from 'vitest';
import { fitModel, type FitProgress } from '../../../src/ml/model';
import { GbdtModel } from '../../../src/ml/gbdt';
import { LinearModel } from '../../../src/ml/linear';
import { LogisticModel } from '../../../src/ml/logistic';
import type { Task } from '../../../src/ml/task';
import { randomMatrix } from './helpers';

const X = randomMatrix(120, 2, 1);
const yClass = Float64Array.from({ length: 120 }, (_, i) => (X.data[2 * i] > 0 ? 1 : 0));
const yReg = Float64Array.from({ length: 120 }, (_, i) => 2 * X.data[2 * i] - X.data[2 * i + 1]);
const binary: Task = { kind: 'binary', classes: ['no', 'yes'] };
const regression: Task = { kind: 'regression' };

describe('fitModel', () => {
  it('dispatches on the algorithm and honours the model contract', () => {
    const logistic = fitModel({ algorithm: 'logistic_regression' }, X, yClass, binary, { seed: 1 });
    expect(logistic).toBeInstanceOf(LogisticModel);
    expect(logistic.predict(X)).toHaveLength(120 * 2);
    const linear = fitModel({ algorithm: 'linear_regression', params: { alpha: 0 } }, X, yReg, regression, { seed: 1 });
    expect(linear).toBeInstanceOf(LinearModel);
    expect(linear.predict(X)).toHaveLength(120);
    expect((linear as LinearModel).coef[0]).toBeCloseTo(2, 10);
    const gbdt = fitModel({ algorithm: 'gbdt', params: { maxIter: 5 } }, X, yReg, regression, { seed: 1 });
    expect(gbdt).toBeInstanceOf(GbdtModel);
    expect(gbdt.nFeatures).toBe(2);
    expect(gbdt.task).toEqual(regression);
  });

  it('passes progress through for every algorithm', () => {
    for (const [algorithm, y, task] of [
      ['logistic_regression', yClass, binary],
      ['linear_regression', yReg, regression],
      ['gbdt', yReg, regression],
    ] as const) {
      const events: FitProgress[] = [];
      fitModel({ algorithm, params: algorithm === 'gbdt' ? { maxIter: 4 } : {} }, X, y, task, { seed: 1, onProgress: (p) => events.push(p) });
      expect(events.length).toBeGreaterThan(0);
      expect(events.at(-1)!.iteration).toBeLessThanOrEqual(events.at(-1)!.total);
    }
  });

  it('explains algorithm/task mismatches and what to use instead', () => {
    expect(() => fitModel({ algorithm: 'logistic_regression' }, X, yReg, regression, { seed: 1 })).toThrow(
      /logistic_regression is a classifier but the task is regression .* use linear_regression or gbdt/,
    );
    expect(() => fitModel({ algorithm: 'linear_regression' }, X, yClass, binary, { seed: 1 })).toThrow(
      /linear_regression predicts numbers but the task is binary classification; use logistic_regression or gbdt/,
    );
  });

  it('validates params before fitting, with the spec path', () => {
    expect(() => fitModel({ algorithm: 'gbdt', params: { maxLeafNodes: 1 } }, X, yReg, regression, { seed: 1 })).toThrow(
      'model.params.maxLeafNodes: expected an integer >= 2, got 1',
    );
    expect(() => fitModel({ algorithm: 'knn' as 'gbdt' }, X, yReg, regression, { seed: 1 })).toThrow(/unknown algorithm "knn"/);
  });

  it('attaches feature names and checks their count', () => {
    const model = fitModel({ algorithm: 'linear_regression' }, X, yReg, regression, { seed: 1, featureNames: ['a', 'b'] });
    expect(model.featureNames).toEqual(['a', 'b']);
    expect(() => fitModel({ algorithm: 'linear_regression' }, X, yReg, regression, { seed: 1, featureNames: ['a'] })).toThrow(
      /featureNames has 1 names but the feature matrix has 2 columns/,
    );
  });
});
