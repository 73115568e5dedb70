/**
 * The `evaluation` section of a pipeline spec: which metrics to report, which gates a candidate must pass,
 * which columns to slice by, fairness limits and how far it must beat the champion.
 */
import { z } from 'zod';
import {
  CLASSIFICATION_METRIC_NAMES,
  METRIC_NAMES,
  REGRESSION_METRIC_NAMES,
  type MetricName,
  type MetricsTask,
} from '../ml/metrics';

const metricName = z.enum(METRIC_NAMES, {
  error: (issue) =>
    `unknown metric ${JSON.stringify(issue.input)}; valid metrics are: ${METRIC_NAMES.join(', ')}`,
});

const gateSchema = z
  .strictObject({
    metric: metricName,
    min: z.number().optional(),
    max: z.number().optional(),
  })
  .refine((g) => g.min !== undefined || g.max !== undefined, {
    error: 'a gate needs "min", "max" or both, e.g. { metric: "roc_auc", min: 0.9 }',
  })
  .refine((g) => g.min === undefined || g.max === undefined || g.min <= g.max, {
    error: 'gate "min" is above its "max", so no model could pass; swap them',
  });

const fairnessLimit = z.number().min(0, 'a fairness limit is a rate difference in [0, 1]').max(1, 'a fairness limit is a rate difference in [0, 1]');

export const evaluationSpecSchema = z.strictObject({
  /** Metrics shown in the report; all that apply to the task when absent. */
  metrics: z.array(metricName).optional(),
  /** Metric compared against the champion (default: roc_auc binary, f1_macro multiclass, rmse regression). */
  primaryMetric: metricName.optional(),
  gates: z.array(gateSchema).optional(),
  /** Columns of the evaluation table to compute metrics by. */
  slices: z.array(z.string().min(1, 'a slice column name cannot be empty')).optional(),
  /** Limits on the fairness gaps of every sliced column (binary classification only). */
  fairness: z
    .strictObject({
      maxDemographicParityDiff: fairnessLimit.optional(),
      maxEqualOpportunityDiff: fairnessLimit.optional(),
    })
    .optional(),
  /** When present, the candidate must beat the current champion on the primary metric by at least this much. */
  champion: z
    .strictObject({
      mustBeatBy: z.number().min(0, 'mustBeatBy is a margin and cannot be negative').optional(),
    })
    .optional(),
});

export type EvaluationSpec = z.infer<typeof evaluationSpecSchema>;
export type Gate = NonNullable<EvaluationSpec['gates']>[number];

/** Parses the evaluation section, or throws one error listing every problem with its path. */
export function parseEvaluationSpec(input: unknown, where = 'evaluation'): EvaluationSpec {
  const result = evaluationSpecSchema.safeParse(input ?? {});
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const path = [where, ...issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))].join('');
    return `  - ${path.replace(/\.\[/g, '[')}: ${issue.message}`;
  });
  throw new Error(`invalid evaluation spec:\n${problems.join('\n')}`);
}

/**
 * Rejects a spec that cannot work for the model's task, before any training time is spent:
 * regression metrics on a classifier, fairness limits on a non-binary task, …
 * @param nClasses classification only (2 = binary)
 */
export function checkSpecForTask(spec: EvaluationSpec, task: MetricsTask, nClasses?: number): void {
  const valid: readonly string[] = task === 'regression' ? REGRESSION_METRIC_NAMES : CLASSIFICATION_METRIC_NAMES;
  const used: Array<[string, MetricName]> = [
    ...(spec.metrics ?? []).map((m, i): [string, MetricName] => [`metrics[${i}]`, m]),
    ...(spec.primaryMetric ? [['primaryMetric', spec.primaryMetric] as [string, MetricName]] : []),
    ...(spec.gates ?? []).map((g, i): [string, MetricName] => [`gates[${i}].metric`, g.metric]),
  ];
  const problems = used
    .filter(([, m]) => !valid.includes(m))
    .map(([path, m]) => `  - evaluation.${path}: "${m}" does not apply to ${task}; use one of: ${valid.join(', ')}`);
  if (spec.fairness && !(task === 'classification' && nClasses === 2)) {
    problems.push('  - evaluation.fairness: fairness gaps are defined for binary classification only; remove this section');
  }
  if (spec.fairness && !(spec.slices && spec.slices.length > 0)) {
    problems.push('  - evaluation.fairness: fairness limits need columns to compare across; list them in evaluation.slices');
  }
  if (problems.length > 0) throw new Error(`evaluation spec does not fit this ${task} model:\n${problems.join('\n')}`);
}

export type TaskKind = 'binary' | 'multiclass' | 'regression';

/** The metrics that can be computed for a task: every classification metric applies to binary and multiclass. */
export function metricsFor(kind: TaskKind): readonly MetricName[] {
  return kind === 'regression' ? REGRESSION_METRIC_NAMES : CLASSIFICATION_METRIC_NAMES;
}

export interface MetricMisfit {
  /** Where the spec names the metric, e.g. ['evaluation', 'primaryMetric']. */
  path: Array<string | number>;
  message: string;
}

/**
 * Metrics a pipeline names (report metrics, primary metric, gates, the search metric) that cannot be computed
 * for its task: `primaryMetric: "r2"` on a binary target would otherwise fail only once a model is trained.
 * Used at submit when the spec sets `task`, and once the task is inferred from the data.
 */
export function metricMisfits(o: { evaluation?: EvaluationSpec; searchMetric?: string; searchMetricPath?: string[] }, kind: TaskKind, target?: string): MetricMisfit[] {
  const valid = metricsFor(kind);
  // Read defensively: at submit this runs on a spec whose other fields may have failed validation.
  const list = (x: unknown): unknown[] => (Array.isArray(x) ? x : []);
  const used: Array<[Array<string | number>, unknown]> = [
    ...list(o.evaluation?.metrics).map((m, i): [Array<string | number>, unknown] => [['evaluation', 'metrics', i], m]),
    [['evaluation', 'primaryMetric'], o.evaluation?.primaryMetric],
    ...list(o.evaluation?.gates).map((g, i): [Array<string | number>, unknown] => [['evaluation', 'gates', i, 'metric'], (g as { metric?: unknown } | null)?.metric]),
    [o.searchMetricPath ?? ['model', 'search', 'metric'], o.searchMetric],
  ];
  const task = `a ${kind} task${target ? ` (target "${target}")` : ''}`;
  return used
    .filter((u): u is [Array<string | number>, string] => typeof u[1] === 'string' && !(valid as readonly string[]).includes(u[1]))
    .map(([path, m]) => {
      const what = (METRIC_NAMES as readonly string[]).includes(m)
        ? `"${m}" is a ${kind === 'regression' ? 'classification' : 'regression'} metric and cannot be computed for ${task}`
        : `unknown metric "${m}" for ${task}`;
      return { path, message: `${what}; metrics valid for ${kind}: ${valid.join(', ')}` };
    });
}

/** A spec path as a person writes it: evaluation.gates[0].metric. */
export function formatSpecPath(path: ReadonlyArray<string | number | symbol>): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${String(p)}`)).join('');
}
