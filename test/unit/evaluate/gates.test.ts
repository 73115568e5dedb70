import { describe, expect, it } from 'vitest';
import { renderChecks } from '../../../src/contract/checks';
import { checkSpecForTask, decide, formatNumber, parseEvaluationSpec, type Decision } from '../../../src/evaluate/gates';
import type { FairnessGap } from '../../../src/evaluate/slices';
import { CLASSIFICATION_METRIC_NAMES, type ClassificationMetrics, type RegressionMetrics } from '../../../src/ml/metrics';

function binary(scores: Partial<ClassificationMetrics['scores']>): ClassificationMetrics {
  const all = Object.fromEntries(CLASSIFICATION_METRIC_NAMES.map((n) => [n, 0.5])) as ClassificationMetrics['scores'];
  return { task: 'classification', n: 100, nClasses: 2, scores: { ...all, ...scores }, confusionMatrix: [], perClass: [], curves: null };
}
const regression = (rmse: number): RegressionMetrics => ({ task: 'regression', n: 10, scores: { rmse, mae: 1, r2: 0.5 } });
/** The decision as a person reads it. */
const text = (d: Decision) => ({ blessed: d.blessed, reasons: renderChecks(d.checks) });

describe('decide', () => {
  it('passes and fails gates with readable reasons', () => {
    const spec = parseEvaluationSpec({ gates: [{ metric: 'roc_auc', min: 0.9 }, { metric: 'f1', min: 0.75 }] });
    const d = decide(binary({ roc_auc: 0.981, f1: 0.71 }), null, spec);
    expect(d.blessed).toBe(false);
    expect(text(d).reasons).toEqual(['roc_auc 0.981 ≥ min 0.90 ✓', 'f1 0.71 < min 0.75 ✗']);
  });

  it('checks max gates on losses', () => {
    const spec = parseEvaluationSpec({ gates: [{ metric: 'log_loss', max: 0.4 }] });
    expect(text(decide(binary({ log_loss: 0.31 }), null, spec))).toEqual({ blessed: true, reasons: ['log_loss 0.31 ≤ max 0.40 ✓'] });
    expect(text(decide(binary({ log_loss: 0.45 }), null, spec)).reasons).toEqual(['log_loss 0.45 > max 0.40 ✗']);
  });

  it('never prints a failing value equal to its threshold', () => {
    const spec = parseEvaluationSpec({ gates: [{ metric: 'roc_auc', min: 0.9 }] });
    expect(text(decide(binary({ roc_auc: 0.89996 }), null, spec)).reasons).toEqual(['roc_auc 0.89996 < min 0.90 ✗']);
  });

  it('fails closed on an undefined metric (NaN, or null after JSON)', () => {
    const spec = parseEvaluationSpec({ gates: [{ metric: 'roc_auc', min: 0.5 }] });
    const viaJson = JSON.parse(JSON.stringify(binary({ roc_auc: NaN }))) as ClassificationMetrics;
    const d = decide(viaJson, null, spec);
    expect(d.blessed).toBe(false);
    expect(text(d).reasons).toEqual([expect.stringMatching(/^roc_auc undefined \(the test split has only one class.*\) ✗$/)]);
    expect(text(decide(binary({}), null, parseEvaluationSpec({ gates: [{ metric: 'rmse', max: 1 }] }))).reasons).toEqual([
      'rmse does not apply to a classification model ✗',
    ]);
  });

  it('never blesses a candidate whose primary metric is undefined, gates or not', () => {
    // One class in the test split: ROC-AUC is NaN. With no gates this used to print "roc_auc undefined: blessed".
    const oneClass: ClassificationMetrics = { ...binary({ roc_auc: NaN }), confusionMatrix: [[7, 3], [0, 0]] };
    const d = decide(oneClass, null, parseEvaluationSpec({}));
    expect(d.checks).toEqual([expect.objectContaining({ kind: 'primary', metric: 'roc_auc', value: null, passed: false })]);
    expect(text(d)).toEqual({ blessed: false, reasons: [expect.stringMatching(/^roc_auc undefined \(the test split has only one class; .*\): not blessed ✗$/)] });
    const threeClasses: ClassificationMetrics = { ...binary({ f1_macro: NaN }), nClasses: 3, confusionMatrix: [[2, 0, 0], [0, 3, 0], [0, 0, 0]] };
    expect(text(decide(threeClasses, null, parseEvaluationSpec({ primaryMetric: 'f1_macro' }))).reasons[0]).toMatch(/only 2 of the 3 classes/);
    // A defined primary metric adds nothing to the reasons.
    expect(text(decide(binary({ roc_auc: 0.8 }), null, parseEvaluationSpec({})))).toEqual({ blessed: true, reasons: [expect.stringMatching(/no gates/)] });
    const r2 = decide({ task: 'regression', n: 1, scores: { rmse: 0, mae: 0, r2: NaN } }, null, parseEvaluationSpec({ primaryMetric: 'r2' }));
    expect(text(r2)).toEqual({ blessed: false, reasons: ['r2 undefined (the test split has fewer than 2 rows): not blessed ✗'] });
  });

  it('compares with the champion on the primary metric', () => {
    const spec = parseEvaluationSpec({ champion: {} });
    expect(text(decide(binary({ roc_auc: 0.95 }), binary({ roc_auc: 0.96 }), spec))).toEqual({
      blessed: false,
      reasons: ['candidate roc_auc 0.95 vs champion 0.96: does not beat champion by 0.00 ✗'],
    });
    const margin = parseEvaluationSpec({ champion: { mustBeatBy: 0.01 } });
    // 0.96 − 0.95 is 0.00999… in floating point; that still counts as beating by 0.01
    expect(decide(binary({ roc_auc: 0.96 }), binary({ roc_auc: 0.95 }), margin).blessed).toBe(true);
    expect(decide(binary({ roc_auc: 0.955 }), binary({ roc_auc: 0.95 }), margin).blessed).toBe(false);
    expect(text(decide(binary({ roc_auc: 0.5 }), null, spec)).reasons).toEqual(['no champion yet: nothing to beat on roc_auc ✓']);
  });

  it('lower is better for rmse when comparing champions', () => {
    const spec = parseEvaluationSpec({ primaryMetric: 'rmse', champion: { mustBeatBy: 0.1 } });
    const d = decide(regression(1.0), regression(1.5), spec);
    expect(d.blessed).toBe(true);
    expect(text(d).reasons[0]).toBe('candidate rmse 1.00 vs champion 1.50: beats champion by 0.50 (needs 0.10) ✓');
  });

  it('checks fairness gaps per sliced column', () => {
    const gap = (dp: number, eo: number): FairnessGap => ({
      demographicParityDiff: dp,
      equalOpportunityDiff: eo,
      demographicParity: { highest: 'A', lowest: 'B' },
      equalOpportunity: { highest: 'A', lowest: 'B' },
    });
    const spec = parseEvaluationSpec({ slices: ['sex'], fairness: { maxDemographicParityDiff: 0.1, maxEqualOpportunityDiff: 0.2 } });
    const d = decide({ metrics: binary({}), fairness: [{ column: 'sex', gap: gap(0.05, 0.3) }] }, null, spec);
    expect(d.blessed).toBe(false);
    expect(text(d).reasons).toEqual([
      'demographic parity difference on "sex" 0.05 ≤ max 0.10 between "A" and "B" ✓',
      'equal opportunity difference on "sex" 0.30 > max 0.20 between "A" and "B" ✗',
    ]);
    expect(text(decide(binary({}), null, spec)).reasons[0]).toMatch(/no slice fairness was computed/);
  });

  it('blesses when nothing is configured, and says so in a note that carries no mark', () => {
    const d = decide(binary({}), null, parseEvaluationSpec(undefined));
    expect(d.checks.map((c) => c.kind)).toEqual(['note']);
    expect(text(d)).toEqual({ blessed: true, reasons: ['no gates, fairness limits or champion rule configured'] });
  });

  it('types every check: metric, value, limit, comparison and passed, so nobody parses the text', () => {
    const gates = decide(binary({ roc_auc: 0.981, f1: 0.71 }), null, parseEvaluationSpec({ gates: [{ metric: 'roc_auc', min: 0.9 }, { metric: 'f1', max: 0.7 }] }));
    expect(gates.checks).toEqual([
      { kind: 'threshold', metric: 'roc_auc', value: 0.981, limit: 0.9, op: '>=', passed: true, message: 'roc_auc 0.981 ≥ min 0.90' },
      { kind: 'threshold', metric: 'f1', value: 0.71, limit: 0.7, op: '<=', passed: false, message: 'f1 0.71 > max 0.70' },
    ]);
    // An undefined gated metric fails with no value, held to the bound it could not meet.
    const undef = decide(binary({ roc_auc: NaN }), null, parseEvaluationSpec({ gates: [{ metric: 'roc_auc', min: 0.5 }] }));
    expect(undef.checks).toEqual([expect.objectContaining({ kind: 'threshold', metric: 'roc_auc', value: null, limit: 0.5, op: '>=', passed: false })]);
    // The champion rule's limit is the champion's value moved by the margin: up for a score, down for a loss.
    const score = decide(binary({ roc_auc: 0.97 }), binary({ roc_auc: 0.95 }), parseEvaluationSpec({ champion: { mustBeatBy: 0.01 } }));
    expect(score.checks[0]).toMatchObject({ kind: 'champion', metric: 'roc_auc', value: 0.97, op: '>=', passed: true });
    expect(score.checks[0].limit).toBeCloseTo(0.96, 12);
    const loss = decide(regression(1.0), regression(1.5), parseEvaluationSpec({ primaryMetric: 'rmse', champion: { mustBeatBy: 0.1 } }));
    expect(loss.checks[0]).toMatchObject({ kind: 'champion', metric: 'rmse', value: 1, limit: 1.4, op: '<=', passed: true });
    const fair = decide(
      { metrics: binary({}), fairness: [{ column: 'sex', gap: { demographicParityDiff: 0.3, equalOpportunityDiff: 0, demographicParity: null, equalOpportunity: null } }] },
      null,
      parseEvaluationSpec({ slices: ['sex'], fairness: { maxDemographicParityDiff: 0.1 } }),
    );
    expect(fair.checks).toEqual([
      { kind: 'fairness', metric: 'demographic_parity_diff', column: 'sex', value: 0.3, limit: 0.1, op: '<=', passed: false, message: 'demographic parity difference on "sex" 0.30 > max 0.10' },
    ]);
    expect(fair.blessed).toBe(false);
  });
});

describe('evaluation spec', () => {
  it('rejects an unknown metric and lists the valid ones, with the path', () => {
    expect(() => parseEvaluationSpec({ gates: [{ metric: 'auc', min: 0.9 }] })).toThrow(
      /evaluation\.gates\[0\]\.metric: unknown metric "auc"; valid metrics are: accuracy, precision, .*roc_auc.*rmse, mae, r2/,
    );
  });

  it('rejects gates without bounds, swapped bounds and unknown keys', () => {
    expect(() => parseEvaluationSpec({ gates: [{ metric: 'f1' }] })).toThrow(/needs "min", "max" or both/);
    expect(() => parseEvaluationSpec({ gates: [{ metric: 'f1', min: 0.9, max: 0.8 }] })).toThrow(/above its "max"/);
    expect(() => parseEvaluationSpec({ gate: [] })).toThrow(/evaluation/);
  });

  it('checkSpecForTask rejects metrics of the other task and fairness on regression', () => {
    const spec = parseEvaluationSpec({ gates: [{ metric: 'roc_auc', min: 0.9 }], slices: ['x'], fairness: { maxDemographicParityDiff: 0.1 } });
    expect(() => checkSpecForTask(spec, 'regression')).toThrow(/gates\[0\]\.metric: "roc_auc" does not apply to regression[\s\S]*binary classification only/);
    expect(() => checkSpecForTask(spec, 'classification', 2)).not.toThrow();
  });

  it('formats numbers with 2 to 3 decimals', () => {
    expect([0.981, 0.9, 0.71, 0, 1523.2, 0.12345].map((v) => formatNumber(v))).toEqual(['0.981', '0.90', '0.71', '0.00', '1523.20', '0.123']);
  });
});
