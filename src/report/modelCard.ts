/** A model card (Markdown): what the model is, what it was trained on, how it did, where it came from. */
import { renderCheck } from '../contract/checks';
import type { Check } from '../contract/types';
import { higherIsBetter, isMetricName } from '../ml/metrics';

export interface ModelCardInput {
  pipeline: string;
  description?: string;
  version: number;
  runId: string;
  algorithm: string;
  params: Record<string, unknown>;
  seed: number;
  task: string;
  classes?: string[];
  dataSource: string;
  datasetHash: string;
  trainRows: number;
  testRows: number;
  featureNames: string[];
  metrics: Record<string, number>;
  primaryMetric: string;
  verdict: { blessed: boolean; checks: Check[] };
  specHash: string;
  codeVersion?: string | null;
  topFeatures: string[];
  /** The search's trials as the train stage records them: { algorithm?, params, <metric>: score, folds? }. */
  search?: SearchTrial[];
}

export interface SearchTrial {
  algorithm?: string;
  params: Record<string, unknown>;
  folds?: number[];
  [metric: string]: unknown;
}

/** The best few trials (as many as are shown), and how they were scored: what the approver needs to trust the pick. */
const SHOWN_TRIALS = 5;

function searchSection(trials: SearchTrial[] | undefined, algorithm: string): string {
  if (!trials?.length) return '';
  const metric = Object.keys(trials[0]).find((k) => k !== 'algorithm' && k !== 'params' && k !== 'folds');
  if (!metric) return '';
  const lowerIsBetter = isMetricName(metric) && !higherIsBetter(metric);
  const score = (t: SearchTrial) => (typeof t[metric] === 'number' ? (t[metric] as number) : NaN);
  const ranked = trials
    .map((t, i) => ({ t, i }))
    .filter((x) => !Number.isNaN(score(x.t)))
    .sort((a, b) => (lowerIsBetter ? score(a.t) - score(b.t) : score(b.t) - score(a.t)) || a.i - b.i);
  const folds = trials[0].folds?.length;
  const spread = (t: SearchTrial) => {
    if (!t.folds || t.folds.length < 2) return '';
    const m = t.folds.reduce((a, b) => a + b, 0) / t.folds.length;
    return ` ± ${Math.sqrt(t.folds.reduce((a, b) => a + (b - m) ** 2, 0) / (t.folds.length - 1)).toFixed(4)}`;
  };
  const rows = ranked.slice(0, SHOWN_TRIALS).map(({ t }, rank) => `| ${rank + 1} | ${t.algorithm ?? algorithm} | ${JSON.stringify(t.params)} | ${score(t).toFixed(4)}${spread(t)} |`);
  const algorithms = new Set(trials.map((t) => t.algorithm ?? algorithm));
  return `
## Model selection
${trials.length} trials over ${[...algorithms].join(', ')}, ranked by ${metric} ${folds ? `(mean ± sd over ${folds} cross-validation folds of the training split)` : '(on a 20% holdout of the training split)'}; the best was refitted on the whole training split.${ranked.length < trials.length ? ` ${trials.length - ranked.length} trials had no score.` : ''}

| rank | algorithm | params | ${metric} |
| --- | --- | --- | --- |
${rows.join('\n')}
`;
}

export function renderModelCard(c: ModelCardInput): string {
  const metricRows = Object.entries(c.metrics)
    .map(([k, v]) => `| ${k}${k === c.primaryMetric ? ' (primary)' : ''} | ${Number.isFinite(v) ? v.toFixed(4) : '–'} |`)
    .join('\n');
  return `# Model card: ${c.pipeline} v${c.version}

${c.description ?? '_No description in the pipeline spec._'}

## Model
- Task: ${c.task}${c.classes ? ` (classes: ${c.classes.join(', ')})` : ''}
- Algorithm: ${c.algorithm}, params ${JSON.stringify(c.params)}, seed ${c.seed}
- Inputs: ${c.featureNames.length} features after the fitted transform graph; most important by permutation: ${c.topFeatures.join(', ') || '–'}
${searchSection(c.search, c.algorithm)}
## Data
- Source: ${c.dataSource} (content sha256 ${c.datasetHash.slice(0, 16)}…)
- Split: ${c.trainRows} training rows, ${c.testRows} held-out test rows

## Evaluation (held-out test split)
| metric | value |
| --- | --- |
${metricRows}

Verdict: ${c.verdict.blessed ? 'blessed' : 'not blessed'}
${c.verdict.checks.map((r) => `- ${renderCheck(r)}`).join('\n')}

## Provenance
- Run: ${c.runId}
- Spec sha256: ${c.specHash}
- Code version: ${c.codeVersion ?? 'unknown (not a git checkout)'}

## Limitations
Metrics hold for data like the training source. Bosun watches the deployed model for drift against the
training distribution; read the latest drift report before relying on this card for a changed population.
`;
}
