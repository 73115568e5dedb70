import { describe, expect, it } from 'vitest';
import type { Table } from '../../../src/data/table';
import { computeSlices, quantileEdges } from '../../../src/evaluate/slices';

/**
 * Group A (40 rows, 20 positives): predicted positive for all 20 positives and 10 negatives
 *   → positive rate 30/40 = 0.75, TPR 1.
 * Group B (40 rows, 20 positives): predicted positive for 10 positives only → positive rate 0.25, TPR 0.5.
 * Group C (5 rows): everything predicted positive, but below minSize so it must not widen the gaps.
 * 2 rows with a missing group.
 */
function dataset() {
  const codes: number[] = [];
  const y: number[] = [];
  const p1: number[] = [];
  for (let i = 0; i < 40; i++) {
    codes.push(0);
    y.push(i < 20 ? 1 : 0);
    p1.push(i < 20 ? 0.9 : i < 30 ? 0.8 : 0.1);
  }
  for (let i = 0; i < 40; i++) {
    codes.push(1);
    y.push(i < 20 ? 1 : 0);
    p1.push(i < 10 ? 0.7 : 0.2);
  }
  for (let i = 0; i < 5; i++) {
    codes.push(2);
    y.push(0);
    p1.push(0.99);
  }
  codes.push(-1, -1);
  y.push(1, 0);
  p1.push(0.6, 0.4);
  const n = codes.length;
  const table: Table = {
    nrows: n,
    columns: [
      { name: 'group', type: 'categorical', codes: Int32Array.from(codes), levels: ['A', 'B', 'C', 'unused'] },
      { name: 'age', type: 'numeric', values: Float64Array.from({ length: n }, (_, i) => i) },
    ],
  };
  const probs = new Float64Array(2 * n);
  p1.forEach((p, i) => {
    probs[2 * i] = 1 - p;
    probs[2 * i + 1] = p;
  });
  return { table, y: Float64Array.from(y), probs };
}

describe('computeSlices', () => {
  it('computes metrics per level and the known fairness gaps', () => {
    const { table, y, probs } = dataset();
    const report = computeSlices(table, y, probs, 'classification', { columns: ['group'], minSize: 10 });
    const group = report.columns[0];
    expect(group.kind).toBe('categorical');
    expect(group.slices.map((s) => [s.label, s.size, s.evaluated])).toEqual([
      ['A', 40, true],
      ['B', 40, true],
      ['C', 5, false],
      ['(missing)', 2, false],
    ]);
    const [a, b, c] = group.slices;
    expect(a.positiveRate).toBeCloseTo(0.75, 12);
    expect(a.truePositiveRate).toBeCloseTo(1, 12);
    expect(b.positiveRate).toBeCloseTo(0.25, 12);
    expect(b.truePositiveRate).toBeCloseTo(0.5, 12);
    expect(c.metrics).toBeNull();
    expect(a.metrics?.task === 'classification' && a.metrics.scores.accuracy).toBeCloseTo(30 / 40, 12);
    expect(b.metrics?.task === 'classification' && b.metrics.scores.recall).toBeCloseTo(0.5, 12);
    expect(group.fairness?.demographicParityDiff).toBeCloseTo(0.5, 12);
    expect(group.fairness?.equalOpportunityDiff).toBeCloseTo(0.5, 12);
    expect(group.fairness?.demographicParity).toEqual({ highest: 'A', lowest: 'B' });
  });

  it('buckets numeric columns by quantile, default 4 buckets', () => {
    const { table, y, probs } = dataset();
    const report = computeSlices(table, y, probs, 'classification', { columns: ['age'], minSize: 1 });
    const age = report.columns[0];
    expect(age.kind).toBe('numeric');
    expect(age.slices).toHaveLength(4);
    expect(age.slices.reduce((s, x) => s + x.size, 0)).toBe(table.nrows);
    expect(age.slices[0].label).toBe('[0, 21.5]');
    expect(age.slices[3].label).toBe('(64.5, 86]');
  });

  it('quantile edges collapse ties instead of making empty buckets', () => {
    expect(quantileEdges(Float64Array.from([1, 1, 1, 1, 2]), 4)).toEqual([1, 2]);
    expect(quantileEdges(Float64Array.from([NaN, 5]), 4)).toEqual([5]);
  });

  it('reports an unknown gap (NaN) rather than 0 when fewer than 2 slices qualify', () => {
    const { table, y, probs } = dataset();
    const report = computeSlices(table, y, probs, 'classification', { columns: ['group'], minSize: 41 });
    expect(report.columns[0].fairness?.demographicParityDiff).toBeNaN();
  });

  it('has no fairness gaps for regression', () => {
    const { table, y } = dataset();
    const report = computeSlices(table, y, y, 'regression', { columns: ['group'], minSize: 1 });
    expect(report.columns[0].fairness).toBeNull();
    expect(report.columns[0].slices[0].metrics?.task).toBe('regression');
  });

  it('names the missing column and the columns that exist', () => {
    const { table, y, probs } = dataset();
    expect(() => computeSlices(table, y, probs, 'classification', { columns: ['gender'] })).toThrow(
      /cannot slice by column "gender" not found; columns are: group, age/,
    );
  });
});
