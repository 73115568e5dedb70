import { describe, expect, it } from 'vitest';
import { argmaxRow, decodeClass } from '../../../src/ml/classes';
import { predictedClasses } from '../../../src/ml/metrics';
import { signalFromMatrix } from '../../../src/monitor/predictionSignal';

describe('argmaxRow', () => {
  it('finds the largest score of the row at the given offset', () => {
    const scores = Float64Array.of(0.7, 0.2, 0.1, 0.1, 0.3, 0.6);
    expect(argmaxRow(scores, 0, 3)).toBe(0);
    expect(argmaxRow(scores, 3, 3)).toBe(2);
    expect(argmaxRow([0.1, 0.9], 0, 2)).toBe(1);
  });

  it('gives ties to the first class, as numpy argmax', () => {
    expect(argmaxRow([0.5, 0.5], 0, 2)).toBe(0);
    expect(argmaxRow([0.2, 0.4, 0.4], 0, 3)).toBe(1);
    expect(argmaxRow([1 / 3, 1 / 3, 1 / 3], 0, 3)).toBe(0);
    expect(argmaxRow([0, -0], 0, 2)).toBe(0);
  });

  it('never picks a NaN, wherever it is, and decodes a row of NaN to class 0', () => {
    expect(argmaxRow([NaN, 0.3, 0.7], 0, 3)).toBe(2);
    expect(argmaxRow([NaN, 0.5, 0.5], 0, 3)).toBe(1);
    expect(argmaxRow([0.2, NaN, 0.1], 0, 3)).toBe(0);
    expect(argmaxRow([0.1, 0.2, NaN], 0, 3)).toBe(1);
    expect(argmaxRow([NaN, NaN, NaN], 0, 3)).toBe(0);
  });

  it('ranks infinities as numbers', () => {
    expect(argmaxRow([0.9, Infinity], 0, 2)).toBe(1);
    expect(argmaxRow([-Infinity, -1], 0, 2)).toBe(1);
    expect(argmaxRow([NaN, -Infinity], 0, 2)).toBe(1);
  });

  it('does not read past the row', () => {
    expect(argmaxRow([0.1, 0.2, 0.99], 0, 2)).toBe(1);
  });
});

describe('decodeClass', () => {
  it('names the class of each row', () => {
    const classes = ['a', 'b', 'c'];
    const scores = Float64Array.of(0.1, 0.1, 0.8, 0.4, 0.4, 0.2, NaN, 0.6, 0.4);
    expect([0, 1, 2].map((i) => decodeClass(classes, scores, i))).toEqual(['c', 'a', 'b']);
  });
});

describe('every decoder uses the same rule', () => {
  const scores = Float64Array.of(0.5, 0.5, 0, NaN, 0.2, 0.8, 0.1, NaN, 0.1, 0.3, 0.3, 0.4);
  const classes = ['x', 'y', 'z'];

  it('evaluation (predictedClasses) and drift monitoring (signalFromMatrix) agree with argmaxRow', () => {
    const expected = [0, 2, 0, 2];
    expect(Array.from(predictedClasses(scores, 3))).toEqual(expected);
    expect(signalFromMatrix({ kind: 'multiclass', classes }, scores)).toEqual(expected.map((k) => classes[k]));
  });
});
