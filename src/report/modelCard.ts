/** A model card (Markdown): what the model is, what it was trained on, how it did, where it came from. */
import { renderCheck } from '../contract/checks';
import type { Check } from '../contract/types';

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
