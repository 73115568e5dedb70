import { describe, expect, it } from 'vitest';
import type { Table } from '../../../src/data/table';
import { decide, parseEvaluationSpec } from '../../../src/evaluate/gates';
import type { PermutationImportance } from '../../../src/evaluate/importance';
import { computeSlices } from '../../../src/evaluate/slices';
import { computeMetrics } from '../../../src/ml/metrics';
import { renderEvaluationReport } from '../../../src/report';
import { subsample } from '../../../src/report/charts';
import { niceTicks } from '../../../src/report/svg';

const EVIL = '<script>alert(1)</script>';

function binaryData(n: number, shift: number) {
  const y = new Float64Array(n);
  const probs = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    y[i] = i % 2;
    const p = Math.min(0.99, Math.max(0.01, (y[i] ? 0.65 : 0.35) + (((i * 37) % 11) - 5) * 0.06 + shift));
    probs[2 * i] = 1 - p;
    probs[2 * i + 1] = p;
  }
  return { y, probs };
}

function classificationReport(): string {
  const n = 120;
  const { y, probs } = binaryData(n, 0);
  const champ = binaryData(n, 0.1);
  const table: Table = {
    nrows: n,
    columns: [{ name: EVIL, type: 'categorical', codes: Int32Array.from({ length: n }, (_, i) => i % 3), levels: ['a', 'b', '<img src=x>'] }],
  };
  const slices = computeSlices(table, y, probs, 'classification', { columns: [EVIL], minSize: 10 });
  const importance: PermutationImportance = {
    baseline: 0.9,
    nRepeats: 3,
    higherIsBetter: true,
    features: [
      { feature: EVIL, index: 0, mean: 0.2, std: 0.01, drops: [0.19, 0.2, 0.21] },
      { feature: 'noise', index: 1, mean: 0, std: 0, drops: [0, 0, 0] },
    ],
  };
  const metrics = computeMetrics('classification', y, probs);
  return renderEvaluationReport({
    metadata: { pipeline: `churn ${EVIL}`, runId: 'run-1', datasetHash: 'abc123', modelVersion: 'v2', seed: 7, params: { depth: EVIL }, timings: { train: 1500 } },
    candidate: { label: 'cand', metrics },
    champion: { label: 'champ', metrics: computeMetrics('classification', y, champ.probs) },
    classNames: ['no', EVIL],
    decision: decide(metrics, null, parseEvaluationSpec({ gates: [{ metric: 'roc_auc', min: 0.5 }, { metric: 'f1', min: 0.99 }] })),
    slices,
    importance,
    generatedAt: '2024-01-01T00:00:00Z',
  });
}

describe('renderEvaluationReport', () => {
  const html = classificationReport();

  it('draws ROC, PR, calibration, confusion matrix and importance as inline SVG', () => {
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html.match(/<svg /g)).toHaveLength(5);
    for (const title of ['ROC curve', 'Precision–recall curve', 'Calibration (reliability)', 'Confusion matrix', 'Permutation importance']) {
      expect(html).toContain(`<title>${title}`);
    }
    // champion overlaid: dashed second series and both legend entries on the ROC chart
    const roc = html.slice(html.indexOf('<title>ROC curve'), html.indexOf('</svg>', html.indexOf('<title>ROC curve')));
    expect(roc.match(/<polyline/g)).toHaveLength(2);
    expect(roc).toContain('stroke-dasharray="6 4"');
    expect(roc).toContain('>champ<');
  });

  it('escapes every user-provided string: no live <script>, <img> or <b> gets through', () => {
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<img/i);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&lt;img src=x&gt;');
  });

  it('is self-contained: no scripts, links or remote resources', () => {
    expect(html).not.toMatch(/<[^>]*\s(src|href)=/i);
    const urls = html.match(/https?:\/\/[^"'\s)]+/g) ?? [];
    expect(urls.every((u) => u === 'http://www.w3.org/2000/svg')).toBe(true);
  });

  it('shows the gate verdict, slices with fairness gaps and run metadata', () => {
    expect(html).toContain('✗ NOT BLESSED');
    expect(html).toMatch(/<li class="pass">roc_auc [\d.]+ ≥ min 0.50 ✓<\/li>/);
    expect(html).toMatch(/<li class="fail">f1 [\d.]+ &lt; min 0.99 ✗<\/li>/);
    expect(html).toContain('demographic parity difference');
    expect(html).toContain('equal opportunity difference');
    for (const s of ['run-1', 'abc123', 'v2', '1.5 s', 'Metrics: candidate vs champion']) expect(html).toContain(s);
  });

  it('regression: predicted-vs-actual scatter subsampled to ≤ 2000 points and a residual histogram', () => {
    const n = 5000;
    const y = Float64Array.from({ length: n }, (_, i) => Math.sin(i) * 10);
    const v = Float64Array.from(y, (t, i) => t + ((i % 7) - 3) * 0.1);
    const out = renderEvaluationReport({
      metadata: { pipeline: 'prices', runId: 'r' },
      candidate: { metrics: computeMetrics('regression', y, v) },
      predictions: { yTrue: y, predicted: v },
    });
    const scatter = out.slice(out.indexOf('<title>Predicted vs actual'), out.indexOf('</svg>', out.indexOf('<title>Predicted vs actual')));
    const dots = scatter.match(/<circle /g) ?? [];
    expect(dots.length).toBeGreaterThan(1000);
    expect(dots.length).toBeLessThanOrEqual(2000);
    expect(out).toContain('2000 of 5000 rows');
    expect(out).toContain('<title>Residuals (predicted − actual)');
    expect(out).toContain('NOT GATED');
  });

  it('refuses class names that do not match the model', () => {
    const { y, probs } = binaryData(10, 0);
    expect(() =>
      renderEvaluationReport({
        metadata: { pipeline: 'p', runId: 'r' },
        candidate: { metrics: computeMetrics('classification', y, probs) },
        classNames: ['a', 'b', 'c'],
      }),
    ).toThrow(/3 class names for a 2-class model/);
  });
});

describe('chart helpers', () => {
  it('niceTicks uses 1/2/5 steps', () => {
    expect(niceTicks(0, 1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(-3, 12)).toEqual([0, 5, 10]);
  });

  it('subsample keeps at most max points, evenly spread', () => {
    const ys = Array.from({ length: 10 }, (_, i) => i);
    expect(subsample(ys, ys, 4).x).toEqual([0, 2, 5, 7]);
    expect(subsample(ys, ys, 20).x).toHaveLength(10);
  });
});
