import { describe, expect, it } from 'vitest';
import { assessDrift, driftPolicySchema, parseDriftPolicy } from '../../../src/drift/policy';
import { assembleDriftProfile, buildDriftProfile, parseDriftProfile, profileNumeric } from '../../../src/drift/profile';
import { DriftAccumulator } from '../../../src/drift/window';
import { createRng } from '../../../src/ml/random';

function twoFeatureProfile() {
  const rng = createRng(5);
  const a = Float64Array.from({ length: 3000 }, () => rng.normal());
  const b = Float64Array.from({ length: 3000 }, () => rng.normal());
  return buildDriftProfile({ nrows: 3000, columns: [{ name: 'a', type: 'numeric', values: a }, { name: 'b', type: 'numeric', values: b }] }, { createdAt: 'test' });
}

function window(profile: ReturnType<typeof twoFeatureProfile>, shiftA: number, rows = 1000) {
  const rng = createRng(77);
  const acc = new DriftAccumulator(profile);
  acc.addNumeric('a', Float64Array.from({ length: rows }, () => rng.normal() + shiftA));
  acc.addNumeric('b', Float64Array.from({ length: rows }, () => rng.normal()));
  return acc;
}

describe('driftPolicySchema', () => {
  it('fills the documented defaults', () => {
    expect(driftPolicySchema.parse({})).toEqual({
      minSamples: 500,
      psiThreshold: 0.2,
      ksPValue: 0.01,
      chi2PValue: 0.01,
      jsThreshold: 0.1,
      retrainWhen: { driftedFeatures: 1, predictionDrift: true },
    });
  });
  it('rejects typos and impossible settings with the field path', () => {
    expect(() => parseDriftPolicy({ psiTreshold: 0.3 })).toThrow(/monitor\.drift\.\(root\): Unrecognized key.*psiTreshold/);
    expect(() => parseDriftPolicy({ ksPValue: 1.5 })).toThrow(/monitor\.drift\.ksPValue/);
    expect(() => parseDriftPolicy({ retrainWhen: { driftedFeatures: 0 } })).toThrow(/retrainWhen\.driftedFeatures/);
    expect(() => parseDriftPolicy({ retrainWhen: { predictionDrift: false } })).toThrow(/drift could never trigger/);
  });
});

describe('assessDrift', () => {
  it('flags a shifted feature, applies Bonferroni, and explains itself', () => {
    const profile = twoFeatureProfile();
    const report = assessDrift(profile, window(profile, 1), {});
    expect(report.driftedFeatures).toEqual(['a']);
    expect(report.drifted).toBe(true);
    const a = report.features[0];
    expect(a.thresholds.ksPValue).toBeCloseTo(0.005, 12);
    expect(a.reasons.join(' | ')).toMatch(/PSI .* >= 0.2 .*KS p = .* < 0\.00500 \(Bonferroni over 2 features\)/);
    expect(report.summary).toBe('drift detected: 1 of 2 features drifted (a)');
  });

  it('honours perFeature overrides, feature subsets and retrainWhen counts', () => {
    const profile = twoFeatureProfile();
    const acc = window(profile, 1);
    expect(assessDrift(profile, acc, { perFeature: { a: { psiThreshold: 50, jsThreshold: 1 } } }).drifted).toBe(false);
    const onlyB = assessDrift(profile, acc, { features: ['b'] });
    expect(onlyB.features.map((f) => f.name)).toEqual(['b']);
    expect(onlyB.drifted).toBe(false);
    expect(assessDrift(profile, acc, { retrainWhen: { driftedFeatures: 2 } }).drifted).toBe(false);
    expect(() => assessDrift(profile, acc, { features: ['zz'] })).toThrow(/not in the profile: zz/);
  });

  it('does not flag a tiny but significant shift on a huge window (effect-size gate)', () => {
    const profile = twoFeatureProfile();
    const report = assessDrift(profile, window(profile, 0.15, 10_000), {});
    const a = report.features[0];
    expect(a.ksPValue).toBeLessThan(1e-6);
    expect(a.drifted).toBe(false);
    expect(a.reasons.join(' | ')).toMatch(/significant but below the effect-size thresholds/);
  });
});

describe('profile JSON', () => {
  it('round-trips and rejects other versions or inconsistent content clearly', () => {
    const profile = twoFeatureProfile();
    const json = JSON.parse(JSON.stringify(profile));
    expect(parseDriftProfile(json)).toEqual(profile);
    expect(() => parseDriftProfile({ ...json, version: 2 })).toThrow(/unsupported version 2; this Bosun reads version 1/);
    const broken = structuredClone(json);
    broken.features[0].binCounts.pop();
    expect(() => parseDriftProfile(broken)).toThrow(/features\.0: .*edges need .* binCounts/);
  });

  it('keeps the whole reference for KS when it fits, quantile summary beyond', () => {
    const small = profileNumeric('x', [3, 1, 2, 2], { ksSummarySize: 10 });
    expect(small.ks).toEqual({ n: 4, exact: true, values: [1, 2, 3], counts: [1, 2, 1] });
    const big = profileNumeric('x', Float64Array.from({ length: 1000 }, (_, i) => i), { ksSummarySize: 10 });
    expect(big.ks).toEqual({ n: 1000, exact: false, values: [50, 150, 250, 350, 450, 550, 650, 750, 850, 950], counts: new Array(10).fill(1) });
    expect(() => assembleDriftProfile([small, small], { rows: 4 })).toThrow(/appears twice/);
  });
});
