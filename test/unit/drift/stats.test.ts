import { describe, expect, it } from 'vitest';
import { chi2Sf, regularizedGammaP, regularizedGammaQ } from '../../../src/drift/gamma';
import { ksStatistic } from '../../../src/drift/ks';
import { binIndex, quantileEdges } from '../../../src/stats/quantile';
import { PSI_EPSILON, chi2Contingency, jensenShannon, psi } from '../../../src/drift/stats';

describe('PSI', () => {
  it('is 0 for identical proportions and uses the epsilon only for empty bins', () => {
    expect(psi([10, 20, 30], [1, 2, 3])).toBeCloseTo(0, 15);
    const r = [0.5, 0.5, 0];
    const c = [0.25, 0.25, 0.5];
    const expected = (0.25 - 0.5) * Math.log(0.25 / 0.5) * 2 + (0.5 - PSI_EPSILON) * Math.log(0.5 / PSI_EPSILON);
    expect(psi(r, c)).toBeCloseTo(expected, 12);
  });
  it('refuses misaligned or empty inputs', () => {
    expect(() => psi([1, 2], [1, 2, 3])).toThrow(/same bins/);
    expect(() => psi([0, 0], [1, 2])).toThrow(/positive total/);
  });
});

describe('chi-square and JS', () => {
  it('drops categories absent from both rows instead of failing like SciPy', () => {
    expect(chi2Contingency([5, 0, 7], [3, 0, 9]).dof).toBe(1);
    expect(() => chi2Contingency([0, 0], [1, 2])).toThrow(/reference row has no counts/);
  });
  it('JS distance is 1 for disjoint supports and 0 for identical ones (base 2)', () => {
    expect(jensenShannon([1, 0], [0, 1])).toBeCloseTo(1, 12);
    expect(jensenShannon([2, 3], [4, 6])).toBeCloseTo(0, 7);
  });
  it('incomplete gamma: P + Q = 1 and known chi-square quantiles', () => {
    for (const [a, x] of [[0.5, 0.1], [3, 2], [10, 15], [50, 40]]) {
      expect(regularizedGammaP(a, x) + regularizedGammaQ(a, x)).toBeCloseTo(1, 14);
    }
    expect(chi2Sf(3.841458820694124, 1)).toBeCloseTo(0.05, 12);
    expect(chi2Sf(18.307038053275146, 10)).toBeCloseTo(0.05, 12);
  });
});

describe('KS statistic and binning helpers', () => {
  it('weighted reference equals the expanded sample', () => {
    const expanded = ksStatistic({ values: [1, 1, 1, 2, 3, 3] }, { values: [1.5, 2, 2.5, 3] });
    const weighted = ksStatistic({ values: [1, 2, 3], counts: [3, 1, 2] }, { values: [1.5, 2, 2.5, 3] });
    expect(weighted).toBe(expanded);
    expect(() => ksStatistic({ values: [] }, { values: [1] })).toThrow(/non-empty/);
  });
  it('quantile edges collapse ties and bins are right-closed', () => {
    const sorted = [1, 1, 1, 1, 2, 2, 3, 4, 5, 6];
    const edges = quantileEdges(sorted, 4);
    expect(edges).toEqual([1, 2, 3.75]); // numpy.quantile gives the same
    expect([0, 1, 1.5, 2, 3.75, 5].map((x) => binIndex(edges, x))).toEqual([0, 0, 1, 1, 2, 3]);
  });
});
