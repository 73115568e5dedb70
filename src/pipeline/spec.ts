/**
 * Pipelines as code. `definePipeline` types the spec for the editor; `parsePipelineSpec` validates it at
 * submit time and says which field is wrong and how to fix it. Each section's schema belongs to the module
 * that uses it (data, validation, features, ml, evaluate, drift, approval); this file only composes them.
 */
import { z } from 'zod';
import { approvalSpecSchema } from '../approval/spec';
import { schemaSpecSchema } from '../data/schema';
import { driftPolicySchema } from '../drift/policy';
import { evaluationSpecSchema, formatSpecPath, metricMisfits } from '../evaluate/spec';
import { featuresSpecSchema } from '../features/spec';
import { isMetricName, METRIC_NAMES } from '../ml/metrics';
import { onnxFeaturesProblem, pipelineModelSchema, searchMetricOf, searchMetricPath } from '../ml/onnx/spec';
import { cronProblem, CRON_EXPECTED } from '../monitor/cron';
import { expectationsSchema } from '../validation';
import { userStepsSchema } from './userSteps/spec';
import { sourceSchema } from './sourceSpec';
import { UserError } from '../errors';
import { featureViewsSectionSchema } from '../featurestore/spec';

const nameRe = /^[a-z][a-z0-9-]{0,62}$/;


const splitSchema = z
  .strictObject({
    strategy: z.enum(['random', 'stratified', 'time']).default('stratified'),
    testSize: z.number().gt(0).lt(1).default(0.25),
    timeColumn: z.string().optional(),
  })
  .refine((s) => s.strategy !== 'time' || !!s.timeColumn, { message: 'a time split needs timeColumn: the datetime column to split on', path: ['timeColumn'] });

const deploySchema = z
  .strictObject({
    /** direct: promote at once; canary: a share of traffic first; shadow: score every request beside production. */
    strategy: z.enum(['direct', 'canary', 'shadow']).default('direct'),
    canaryPercent: z.number().gt(0).lt(100).default(10),
    /** How long to watch the new version before promoting it (canary, shadow) or keeping it (direct). */
    verifyWindow: z.string().regex(/^\d+(s|m|h)$/, 'expected a duration such as "30s", "5m" or "1h"').optional(),
    maxErrorRate: z.number().min(0).max(1).default(0.05),
    maxP99LatencyMs: z.number().positive().default(250),
    /** PSI of the version's live prediction distribution against the one it showed on its training data. */
    maxPredictionPsi: z.number().positive().default(0.25),
    /** Fewer scored requests than this in the window is not enough evidence: the version is rolled back. */
    minRequests: z.number().int().min(1).default(20),
  })
  // Direct deploys keep no window unless asked; canary and shadow need one to mean anything.
  .transform((d) => ({ ...d, verifyWindow: d.verifyWindow ?? (d.strategy === 'direct' ? '0s' : '5m') }));

const duration = (example: string) => z.string().regex(/^\d+(s|m|h|d)$/, `expected a duration such as ${example}`);

const monitorSchema = z.strictObject({
  /** When to run the deployed model's drift check (a Temporal Schedule); unset = only on demand. */
  cron: z
    .string()
    .superRefine((expr, ctx) => {
      const problem = cronProblem(expr);
      if (problem) ctx.addIssue({ code: 'custom', message: `${CRON_EXPECTED}; ${problem}` });
    })
    .optional(),
  /** How far back each check reads the prediction log. */
  window: duration('"24h" or "7d"').default('24h'),
  /** A check missed while Temporal was down still runs if it is at most this late. */
  catchupWindow: duration('"1h"').default('1h'),
  /** Retraining on drift reads this source (default: the pipeline's own source). */
  retrainData: z.string().min(1).optional(),
  /** Ground truth: a fall of the primary metric beyond this (absolute, or relative when |baseline| > 1) counts as drift. */
  maxPerformanceDrop: z.number().min(0).default(0.05),
  drift: driftPolicySchema.optional(),
});

const pipelineShape = z.strictObject({
  name: z.string().regex(nameRe, 'expected lowercase letters, digits and dashes, starting with a letter (e.g. "credit-risk")'),
  description: z.string().optional(),
  source: sourceSchema,
  /** Feature views joined onto the source (then the entity dataframe) as of each row's time: src/featurestore. */
  featureViews: featureViewsSectionSchema.optional(),
  schema: schemaSpecSchema.optional(),
  target: z.string().min(1),
  task: z.enum(['binary', 'multiclass', 'regression']).optional(),
  /** For binary tasks: the class that counts as positive (defaults to the second level in sorted order). */
  positiveClass: z.string().optional(),
  seed: z.number().int().min(0).default(42),
  validation: expectationsSchema.optional(),
  features: featuresSpecSchema.prefault('auto'),
  split: splitSchema.default({ strategy: 'stratified', testSize: 0.25 }),
  /** Bosun fits { algorithm, params, search }, or picks the best of { candidates: [...] } (src/ml/selection.ts); { onnx: 'file.onnx', … } registers a model trained elsewhere (src/ml/onnx/spec.ts). */
  model: pipelineModelSchema,
  evaluation: evaluationSpecSchema.default({}),
  approval: approvalSpecSchema.prefault({}),
  deploy: deploySchema.prefault({}),
  monitor: monitorSchema.prefault({}),
  /** The team's own steps (TypeScript functions or Python entry points); see src/pipeline/userSteps/spec.ts. */
  steps: userStepsSchema.optional(),
});

// With `task` set, metrics that cannot be computed for it are refused at submit; otherwise the validate stage
// checks them once the task is inferred from the data. Zod runs this even when other fields failed, so it
// reads the (possibly invalid) value defensively.
export const pipelineSpecSchema = pipelineShape.superRefine((spec, ctx) => {
  const onnxProblem = onnxFeaturesProblem(spec.model, spec.features);
  if (onnxProblem) ctx.addIssue({ code: 'custom', path: ['features'], message: onnxProblem });
  const searchMetric = searchMetricOf(spec.model);
  if (searchMetric !== undefined && !isMetricName(searchMetric)) {
    ctx.addIssue({ code: 'custom', path: searchMetricPath(spec.model), message: `unknown metric "${searchMetric}"; valid metrics are: ${METRIC_NAMES.join(', ')}` });
    return;
  }
  if (!spec.task || typeof spec.evaluation !== 'object' || spec.evaluation === null) return;
  for (const m of metricMisfits({ evaluation: spec.evaluation, searchMetric, searchMetricPath: searchMetricPath(spec.model) }, spec.task, spec.target)) {
    ctx.addIssue({ code: 'custom', path: m.path, message: m.message });
  }
});

export type PipelineSpecInput = z.input<typeof pipelineSpecSchema>;
export type PipelineSpec = z.output<typeof pipelineSpecSchema>;

/** Types a pipeline for the editor; validation happens when it is submitted. */
export function definePipeline(spec: PipelineSpecInput): PipelineSpecInput {
  return spec;
}

export class SpecError extends UserError {
  override name = 'SpecError';
  constructor(readonly problems: string[]) {
    super(`the pipeline spec is invalid:\n  ${problems.join('\n  ')}`);
  }
}

export function parsePipelineSpec(raw: unknown): PipelineSpec {
  const res = pipelineSpecSchema.safeParse(raw);
  if (!res.success) throw new SpecError(res.error.issues.map((issue) => formatIssue(issue, raw)));
  return res.data;
}

function formatIssue(issue: z.core.$ZodIssue, raw: unknown): string {
  const where = issue.path.length ? formatSpecPath(issue.path) : '(spec)';
  if (issue.code === 'unrecognized_keys') {
    const keys = (issue as { keys: string[] }).keys;
    return `${where === '(spec)' ? '' : `${where}: `}unknown field${keys.length > 1 ? 's' : ''} ${keys.map((k) => `"${k}"`).join(', ')}`;
  }
  if (issue.code === 'invalid_type' && !issue.path.length) {
    const got = raw === null ? 'null' : Array.isArray(raw) ? 'an array' : typeof raw;
    return `(spec): a pipeline is an object such as definePipeline({ name, source, target, model }), got ${got}`;
  }
  // Section schemas already prefix their messages with the field they name.
  return issue.message.includes(':') && !issue.path.length ? issue.message : `${where}: ${issue.message}`;
}
