/** The report's charts, built from metrics with the helpers in svg.ts. */
import type { PermutationImportance } from '../evaluate/importance';
import type { ClassificationMetrics } from '../ml/metrics';
import { barChart, COLORS, heatmap, histogram, lineChart, scatterChart, type Series } from './svg';

export interface Labeled<T> {
  label: string;
  metrics: T;
}

function curveSeries(
  candidate: Labeled<ClassificationMetrics>,
  champion: Labeled<ClassificationMetrics> | null,
  pick: (m: ClassificationMetrics) => { x: number[]; y: number[] } | undefined,
  step = false,
): Series[] {
  const out: Series[] = [];
  const c = pick(candidate.metrics);
  if (c) out.push({ name: candidate.label, ...c, color: COLORS.candidate, step });
  const h = champion ? pick(champion.metrics) : undefined;
  if (champion && h) out.push({ name: champion.label, ...h, color: COLORS.champion, dashed: true, step });
  return out;
}

export function rocChart(candidate: Labeled<ClassificationMetrics>, champion: Labeled<ClassificationMetrics> | null): string {
  return lineChart({
    title: 'ROC curve',
    xLabel: 'false positive rate',
    yLabel: 'true positive rate',
    xDomain: [0, 1],
    yDomain: [0, 1],
    diagonal: true,
    series: curveSeries(candidate, champion, (m) => m.curves?.roc),
  });
}

export function prChart(
  candidate: Labeled<ClassificationMetrics>,
  champion: Labeled<ClassificationMetrics> | null,
  positiveRate: number,
): string {
  return lineChart({
    title: 'Precision–recall curve',
    xLabel: 'recall',
    yLabel: 'precision',
    xDomain: [0, 1],
    yDomain: [0, 1.02],
    // a random ranking scores the positive rate: the floor a useful model must clear
    hline: { y: positiveRate, label: `positive rate ${positiveRate.toFixed(3)}` },
    legendCorner: 'bottom-left',
    series: curveSeries(candidate, champion, (m) => m.curves?.pr, true),
  });
}

export function calibrationChart(candidate: Labeled<ClassificationMetrics>, champion: Labeled<ClassificationMetrics> | null): string {
  const series = curveSeries(candidate, champion, (m) =>
    m.curves ? { x: m.curves.calibration.probPred, y: m.curves.calibration.probTrue } : undefined,
  ).map((s) => ({ ...s, markers: true }));
  return lineChart({
    title: 'Calibration (reliability)',
    xLabel: 'mean predicted probability',
    yLabel: 'fraction of positives',
    xDomain: [0, 1],
    yDomain: [0, 1],
    diagonal: true,
    // well-calibrated curves hug the diagonal; the top-left corner stays clear
    legendCorner: 'top-left',
    series,
  });
}

export function confusionChart(metrics: ClassificationMetrics, classNames: string[]): string {
  return heatmap({ title: 'Confusion matrix', rowLabel: 'true class', colLabel: 'predicted class', labels: classNames, counts: metrics.confusionMatrix });
}

export function importanceChart(importance: PermutationImportance, maxFeatures = 20): string {
  const shown = importance.features.slice(0, maxFeatures);
  const hidden = importance.features.length - shown.length;
  return barChart({
    title: `Permutation importance (${importance.nRepeats} repeats${hidden > 0 ? `, top ${shown.length} of ${importance.features.length}` : ''})`,
    xLabel: 'mean score drop when shuffled (± std)',
    bars: shown.map((f) => ({ label: f.feature, value: f.mean, error: f.std })),
    color: COLORS.candidate,
  });
}

/** Evenly strided rows, deterministic so the same run draws the same picture. */
export function subsample(yTrue: ArrayLike<number>, predicted: ArrayLike<number>, max = 2000): { x: number[]; y: number[] } {
  const n = yTrue.length;
  const step = Math.max(1, n / max);
  const x: number[] = [];
  const y: number[] = [];
  for (let f = 0; Math.floor(f) < n && x.length < max; f += step) {
    const i = Math.floor(f);
    x.push(yTrue[i]);
    y.push(predicted[i]);
  }
  return { x, y };
}

export function predictedVsActualChart(yTrue: ArrayLike<number>, predicted: ArrayLike<number>): string {
  const { x, y } = subsample(yTrue, predicted);
  const note = x.length < yTrue.length ? ` (${x.length} of ${yTrue.length} rows)` : '';
  return scatterChart({ title: `Predicted vs actual${note}`, xLabel: 'actual', yLabel: 'predicted', x, y, color: COLORS.candidate, diagonal: true });
}

export function residualChart(yTrue: ArrayLike<number>, predicted: ArrayLike<number>): string {
  const residuals = Float64Array.from({ length: yTrue.length }, (_, i) => predicted[i] - yTrue[i]);
  return histogram({ title: 'Residuals (predicted − actual)', xLabel: 'residual', values: residuals, color: COLORS.candidate });
}
