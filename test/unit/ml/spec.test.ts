import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { modelSpecSchema, parseModelSpec, ModelSpecError } from '../../../src/ml/model';
import { resolveParams } from '../../../src/ml/params';

const messageOf = (value: unknown): string => {
  try {
    parseModelSpec(value);
  } catch (e) {
    expect(e).toBeInstanceOf(ModelSpecError);
    return (e as Error).message;
  }
  throw new Error('expected the spec to be rejected');
};

describe('model spec validation', () => {
  it('accepts a complete valid spec and returns it typed', () => {
    const spec = parseModelSpec({
      algorithm: 'gbdt',
      params: { learningRate: 0.05, maxDepth: null, earlyStopping: 'auto' },
      search: { strategy: 'random', space: { maxLeafNodes: [15, 31, 63], l2Regularization: { min: 0.001, max: 10, log: true } }, trials: 8, metric: 'roc_auc' },
    });
    expect(spec.algorithm).toBe('gbdt');
    expect(spec.search?.trials).toBe(8);
  });

  it('names an unknown algorithm and lists the valid ones', () => {
    expect(messageOf({ algorithm: 'xgb' })).toBe(
      'model.algorithm: unknown algorithm "xgb"; choose one of logistic_regression, linear_regression, gbdt',
    );
    expect(messageOf({ algorithm: 'gdbt' })).toMatch(/unknown algorithm "gdbt" \(did you mean gbdt\?\)/);
    expect(messageOf({})).toBe('model.algorithm: required; choose one of logistic_regression, linear_regression, gbdt');
  });

  it('points at the bad parameter and says what it accepts', () => {
    expect(messageOf({ algorithm: 'gbdt', params: { learningRate: -1 } })).toBe(
      'model.params.learningRate: expected a number > 0, got -1',
    );
    expect(messageOf({ algorithm: 'gbdt', params: { maxLeafNodes: 2.5 } })).toBe(
      'model.params.maxLeafNodes: expected an integer >= 2, got 2.5',
    );
    expect(messageOf({ algorithm: 'gbdt', params: { validationFraction: 1 } })).toMatch(/expected a number in \(0, 1\), got 1/);
    expect(messageOf({ algorithm: 'gbdt', params: { earlyStopping: 'yes' } })).toMatch(/expected true, false or "auto", got "yes"/);
    expect(messageOf({ algorithm: 'logistic_regression', params: { c: '1' } })).toMatch(/model.params.c: expected a number > 0, got "1"/);
  });

  it('rejects unknown parameters, suggesting the likely one and listing all', () => {
    const msg = messageOf({ algorithm: 'gbdt', params: { learning_rate: 0.1 } });
    expect(msg).toMatch(/^model.params.learning_rate: unknown parameter for gbdt \(did you mean learningRate\?\); valid parameters are learningRate, maxIter,/);
    expect(messageOf({ algorithm: 'linear_regression', params: { c: 1 } })).toBe(
      'model.params.c: unknown parameter for linear_regression; valid parameters are alpha',
    );
  });

  it('reports every problem at once', () => {
    const msg = messageOf({ algorithm: 'gbdt', params: { learningRate: 0, maxIter: -3 }, extra: 1 });
    expect(msg.split('\n')).toHaveLength(4);
    expect(msg).toMatch(/model.extra: unknown key; valid keys are algorithm, params, search/);
    expect(msg).toMatch(/model.params.maxIter: expected an integer >= 1, got -3/);
  });

  it('validates the search section', () => {
    expect(messageOf({ algorithm: 'gbdt', search: { strategy: 'bayes', space: { maxIter: [10] } } })).toMatch(
      /model.search.strategy: expected "grid" or "random", got "bayes"/,
    );
    expect(messageOf({ algorithm: 'gbdt', search: { strategy: 'grid', space: { learningRate: { min: 0.01, max: 1 } } } })).toMatch(
      /model.search.space.learningRate: a grid needs an explicit list of values/,
    );
    expect(messageOf({ algorithm: 'gbdt', search: { strategy: 'grid', space: { learningRate: [0.1, -0.2] } } })).toBe(
      'model.search.space.learningRate[1]: expected a number > 0, got -0.2',
    );
    expect(messageOf({ algorithm: 'gbdt', search: { strategy: 'random', space: { learningRate: { min: 0, max: 1, log: true } } } })).toMatch(
      /learningRate.min: expected a number > 0, got 0/,
    );
    expect(messageOf({ algorithm: 'linear_regression', search: { strategy: 'random', space: { alpha: { min: 0, max: 1, log: true } } } })).toMatch(
      /model.search.space.alpha.min: a log-scale range needs min > 0, got 0/,
    );
    expect(messageOf({ algorithm: 'gbdt', search: { strategy: 'random', space: { earlyStopping: [1] } } })).toMatch(
      /model.search.space.earlyStopping: cannot be searched; searchable parameters are learningRate, maxIter/,
    );
    expect(messageOf({ algorithm: 'gbdt', params: { maxIter: 50 }, search: { strategy: 'grid', space: { maxIter: [10, 20] } } })).toMatch(
      /model.search.space.maxIter: is also fixed in params.maxIter/,
    );
    expect(messageOf({ algorithm: 'gbdt', search: { strategy: 'grid', space: { maxIter: [10] }, trials: 5 } })).toMatch(
      /model.search.trials: only used by random search/,
    );
    expect(messageOf({ algorithm: 'gbdt', search: { strategy: 'random', space: {} } })).toMatch(/model.search.space: expected an object .* got an empty object/);
  });

  it('composes into a larger zod schema with issue paths under the section', () => {
    const pipeline = z.object({ name: z.string(), model: modelSpecSchema });
    const ok = pipeline.parse({ name: 'p', model: { algorithm: 'linear_regression', params: { alpha: 0 } } });
    expect(ok.model.algorithm).toBe('linear_regression');
    const result = pipeline.safeParse({ name: 'p', model: { algorithm: 'gbdt', params: { learningRate: 0 } } });
    expect(result.success).toBe(false);
    expect(result.error!.issues[0].path).toEqual(['model', 'params', 'learningRate']);
    expect(result.error!.issues[0].message).toBe('expected a number > 0, got 0');
    expect(pipeline.safeParse({ name: 'p' }).success).toBe(false);
  });

  it('fills defaults for unspecified parameters', () => {
    expect(resolveParams('gbdt', { maxIter: 7 })).toMatchObject({ maxIter: 7, learningRate: 0.1, maxLeafNodes: 31, minSamplesLeaf: 20, maxDepth: null, earlyStopping: 'auto' });
    expect(resolveParams('logistic_regression')).toEqual({ c: 1, maxIterations: 1000, tol: 1e-6 });
    expect(() => resolveParams('linear_regression', { alpha: -1 })).toThrow(/params.alpha: expected a number >= 0, got -1/);
  });
});
