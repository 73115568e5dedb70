import { describe, expect, it } from 'vitest';
import { fitLinear } from '../../../src/ml/linear';
import { matrix } from '../../../src/ml/matrix';
import { fromRows, maxAbsDiff, randomMatrix, sklearnFixtures } from './helpers';

describe('linear regression / ridge', () => {
  it('recovers an exact line with OLS (alpha = 0)', () => {
    const X = matrix(4, 1, Float64Array.of(1, 2, 3, 4));
    const model = fitLinear(X, Float64Array.of(2, 4, 6, 8), { alpha: 0 });
    expect(model.coef[0]).toBeCloseTo(2, 12);
    expect(model.intercept).toBeCloseTo(0, 12);
  });

  it('matches the hand-computed ridge solution', () => {
    // Centred x = [-1.5, -0.5, 0.5, 1.5]: Sxx = 5, Sxy = 10, so w = 10 / (5 + 1) = 5/3, b = 5 - 2.5 w.
    const X = matrix(4, 1, Float64Array.of(1, 2, 3, 4));
    const model = fitLinear(X, Float64Array.of(2, 4, 6, 8), { alpha: 1 });
    expect(model.coef[0]).toBeCloseTo(5 / 3, 12);
    expect(model.intercept).toBeCloseTo(5 - 2.5 * (5 / 3), 12);
    expect(model.predict(matrix(1, 1, Float64Array.of(10)))[0]).toBeCloseTo(model.intercept + 10 * (5 / 3), 12);
  });

  it('matches sklearn Ridge for alpha 0, 0.7 and 10', () => {
    const f = sklearnFixtures().ridge;
    for (const fit of f.fits) {
      const model = fitLinear(fromRows(f.X), Float64Array.from(f.y), { alpha: fit.alpha });
      expect(maxAbsDiff(model.coef, fit.coef)).toBeLessThan(1e-10);
      expect(Math.abs(model.intercept - fit.intercept)).toBeLessThan(1e-10);
    }
  });

  it('leaves residuals orthogonal to every centred feature when alpha = 0 (normal equations)', () => {
    const X = randomMatrix(60, 4, 2);
    const y = Float64Array.from({ length: 60 }, (_, i) => Math.sin(i) + X.data[i * 4 + 2]);
    const model = fitLinear(X, y, { alpha: 0 });
    const resid = model.predict(X).map((p, i) => y[i] - p);
    expect(Math.abs(resid.reduce((a, b) => a + b, 0))).toBeLessThan(1e-10);
    for (let j = 0; j < 4; j++) {
      let dot = 0;
      for (let i = 0; i < 60; i++) dot += resid[i] * X.data[i * 4 + j];
      expect(Math.abs(dot)).toBeLessThan(1e-9);
    }
  });

  it('still fits with duplicated and constant columns at alpha = 0', () => {
    const X = matrix(5, 3);
    const x = [1, 2, 3, 4, 5];
    x.forEach((v, i) => X.data.set([v, v, 7], i * 3));
    const model = fitLinear(X, Float64Array.from(x, (v) => 3 * v + 1), { alpha: 0 });
    // Minimum-norm answer: the weight is shared between the identical columns, none on the constant.
    expect(model.coef[0]).toBeCloseTo(1.5, 10);
    expect(model.coef[1]).toBeCloseTo(1.5, 10);
    expect(Math.abs(model.coef[2])).toBeLessThan(1e-10);
    expect(maxAbsDiff(model.predict(X), Float64Array.from(x, (v) => 3 * v + 1))).toBeLessThan(1e-6);
  });

  it('rejects NaN features and non-finite targets with a pointer to the row', () => {
    expect(() => fitLinear(matrix(2, 1, Float64Array.of(1, NaN)), Float64Array.of(1, 2), { alpha: 1 })).toThrow(
      /row 1, column 0 is NaN/,
    );
    expect(() => fitLinear(matrix(2, 1, Float64Array.of(1, 2)), Float64Array.of(1, Infinity), { alpha: 1 })).toThrow(
      /regression target at row 1 is Infinity/,
    );
  });
});
