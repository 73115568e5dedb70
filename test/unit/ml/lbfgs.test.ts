import { describe, expect, it } from 'vitest';
import { minimizeLbfgs } from '../../../src/ml/optim/lbfgs';

describe('minimizeLbfgs', () => {
  it('finds the minimum of the Rosenbrock function', () => {
    const result = minimizeLbfgs(
      (x, g) => {
        const a = 1 - x[0];
        const b = x[1] - x[0] * x[0];
        g[0] = -2 * a - 400 * x[0] * b;
        g[1] = 200 * b;
        return a * a + 100 * b * b;
      },
      Float64Array.of(-1.2, 1),
      { gtol: 1e-8, maxIterations: 500 },
    );
    expect(result.converged).toBe(true);
    expect(result.x[0]).toBeCloseTo(1, 6);
    expect(result.x[1]).toBeCloseTo(1, 6);
  });

  it('solves an ill-conditioned quadratic to the requested gradient tolerance', () => {
    const scales = Float64Array.from({ length: 20 }, (_, i) => 10 ** (i / 5));
    const result = minimizeLbfgs(
      (x, g) => {
        let f = 0;
        for (let i = 0; i < x.length; i++) {
          const d = x[i] - 1;
          f += 0.5 * scales[i] * d * d;
          g[i] = scales[i] * d;
        }
        return f;
      },
      new Float64Array(20),
      { gtol: 1e-9, ftol: 0 },
    );
    expect(result.reason).toBe('gradient');
    for (const g of result.grad) expect(Math.abs(g)).toBeLessThanOrEqual(1e-9);
  });

  it('reports max_iterations when the budget runs out', () => {
    const result = minimizeLbfgs(
      (x, g) => {
        g[0] = 4 * x[0] ** 3;
        return x[0] ** 4;
      },
      Float64Array.of(3),
      { maxIterations: 2, gtol: 1e-12 },
    );
    expect(result.iterations).toBe(2);
    expect(result.converged).toBe(false);
    expect(result.reason).toBe('max_iterations');
  });
});
