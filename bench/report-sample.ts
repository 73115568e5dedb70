/**
 * Writes sample evaluation reports from synthetic data, to eyeball the layout:
 *   npx tsx bench/report-sample.ts  →  /tmp/bosun-report-sample.html, /tmp/bosun-report-sample-regression.html
 */
import { writeFileSync } from 'node:fs';
import type { Table } from '../src/data/table';
import { decide, parseEvaluationSpec } from '../src/evaluate/gates';
import { metricScorer, permutationImportance } from '../src/evaluate/importance';
import { computeSlices } from '../src/evaluate/slices';
import { matrix, type Matrix } from '../src/ml/matrix';
import { computeMetrics } from '../src/ml/metrics';
import { renderEvaluationReport } from '../src/report';
import { mulberry32 as seeded } from '../src/data/random';

const rand = seeded(42);
const gauss = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());

const n = 1500;
const features = ['income', 'tenure_months', 'age', 'region_code', '<script>alert(1)</script>'];
const X = matrix(n, features.length);
const y = new Float64Array(n);
const region = new Int32Array(n);
for (let i = 0; i < n; i++) {
  for (let j = 0; j < features.length; j++) X.data[i * features.length + j] = gauss();
  region[i] = Math.floor(rand() * 3);
  const z = 1.6 * X.data[i * 5] + 0.8 * X.data[i * 5 + 1] + 0.3 * X.data[i * 5 + 2] + (region[i] === 2 ? 0.6 : 0) + gauss();
  y[i] = z > 0.3 ? 1 : 0;
}
const logistic = (w: number[], bias: number) => (M: Matrix) => {
  const out = new Float64Array(M.rows * 2);
  for (let i = 0; i < M.rows; i++) {
    let z = bias;
    for (let j = 0; j < w.length; j++) z += w[j] * M.data[i * M.cols + j];
    const p = 1 / (1 + Math.exp(-z));
    out[2 * i] = 1 - p;
    out[2 * i + 1] = p;
  }
  return out;
};
const candidatePredict = logistic([1.5, 0.75, 0.28, 0, 0], -0.3);
const championPredict = logistic([1.1, 0.3, 0, 0, 0.05], -0.2);
const candidate = computeMetrics('classification', y, candidatePredict(X));
const champion = computeMetrics('classification', y, championPredict(X));

const table: Table = {
  nrows: n,
  columns: [
    { name: 'region', type: 'categorical', codes: region, levels: ['north', 'south', 'east & <west>'] },
    { name: 'age', type: 'numeric', values: Float64Array.from({ length: n }, (_, i) => 40 + 12 * X.data[i * 5 + 2]) },
  ],
};
const slices = computeSlices(table, y, candidatePredict(X), 'classification', { columns: ['region', 'age'], minSize: 30 });
const roc = metricScorer('roc_auc');
const importance = permutationImportance({ X, y, predict: candidatePredict, ...roc, rand, nRepeats: 5, featureNames: features });
const spec = parseEvaluationSpec({
  gates: [{ metric: 'roc_auc', min: 0.9 }, { metric: 'f1', min: 0.75 }, { metric: 'log_loss', max: 0.4 }],
  slices: ['region', 'age'],
  fairness: { maxDemographicParityDiff: 0.25, maxEqualOpportunityDiff: 0.1 },
  champion: { mustBeatBy: 0.005 },
});
const decision = decide(
  { metrics: candidate, fairness: slices.columns.map((c) => ({ column: c.column, gap: c.fairness })) },
  champion,
  spec,
);

const html = renderEvaluationReport({
  metadata: {
    pipeline: 'churn-<b>classifier</b>',
    runId: 'run-2024-06-11-0042',
    datasetHash: 'sha256:9f2c4e1b7a6d5c3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e',
    modelVersion: 'churn-classifier@v14',
    championVersion: 'churn-classifier@v13',
    params: { model: 'logistic', l2: 0.01, maxIter: 200, features },
    seed: 42,
    timings: { load: 412, split: 35, train: 18250, evaluate: 960, report: 41 },
    startedAt: '2024-06-11T09:14:03Z',
  },
  candidate: { label: 'candidate v14', metrics: candidate },
  champion: { label: 'champion v13', metrics: champion },
  classNames: ['stays', 'churns'],
  metrics: ['roc_auc', 'pr_auc', 'f1', 'precision', 'recall', 'accuracy', 'log_loss', 'brier'],
  decision,
  slices,
  importance,
  generatedAt: '2024-06-11T09:20:00Z',
});
writeFileSync('/tmp/bosun-report-sample.html', html);

const yr = Float64Array.from({ length: n }, (_, i) => 3 * X.data[i * 5] + X.data[i * 5 + 1] + 0.5 * gauss());
const pr = Float64Array.from({ length: n }, (_, i) => 2.9 * X.data[i * 5] + 0.9 * X.data[i * 5 + 1]);
const regression = computeMetrics('regression', yr, pr);
writeFileSync(
  '/tmp/bosun-report-sample-regression.html',
  renderEvaluationReport({
    metadata: { pipeline: 'house-prices', runId: 'run-7', seed: 7, timings: { train: 5300 } },
    candidate: { metrics: regression },
    champion: { metrics: computeMetrics('regression', yr, Float64Array.from(pr, (v) => v * 0.9)) },
    decision: decide(regression, null, parseEvaluationSpec({ gates: [{ metric: 'rmse', max: 0.6 }, { metric: 'r2', min: 0.9 }] })),
    predictions: { yTrue: yr, predicted: pr },
    generatedAt: '2024-06-11T09:20:00Z',
  }),
);
console.log('wrote /tmp/bosun-report-sample.html and /tmp/bosun-report-sample-regression.html');
