import { describe, expect, it } from 'vitest';
import { failedReasons, primaryMetricProblem, renderCheck } from '../../../src/contract/checks';
import type { Check } from '../../../src/contract/types';

const gate = (passed: boolean, message: string): Check => ({ kind: 'threshold', metric: 'auc', value: passed ? 0.91 : 0.7, limit: 0.8, op: '>=', passed, message });
const note: Check = { kind: 'note', metric: 'auc', value: null, limit: null, op: null, passed: true, message: 'champion v1 could not be compared: gone' };

describe('checks as text', () => {
  it('marks a pass ✓ and a failure ✗, and a note not at all', () => {
    expect(renderCheck(gate(true, 'auc 0.91 ≥ min 0.80'))).toBe('auc 0.91 ≥ min 0.80 ✓');
    expect(renderCheck(gate(false, 'auc 0.70 < min 0.80'))).toBe('auc 0.70 < min 0.80 ✗');
    expect(renderCheck(note)).toBe('champion v1 could not be compared: gone');
  });

  it('lists failures from typed checks, and the same text from results recorded before them (reasons only)', () => {
    const checks = [gate(true, 'auc 0.91 ≥ min 0.80'), gate(false, 'f1 0.60 < min 0.75'), note, { ...note, passed: false }];
    const typed = failedReasons({ reasons: ['ignored when checks are there ✗'], checks });
    expect(typed).toEqual(['f1 0.60 < min 0.75 ✗']);
    // A v0/v1 history's activity result: only the rendered reasons.
    const legacy = failedReasons({ reasons: ['auc 0.91 ≥ min 0.80 ✓', 'f1 0.60 < min 0.75 ✗', 'no verification window configured'] });
    expect(legacy).toEqual(typed);
    expect(failedReasons({})).toEqual([]);
  });

  it('says why the primary metric is missing, from checks or from legacy reasons', () => {
    const missing: Check = { kind: 'primary', metric: 'roc_auc', value: null, limit: null, op: null, passed: false, message: 'roc_auc undefined (one class): not blessed' };
    expect(primaryMetricProblem({ primaryMetric: 'roc_auc', metrics: {}, checks: [missing] })).toBe('roc_auc undefined (one class): not blessed');
    expect(primaryMetricProblem({ primaryMetric: 'roc_auc', metrics: {}, reasons: ['roc_auc undefined (one class): not blessed ✗'] })).toBe('roc_auc undefined (one class): not blessed');
    expect(primaryMetricProblem({ primaryMetric: 'roc_auc', metrics: { roc_auc: 0.9 }, checks: [missing] })).toBeUndefined();
  });
});

describe('a finished run as the CLI prints it', () => {
  it('names the failed checks of a run that stopped short, typed or recorded before checks', async () => {
    const { describeOutcome } = await import('../../../src/cli/output');
    const checks = [gate(true, 'auc 0.91 ≥ min 0.80'), gate(false, 'f1 0.60 < min 0.75')];
    expect(describeOutcome({ status: 'not_blessed', modelVersion: 3, reasons: [], checks })).toBe('not blessed: v3: f1 0.60 < min 0.75 ✗');
    expect(describeOutcome({ status: 'rolled_back', modelVersion: 2, reasons: ['p99 latency 80.00 ms (limit 50 ms) ✗'] })).toBe('rolled back: v2: p99 latency 80.00 ms (limit 50 ms) ✗');
    expect(describeOutcome({ status: 'succeeded', modelVersion: 1, deployed: true })).toBe('succeeded: v1 deployed');
  });
});
