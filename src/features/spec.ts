/**
 * The `features` section of a pipeline spec: an ordered list of transform steps, each naming its columns.
 *
 * ```yaml
 * features:
 *   - impute: [age, income]
 *     strategy: median
 *     addIndicator: true
 *   - standardize: [age, income]
 *   - onehot: color
 *     maxCategories: 20
 *   - derive: bmi
 *     expr: weight / (height * height)
 *   - drop: id
 * ```
 *
 * or `features: auto`, or `features: { steps: [...], passthrough: keep }` to also feed untouched numeric columns to the model.
 * Steps run in order; each sees the columns produced by the steps before it.
 */
import { z } from 'zod';
import { ExprSyntaxError, parseExpr } from './expr';
import { nearestName } from './nearest';

export const DATETIME_PARTS = ['year', 'month', 'day', 'weekday', 'hour', 'dayofyear'] as const;
export type DatetimePart = (typeof DATETIME_PARTS)[number];
export const DEFAULT_DATETIME_PARTS: DatetimePart[] = ['year', 'month', 'day', 'weekday'];

export type ImputeStrategy = 'mean' | 'median' | 'most_frequent' | 'constant';
export type HandleUnknown = 'ignore' | 'error';
/** What happens to columns that no step names: `drop` (default) leaves them out, `keep` feeds numeric ones to the model. */
export type Passthrough = 'drop' | 'keep';

/** One step after parsing: `op` is the transform, `columns` the inputs (a single name in the spec becomes a list). */
export type FeatureStep =
  | { op: 'impute'; columns: string[]; strategy: ImputeStrategy; value?: number | string; addIndicator: boolean }
  | { op: 'standardize'; columns: string[] }
  | { op: 'minmax'; columns: string[] }
  | { op: 'onehot'; columns: string[]; handleUnknown: HandleUnknown; maxCategories?: number; dropFirst: boolean }
  | { op: 'ordinal'; columns: string[]; order?: string[]; handleUnknown: HandleUnknown }
  | { op: 'bucketize'; columns: string[]; boundaries?: number[]; bins?: number }
  | { op: 'log1p'; columns: string[] }
  | { op: 'clip'; columns: string[]; min?: number; max?: number; quantiles?: [number, number] }
  | { op: 'datetime'; columns: string[]; parts: DatetimePart[] }
  | { op: 'derive'; name: string; expr: string }
  | { op: 'drop'; columns: string[] };

export type FeatureOp = FeatureStep['op'];

export interface StepsFeaturesSpec {
  auto?: false;
  steps: FeatureStep[];
  passthrough: Passthrough;
  /** Where the steps sit in the pipeline spec, for error paths: `features` (list form) or `features.steps`. */
  stepsPath?: string;
}
/** `features: auto`: resolved into explicit steps by `autoFeaturesSpec` once the training table is known. */
export interface AutoFeaturesSpec {
  auto: true;
  passthrough?: undefined;
}
export type FeaturesSpec = StepsFeaturesSpec | AutoFeaturesSpec;

const columnList = z.preprocess(
  (v) => (typeof v === 'string' ? [v] : v),
  z
    .array(z.string().min(1, 'column names must not be empty'), { error: 'expected a column name or a list of column names' })
    .min(1, 'name at least one column')
    .refine((cols) => new Set(cols).size === cols.length, { message: 'a column is listed twice' }),
);
const finite = z.number({ error: 'expected a finite number' });
const handleUnknown = z.enum(['ignore', 'error']).default('ignore');

function custom(ctx: z.RefinementCtx, path: PropertyKey[], message: string): void {
  ctx.addIssue({ code: 'custom', path, message });
}

const stepSchemas = {
  impute: z
    .object({
      impute: columnList,
      strategy: z.enum(['mean', 'median', 'most_frequent', 'constant']).default('median'),
      value: z.union([finite, z.string()], { error: 'value must be a number or a string' }).optional(),
      addIndicator: z.boolean().default(false),
    })
    .strict()
    .superRefine((s, ctx) => {
      if (s.strategy === 'constant' && s.value === undefined) {
        custom(ctx, ['value'], 'strategy constant needs a value, e.g. value: 0 or value: "unknown"');
      }
      if (s.strategy !== 'constant' && s.value !== undefined) {
        custom(ctx, ['value'], `value is only used with strategy: constant (strategy is ${s.strategy})`);
      }
    })
    .transform((s): FeatureStep => {
      const step: FeatureStep = { op: 'impute', columns: s.impute, strategy: s.strategy, addIndicator: s.addIndicator };
      if (s.value !== undefined) step.value = s.value;
      return step;
    }),
  standardize: z
    .object({ standardize: columnList })
    .strict()
    .transform((s): FeatureStep => ({ op: 'standardize', columns: s.standardize })),
  minmax: z
    .object({ minmax: columnList })
    .strict()
    .transform((s): FeatureStep => ({ op: 'minmax', columns: s.minmax })),
  onehot: z
    .object({
      onehot: columnList,
      handleUnknown,
      maxCategories: z.int().min(2, 'maxCategories must be at least 2 (one category plus "__other__")').optional(),
      dropFirst: z.boolean().default(false),
    })
    .strict()
    .transform((s): FeatureStep => {
      const step: FeatureStep = { op: 'onehot', columns: s.onehot, handleUnknown: s.handleUnknown, dropFirst: s.dropFirst };
      if (s.maxCategories !== undefined) step.maxCategories = s.maxCategories;
      return step;
    }),
  ordinal: z
    .object({
      ordinal: columnList,
      order: z
        .array(z.string())
        .min(1)
        .refine((o) => new Set(o).size === o.length, { message: 'order lists a category twice' })
        .optional(),
      handleUnknown,
    })
    .strict()
    .transform((s): FeatureStep => {
      const step: FeatureStep = { op: 'ordinal', columns: s.ordinal, handleUnknown: s.handleUnknown };
      if (s.order !== undefined) step.order = s.order;
      return step;
    }),
  bucketize: z
    .object({
      bucketize: columnList,
      boundaries: z
        .array(finite)
        .min(1)
        .refine((b) => b.every((x, i) => i === 0 || x > b[i - 1]), { message: 'boundaries must be strictly increasing' })
        .optional(),
      bins: z.int().min(2, 'bins must be at least 2').max(1000).optional(),
    })
    .strict()
    .superRefine((s, ctx) => {
      if ((s.boundaries === undefined) === (s.bins === undefined)) {
        custom(ctx, [], 'bucketize needs exactly one of boundaries: [...] (fixed cut points) or bins: n (equal-frequency bins learned from training data)');
      }
    })
    .transform((s): FeatureStep => {
      const step: FeatureStep = { op: 'bucketize', columns: s.bucketize };
      if (s.boundaries !== undefined) step.boundaries = s.boundaries;
      if (s.bins !== undefined) step.bins = s.bins;
      return step;
    }),
  log1p: z
    .object({ log1p: columnList })
    .strict()
    .transform((s): FeatureStep => ({ op: 'log1p', columns: s.log1p })),
  clip: z
    .object({
      clip: columnList,
      min: finite.optional(),
      max: finite.optional(),
      quantiles: z
        .tuple([z.number().min(0).max(1), z.number().min(0).max(1)], { error: 'quantiles must be [low, high] between 0 and 1' })
        .refine(([lo, hi]) => lo < hi, { message: 'quantiles must be [low, high] with low < high, e.g. [0.01, 0.99]' })
        .optional(),
    })
    .strict()
    .superRefine((s, ctx) => {
      const fixed = s.min !== undefined || s.max !== undefined;
      if (fixed === (s.quantiles !== undefined)) {
        custom(ctx, [], 'clip needs either min and/or max (fixed bounds) or quantiles: [low, high] (bounds learned from training data), not both');
      }
      if (s.min !== undefined && s.max !== undefined && s.min > s.max) custom(ctx, ['min'], `min (${s.min}) is greater than max (${s.max})`);
    })
    .transform((s): FeatureStep => {
      const step: FeatureStep = { op: 'clip', columns: s.clip };
      if (s.min !== undefined) step.min = s.min;
      if (s.max !== undefined) step.max = s.max;
      if (s.quantiles !== undefined) step.quantiles = s.quantiles;
      return step;
    }),
  datetime: z
    .object({
      datetime: columnList,
      parts: z
        .array(z.enum(DATETIME_PARTS))
        .min(1)
        .refine((p) => new Set(p).size === p.length, { message: 'a part is listed twice' })
        .default(DEFAULT_DATETIME_PARTS),
    })
    .strict()
    .transform((s): FeatureStep => ({ op: 'datetime', columns: s.datetime, parts: s.parts })),
  derive: z
    .object({
      derive: z.string({ error: 'derive names the new column, e.g. derive: bmi' }).min(1, 'derive names the new column, e.g. derive: bmi'),
      expr: z.string({ error: 'derive needs an expr, e.g. expr: weight / (height * height)' }),
    })
    .strict()
    .superRefine((s, ctx) => {
      try {
        parseExpr(s.expr);
      } catch (e) {
        if (!(e instanceof ExprSyntaxError)) throw e;
        custom(ctx, ['expr'], e.message);
      }
    })
    .transform((s): FeatureStep => ({ op: 'derive', name: s.derive, expr: s.expr })),
  drop: z
    .object({ drop: columnList })
    .strict()
    .transform((s): FeatureStep => ({ op: 'drop', columns: s.drop })),
};

export const FEATURE_OPS = Object.keys(stepSchemas) as FeatureOp[];

/**
 * One step. Steps are keyed by their transform (`standardize: [age]`) rather than a `type:` field, so the schema finds
 * the transform key first and then validates against that transform's own shape; that way an error says
 * "features[2].clip: ..." instead of zod's generic "no union member matched".
 */
export const featureStepSchema = z.unknown().transform((raw, ctx): FeatureStep => {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    custom(ctx, [], `expected a step object such as { standardize: [age] }; transforms: ${FEATURE_OPS.join(', ')}`);
    return z.NEVER;
  }
  const keys = Object.keys(raw);
  const ops = keys.filter((k): k is FeatureOp => Object.hasOwn(stepSchemas, k));
  if (ops.length !== 1) {
    if (ops.length > 1) {
      custom(ctx, [], `a step has exactly one transform, found ${ops.join(' and ')}; split them into separate steps`);
    } else {
      const guesses = keys.map((k) => [k, nearestName(k, FEATURE_OPS)] as const).filter(([, g]) => g !== undefined);
      const hint = guesses.length > 0 ? `; did you mean "${guesses[0][1]}" instead of "${guesses[0][0]}"?` : '';
      custom(ctx, [], `no transform key in step (keys: ${keys.join(', ') || 'none'}); use one of ${FEATURE_OPS.join(', ')}${hint}`);
    }
    return z.NEVER;
  }
  const result = (stepSchemas[ops[0]] as z.ZodType<FeatureStep>).safeParse(raw);
  if (!result.success) {
    for (const issue of result.error.issues) custom(ctx, issue.path as PropertyKey[], issue.message);
    return z.NEVER;
  }
  return result.data;
});

const passthroughSchema = z.enum(['drop', 'keep'], { error: 'passthrough must be "drop" or "keep"' });

/**
 * The whole `features` section. Accepts `"auto"`, a list of steps, or `{ steps, passthrough }`, and always produces
 * a FeaturesSpec. Embeddable in the pipeline spec's schema: issue paths are relative (`[2, "standardize"]`).
 */
export const featuresSpecSchema = z.unknown().transform((raw, ctx): FeaturesSpec => {
  if (raw === 'auto') return { auto: true };
  const parseSteps = (list: unknown, prefix: PropertyKey[]): FeatureStep[] | undefined => {
    const r = z.array(featureStepSchema, { error: 'expected a list of steps' }).safeParse(list);
    if (r.success) return r.data;
    for (const issue of r.error.issues) custom(ctx, [...prefix, ...(issue.path as PropertyKey[])], issue.message);
    return undefined;
  };
  if (Array.isArray(raw)) {
    const steps = parseSteps(raw, []);
    return steps ? { steps, passthrough: 'drop', stepsPath: 'features' } : z.NEVER;
  }
  if (typeof raw === 'object' && raw !== null) {
    const extra = Object.keys(raw).filter((k) => k !== 'steps' && k !== 'passthrough');
    if (extra.length > 0) {
      custom(ctx, [extra[0]], `unknown key "${extra[0]}"; the features object takes steps and passthrough`);
      return z.NEVER;
    }
    const obj = raw as { steps?: unknown; passthrough?: unknown };
    const pass = passthroughSchema.default('drop').safeParse(obj.passthrough);
    if (!pass.success) custom(ctx, ['passthrough'], pass.error.issues[0].message);
    if (obj.steps === undefined) {
      custom(ctx, ['steps'], 'steps is required: a list of transform steps');
      return z.NEVER;
    }
    const steps = parseSteps(obj.steps, ['steps']);
    return steps && pass.success ? { steps, passthrough: pass.data, stepsPath: 'features.steps' } : z.NEVER;
  }
  custom(ctx, [], 'expected "auto", a list of steps, or { steps: [...], passthrough: drop | keep }');
  return z.NEVER;
});

/** Raised for an invalid `features` section; `issues` are lines like `features[2].standardize: column "agee" ...`. */
export class FeaturesSpecError extends Error {
  constructor(readonly issues: string[]) {
    super(`invalid features spec:\n  - ${issues.join('\n  - ')}`);
    this.name = 'FeaturesSpecError';
  }
}

/** Parses a raw `features` section (from YAML/JSON), throwing FeaturesSpecError with one line per problem. */
export function parseFeaturesSpec(raw: unknown): FeaturesSpec {
  const r = featuresSpecSchema.safeParse(raw);
  if (r.success) return r.data;
  throw new FeaturesSpecError(r.error.issues.map((i) => `${formatPath(['features', ...i.path])}: ${i.message}`));
}

/** `["features", 2, "standardize"]` → `features[2].standardize`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out === '' ? String(p) : `.${String(p)}`;
  }
  return out;
}

/** The spec in the form a user would write it (for showing what `features: auto` resolved to). */
export function featuresSpecToInput(spec: StepsFeaturesSpec): unknown {
  const steps = spec.steps.map((s) => {
    const { op, ...rest } = s;
    if (s.op === 'derive') return { derive: s.name, expr: s.expr };
    const { columns, ...opts } = rest as { columns: string[] };
    return { [op]: columns.length === 1 ? columns[0] : columns, ...opts };
  });
  return spec.passthrough === 'drop' ? steps : { steps, passthrough: spec.passthrough };
}
