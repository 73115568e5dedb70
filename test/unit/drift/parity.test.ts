/**
 * SciPy/numpy parity: every statistic against the committed fixture written by bench/parity/drift.py.
 * Agreement required: 1e-6 absolute and, for values above 1e-300, 1e-6 relative (so tiny p-values are
 * checked too, not just rounded to zero).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { featureStats } from '../../../src/drift/compare';
import { chi2Sf } from '../../../src/drift/gamma';
import { kolmogorovSf, kstwoSf, smirnovSf } from '../../../src/drift/kolmogorov';
import { ks2samp, ksPValue } from '../../../src/drift/ks';
import { assembleDriftProfile, encodeLabels, profileCategorical, profileNumeric } from '../../../src/drift/profile';
import { chi2Contingency, jensenShannon, psi } from '../../../src/drift/stats';
import { DriftAccumulator } from '../../../src/drift/window';

const fixture = JSON.parse(readFileSync(new URL('./fixtures/scipy-parity.json', import.meta.url), 'utf8'));

function expectClose(got: number | undefined, expected: number, what: string): void {
  expect(got, what).toBeTypeOf('number');
  const g = got as number;
  const abs = Math.abs(g - expected);
  if (!(abs <= 1e-6)) throw new Error(`${what}: got ${g}, SciPy ${expected} (|diff| ${abs} > 1e-6)`);
  if (expected > 1e-300 && abs / expected > 1e-6) throw new Error(`${what}: got ${g}, SciPy ${expected} (relative diff ${abs / expected} > 1e-6)`);
}

const nanFromNull = (xs: (number | null)[]) => Float64Array.from(xs, (v) => (v === null ? NaN : v));
const dropNull = (xs: (number | null)[]) => xs.filter((v): v is number => v !== null);

describe('distribution functions vs scipy', () => {
  it('kolmogorov (kstwobign.sf)', () => {
    for (const r of fixture.kolmogorov) expectClose(kolmogorovSf(r.x), r.sf, `kolmogorov(${r.x})`);
  });
  it('smirnov (one-sided exact)', () => {
    for (const r of fixture.smirnov) expectClose(smirnovSf(r.n, r.x), r.sf, `smirnov(${r.n}, ${r.x})`);
  });
  it('kstwo.sf across every algorithm region', () => {
    for (const r of fixture.kstwo) expectClose(kstwoSf(r.n, r.x), r.sf, `kstwo.sf(${r.x}, ${r.n})`);
  });
  it('chi2.sf', () => {
    for (const r of fixture.chi2sf) expectClose(chi2Sf(r.x, r.dof), r.sf, `chi2.sf(${r.x}, ${r.dof})`);
  });
});

describe('two-sample KS vs scipy.stats.ks_2samp', () => {
  it('p-value and lattice-snapped statistic over a (d, n1, n2) grid, exact and asymptotic', () => {
    for (const r of fixture.ksPValue) {
      const got = ksPValue(r.d, r.n1, r.n2);
      const what = `ks(${r.d}, ${r.n1}, ${r.n2})`;
      expect(got.method, what).toBe(r.method);
      expectClose(got.statistic, r.statistic, `${what} statistic`);
      expectClose(got.pValue, r.pvalue, `${what} p`);
    }
  });
  it('statistic and p-value on raw vectors (ties, skew, small exact, asymptotic)', () => {
    for (const c of fixture.numeric) {
      const got = ks2samp(dropNull(c.reference), dropNull(c.current));
      expect(got.method, c.name).toBe(c.ksMethod);
      expectClose(got.statistic, c.ksStatistic, `${c.name} D`);
      expectClose(got.pValue, c.ksPValue, `${c.name} p`);
    }
  });
});

describe('count statistics vs scipy', () => {
  it('chi2_contingency (Yates for 2x2), jensenshannon base 2, PSI', () => {
    for (const c of fixture.counts) {
      const chi = chi2Contingency(c.refCounts, c.curCounts);
      expect(chi.dof, c.name).toBe(c.dof);
      expectClose(chi.statistic, c.chi2, `${c.name} chi2`);
      expectClose(chi.pValue, c.chi2PValue, `${c.name} chi2 p`);
      expectClose(jensenShannon(c.refCounts, c.curCounts), c.js, `${c.name} JS`);
      expectClose(psi(c.refCounts, c.curCounts), c.psi, `${c.name} PSI`);
    }
  });
});

describe('profile + window end to end vs numpy/scipy', () => {
  it('numeric: quantile edges, bin counts, PSI, JS and KS through the profile and accumulator', () => {
    for (const c of fixture.numeric) {
      const feature = profileNumeric('x', nanFromNull(c.reference), { bins: c.bins });
      expect(feature.edges.length, c.name).toBe(c.edges.length);
      feature.edges.forEach((e, i) => expect(Math.abs(e - c.edges[i]), `${c.name} edge ${i}`).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(e))));
      expect(feature.binCounts, c.name).toEqual(c.refCounts);

      const profile = assembleDriftProfile([feature], { rows: c.reference.length, createdAt: 'fixture' });
      const acc = new DriftAccumulator(profile);
      const cur = nanFromNull(c.current);
      // Odd batch sizes: the result must not depend on how the window was chunked.
      for (let i = 0; i < cur.length; i += 37) acc.addNumeric('x', cur.subarray(i, i + 37));
      const s = featureStats(acc.feature('x'));
      expect(Array.from((acc.feature('x') as { binCounts: Float64Array }).binCounts), c.name).toEqual(c.curCounts);
      expectClose(s.psi ?? undefined, c.psi, `${c.name} PSI`);
      expectClose(s.js ?? undefined, c.js, `${c.name} JS`);
      if (feature.ks.exact) {
        expectClose(s.ks, c.ksStatistic, `${c.name} KS D`);
        expectClose(s.ksPValue, c.ksPValue, `${c.name} KS p`);
      } else {
        // Reference larger than the summary: documented bound |D̂ − D| <= 1/ksSummarySize.
        expect(Math.abs((s.ks as number) - c.ksStatistic), c.name).toBeLessThanOrEqual(1 / profile.options.ksSummarySize + 1e-12);
      }
    }
  });

  it('categorical: level cap with "__other__", unseen levels, missing values', () => {
    for (const c of fixture.labels) {
      const { codes, levels } = encodeLabels(c.reference);
      const feature = profileCategorical('c', codes, levels, { maxLevels: c.maxLevels });
      expect(feature.levels, c.name).toEqual(c.levels);
      expect(feature.counts, c.name).toEqual(c.refCounts);
      const profile = assembleDriftProfile([feature], { rows: c.reference.length, createdAt: 'fixture' });
      const acc = new DriftAccumulator(profile);
      acc.addLabels('c', c.current.slice(0, 700));
      acc.addLabels('c', c.current.slice(700));
      const s = featureStats(acc.feature('c'));
      expectClose(s.chi2PValue, c.chi2PValue, `${c.name} chi2 p`);
      expectClose(s.js ?? undefined, c.js, `${c.name} JS`);
      expectClose(s.psi ?? undefined, c.psi, `${c.name} PSI`);
    }
  });
});
