/**
 * Drift detection on real data (Fair's affairs survey, 6366 rows): the reference is a seeded half, windows
 * are drawn from the other half. Two injected shifts must be flagged — and nothing else — while windows
 * with no shift must almost never raise an alarm.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Column, type Table, takeRows } from '../../../src/data/table';
import { type DriftProfile, buildDriftProfile } from '../../../src/drift/profile';
import { type DriftReport, assessDrift } from '../../../src/drift/policy';
import { DriftAccumulator } from '../../../src/drift/window';
import { createRng } from '../../../src/ml/random';

const NUMERIC = ['age', 'yrs_married', 'children', 'educ', 'affairs'];
const CATEGORICAL = ['rate_marriage', 'religious', 'occupation', 'occupation_husb'];
const WINDOW_ROWS = 800;

function loadFair(): Table {
  const records: Record<string, string>[] = parse(readFileSync('/work/shared/data/fair.csv', 'utf8'), { columns: true, skip_empty_lines: true });
  const columns: Column[] = [
    ...NUMERIC.map((name): Column => ({ name, type: 'numeric', values: Float64Array.from(records, (r) => Number(r[name])) })),
    ...CATEGORICAL.map((name): Column => {
      const levels = [...new Set(records.map((r) => String(Number(r[name]))))].sort();
      const index = new Map(levels.map((l, i) => [l, i]));
      return { name, type: 'categorical', levels, codes: Int32Array.from(records, (r) => index.get(String(Number(r[name]))) as number) };
    }),
  ];
  return { nrows: records.length, columns };
}

/** Stand-in model score, from features the shift scenario leaves alone. */
function predict(t: Table): Float64Array {
  const col = (n: string) => t.columns.find((c) => c.name === n) as Column;
  const age = (col('age') as { values: Float64Array }).values;
  const rate = col('rate_marriage') as { codes: Int32Array; levels: string[] };
  const rel = col('religious') as { codes: Int32Array; levels: string[] };
  return Float64Array.from(age, (a, i) => 0.03 * a - 0.5 * Number(rate.levels[rate.codes[i]]) - 0.3 * Number(rel.levels[rel.codes[i]]));
}

function sampleWindow(pool: Table, seed: number): Table {
  const perm = createRng(seed).permutation(pool.nrows);
  return takeRows(pool, perm.subarray(0, WINDOW_ROWS));
}

function assess(profile: DriftProfile, window: Table, batchRows = 250): DriftReport {
  const acc = new DriftAccumulator(profile, { seed: 7 });
  for (let start = 0; start < window.nrows; start += batchRows) {
    const idx = Int32Array.from({ length: Math.min(batchRows, window.nrows - start) }, (_, i) => start + i);
    const batch = takeRows(window, idx);
    acc.addTable(batch);
    acc.addPredictions(predict(batch));
  }
  return assessDrift(profile, acc, {});
}

describe('drift on the Fair affairs data', () => {
  let profile: DriftProfile;
  let pool: Table;
  let yrsStd: number;

  beforeAll(() => {
    const table = loadFair();
    const perm = createRng(2024).permutation(table.nrows);
    const half = Math.floor(table.nrows / 2);
    const reference = takeRows(table, perm.subarray(0, half));
    pool = takeRows(table, perm.subarray(half));
    profile = buildDriftProfile(reference, { predictions: predict(reference) });
    yrsStd = (profile.features.find((f) => f.name === 'yrs_married') as { std: number }).std;
  });

  it('profiles every column with the right kind and survives a JSON round trip', () => {
    expect(profile.features.map((f) => [f.name, f.kind])).toEqual([
      ...NUMERIC.map((n) => [n, 'numeric']),
      ...CATEGORICAL.map((n) => [n, 'categorical']),
    ]);
    expect(profile.prediction?.kind).toBe('numeric');
    expect(JSON.parse(JSON.stringify(profile))).toEqual(profile);
  });

  it('flags exactly the two shifted features: yrs_married + 1.5 std, occupation codes rotated', () => {
    for (const seed of [11, 12, 13]) {
      const window = sampleWindow(pool, seed);
      const yrs = window.columns.find((c) => c.name === 'yrs_married') as { values: Float64Array };
      for (let i = 0; i < yrs.values.length; i++) yrs.values[i] += 1.5 * yrsStd;
      // An upstream recoding bug: every occupation label moves to the next one (1→2, …, 6→1).
      const occ = window.columns.find((c) => c.name === 'occupation') as { codes: Int32Array; levels: string[] };
      for (let i = 0; i < occ.codes.length; i++) occ.codes[i] = (occ.codes[i] + 1) % occ.levels.length;

      const report = assess(profile, window);
      expect(report.enoughSamples).toBe(true);
      expect([...report.driftedFeatures].sort(), `seed ${seed}: ${report.summary}`).toEqual(['occupation', 'yrs_married']);
      expect(report.drifted).toBe(true);
      expect(report.prediction?.drifted).toBe(false);
      const yrsReport = report.features.find((f) => f.name === 'yrs_married');
      expect(yrsReport?.meanShiftStd).toBeGreaterThan(1.2);
    }
  });

  it('raises at most one false alarm over 20 unshifted windows', () => {
    const reports = Array.from({ length: 20 }, (_, k) => assess(profile, sampleWindow(pool, 100 + k)));
    const alarms = reports.filter((r) => r.drifted);
    const flagged = reports.reduce((n, r) => n + r.driftedFeatures.length, 0);
    const maxPsi = Math.max(...reports.flatMap((r) => r.features.map((f) => f.psi ?? 0)));
    const minP = Math.min(...reports.flatMap((r) => r.features.map((f) => f.ksPValue ?? f.chi2PValue ?? 1)));
    console.info(`fair null windows: ${alarms.length}/20 false alarms, ${flagged} feature flags, max PSI ${maxPsi.toFixed(4)}, min p ${minP.toExponential(2)}`);
    expect(alarms.length).toBeLessThanOrEqual(1);
  });

  it('reports prediction drift and retrains on it when the policy asks', () => {
    const window = sampleWindow(pool, 500);
    const acc = new DriftAccumulator(profile);
    acc.addTable(window);
    acc.addPredictions(predict(window).map((p) => p + 1));
    const onPrediction = assessDrift(profile, acc, { retrainWhen: { predictionDrift: true } });
    expect(onPrediction.prediction?.drifted).toBe(true);
    expect(onPrediction.driftedFeatures).toEqual([]);
    expect(onPrediction.drifted).toBe(true);
    const onFeaturesOnly = assessDrift(profile, acc, { retrainWhen: { driftedFeatures: 1 } });
    expect(onFeaturesOnly.drifted).toBe(false);
  });

  it('flags nothing below minSamples, whatever the shift', () => {
    const window = takeRows(sampleWindow(pool, 600), Int32Array.from({ length: 200 }, (_, i) => i));
    const occ = window.columns.find((c) => c.name === 'occupation') as { codes: Int32Array; levels: string[] };
    for (let i = 0; i < occ.codes.length; i++) occ.codes[i] = (occ.codes[i] + 1) % occ.levels.length;
    const report = assess(profile, window);
    expect(report.enoughSamples).toBe(false);
    expect(report.drifted).toBe(false);
    expect(report.driftedFeatures).toEqual([]);
    expect(report.summary).toMatch(/not enough data: 200 window rows, policy needs 500/);
  });
});
