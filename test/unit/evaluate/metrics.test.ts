import { describe, expect, it } from 'vitest';
import {
  accuracy,
  averagePrecisionBinary,
  calibrationCurve,
  computeMetrics,
  confusionMatrix,
  downsampleCurve,
  f1,
  higherIsBetter,
  logLoss,
  mae,
  metricValue,
  precision,
  r2,
  recall,
  rmse,
  rocAuc,
  rocAucBinary,
} from '../../../src/ml/metrics';

const f = (xs: number[]) => Float64Array.from(xs);

describe('label metrics (hand-computed)', () => {
  const y = f([0, 1, 1, 0, 1, 1]);
  const p = f([0, 1, 0, 1, 1, 1]);

  it('accuracy, precision, recall, f1 for positive class 1', () => {
    expect(accuracy(y, p)).toBeCloseTo(4 / 6, 12);
    expect(precision(y, p)).toBeCloseTo(3 / 4, 12); // tp 3, fp 1
    expect(recall(y, p)).toBeCloseTo(3 / 4, 12); // tp 3, fn 1
    expect(f1(y, p)).toBeCloseTo(3 / 4, 12);
  });

  it('confusion matrix is [true][predicted]', () => {
    expect(confusionMatrix(y, p)).toEqual([
      [1, 1],
      [1, 3],
    ]);
  });

  it('macro and weighted averages', () => {
    // class 0: precision 1/2, recall 1/2; class 1: precision 3/4, recall 3/4; supports 2 and 4
    expect(precision(y, p, 'macro')).toBeCloseTo((0.5 + 0.75) / 2, 12);
    expect(recall(y, p, 'weighted')).toBeCloseTo((2 * 0.5 + 4 * 0.75) / 6, 12);
  });

  it('precision is 0, not NaN, when nothing is predicted positive (sklearn zero_division)', () => {
    expect(precision(f([0, 1]), f([0, 0]))).toBe(0);
    expect(f1(f([0, 1]), f([0, 0]))).toBe(0);
  });
});

describe('ranking metrics', () => {
  it('ROC-AUC counts tied scores as half a correct pair', () => {
    expect(rocAucBinary(f([0, 0, 1, 1]), f([0.1, 0.4, 0.35, 0.8]))).toBeCloseTo(0.75, 12);
    // pairs: 0.9 beats both negatives (2), 0.5 beats 0.2 (1), 0.5 ties 0.5 (0.5) → 3.5 / 4
    expect(rocAucBinary(f([0, 0, 1, 1]), f([0.2, 0.5, 0.5, 0.9]))).toBeCloseTo(0.875, 12);
    expect(rocAucBinary(f([0, 1]), f([0.5, 0.5]))).toBeCloseTo(0.5, 12);
  });

  it('ROC-AUC is NaN with a single class so a gate cannot pass on it', () => {
    expect(rocAucBinary(f([1, 1, 1]), f([0.2, 0.5, 0.9]))).toBeNaN();
  });

  it('multiclass ROC-AUC is the macro one-vs-rest average', () => {
    // perfectly ranked for every class → 1
    const probs = f([0.8, 0.1, 0.1, 0.1, 0.8, 0.1, 0.1, 0.1, 0.8]);
    expect(rocAuc(f([0, 1, 2]), probs, 3)).toBe(1);
  });

  it('average precision as sklearn docs', () => {
    expect(averagePrecisionBinary(f([0, 0, 1, 1]), f([0.1, 0.4, 0.35, 0.8]))).toBeCloseTo(0.8333333333333333, 12);
  });
});

describe('probabilistic metrics', () => {
  it('log loss clips a confident miss to -log(eps) instead of Infinity', () => {
    expect(logLoss(f([1]), f([1, 0]), 2)).toBeCloseTo(-Math.log(Number.EPSILON), 9);
    expect(logLoss(f([0, 1]), f([0.5, 0.5, 0.2, 0.8]), 2)).toBeCloseTo(-(Math.log(0.5) + Math.log(0.8)) / 2, 12);
  });

  it('calibration curve as sklearn docs (3 uniform bins)', () => {
    const c = calibrationCurve(f([0, 0, 0, 0, 1, 1, 1, 1, 1]), f([0.1, 0.2, 0.3, 0.4, 0.65, 0.7, 0.8, 0.9, 1]), 3);
    expect(c.probTrue).toEqual([0, 0.5, 1]);
    expect(c.probPred.map((v) => Number(v.toFixed(12)))).toEqual([0.2, 0.525, 0.85]);
    expect(c.counts).toEqual([3, 2, 4]);
  });

  it('calibration rejects probabilities outside [0, 1]', () => {
    expect(() => calibrationCurve(f([0]), f([1.2]))).toThrow(/row 0 is 1.2, outside \[0, 1\]/);
  });
});

describe('regression metrics', () => {
  it('rmse, mae, r2 by hand', () => {
    const y = f([1, 2, 3, 4]);
    const v = f([1, 2, 3, 6]);
    expect(rmse(y, v)).toBeCloseTo(1, 12); // sqrt(4/4)
    expect(mae(y, v)).toBeCloseTo(0.5, 12);
    expect(r2(y, v)).toBeCloseTo(1 - 4 / 5, 12); // ss_tot = 2.25+0.25+0.25+2.25
  });
});

describe('computeMetrics', () => {
  it('binary: curves are downsampled to ≤ 200 points and keep the endpoints', () => {
    const n = 2000;
    const y = new Float64Array(n);
    const probs = new Float64Array(2 * n);
    for (let i = 0; i < n; i++) {
      y[i] = i % 3 === 0 ? 1 : 0;
      const p = ((i * 7919) % n) / n; // distinct scores → ~n curve points before downsampling
      probs[2 * i] = 1 - p;
      probs[2 * i + 1] = p;
    }
    const m = computeMetrics('classification', y, probs);
    expect(m.curves).not.toBeNull();
    const { roc, pr } = m.curves!;
    expect(roc.x.length).toBeLessThanOrEqual(200);
    expect(pr.x.length).toBeLessThanOrEqual(200);
    expect([roc.x[0], roc.y[0]]).toEqual([0, 0]);
    expect([roc.x.at(-1), roc.y.at(-1)]).toEqual([1, 1]);
    expect(JSON.parse(JSON.stringify(m))).toEqual(m); // plain data: survives a Temporal payload
  });

  it('multiclass has no curves and uses macro precision/recall/f1', () => {
    const m = computeMetrics('classification', f([0, 1, 2, 2]), f([0.6, 0.2, 0.2, 0.2, 0.6, 0.2, 0.2, 0.6, 0.2, 0.1, 0.1, 0.8]));
    expect(m.nClasses).toBe(3);
    expect(m.curves).toBeNull();
    expect(m.scores.f1).toBe(m.scores.f1_macro);
    expect(metricValue(m, 'rmse')).toBeUndefined();
  });

  it('explains a probability array of the wrong shape', () => {
    expect(() => computeMetrics('classification', f([0, 1]), f([0.5, 0.5, 0.5]))).toThrow(/3 probabilities for 2 targets/);
    expect(() => computeMetrics('classification', f([0, 2]), f([0.5, 0.5, 0.5, 0.5]))).toThrow(/row 1 is 2, expected a class index in 0..1/);
  });

  it('knows which direction is better', () => {
    expect(higherIsBetter('roc_auc')).toBe(true);
    expect(higherIsBetter('log_loss')).toBe(false);
    expect(higherIsBetter('rmse')).toBe(false);
  });

  it('downsampleCurve leaves short curves alone', () => {
    expect(downsampleCurve([0, 1], [0, 1])).toEqual({ x: [0, 1], y: [0, 1] });
    const xs = Array.from({ length: 1001 }, (_, i) => i);
    const d = downsampleCurve(xs, xs, 200);
    expect(d.x.length).toBe(200);
    expect(d.x[0]).toBe(0);
    expect(d.x[199]).toBe(1000);
  });
});
