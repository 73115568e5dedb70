/**
 * The `validation` section of a pipeline spec. Every rule has a severity: `error` fails the run, `warning` is
 * reported. Rules that are on by default take `error | warning | off`. Shorthands keep simple specs short:
 * `maxNullRatio: 0.05` means `{ max: 0.05, severity: error }`.
 *
 * Defaults when the spec says nothing: infinite values, all-null columns and a missing or single-class target are
 * errors; constant columns, target classes with fewer than 2 rows and rows without a target are warnings;
 * removed columns and type changes against the previous schema are errors, added columns warnings.
 */
import { z } from 'zod';
import { columnTypeSchema } from '../data/schema';

export const severitySchema = z.enum(['error', 'warning']);
export type Severity = z.infer<typeof severitySchema>;

/** For rules that run by default. */
export const toggleSchema = z.enum(['error', 'warning', 'off']);
export type Toggle = z.infer<typeof toggleSchema>;

const ratio = z.number().min(0).max(1);

/** A ratio limit: `0.05` or `{ max: 0.05, severity: warning }`. */
export const ratioRuleSchema = z.union([ratio, z.object({ max: ratio, severity: severitySchema.optional() }).strict()]);
export type RatioRule = z.infer<typeof ratioRuleSchema>;

/** Numeric bounds, or ISO 8601 dates for datetime columns. */
const bound = z.union([z.number(), z.string().min(1)]);

export const rangeRuleSchema = z
  .object({ min: bound.optional(), max: bound.optional(), severity: severitySchema.optional() })
  .strict()
  .refine((r) => r.min !== undefined || r.max !== undefined, { message: 'give min, max or both' })
  .refine((r) => !minAboveMax(r.min, r.max), { message: 'min is above max, so no value could pass; swap them', path: ['min'] });

/** Bounds that exclude everything: a rule no data can pass is a mistake in the spec, refused before any run. */
function minAboveMax(min: number | string | undefined, max: number | string | undefined): boolean {
  if (min === undefined || max === undefined) return false;
  if (typeof min === 'number' && typeof max === 'number') return min > max;
  if (typeof min === 'string' && typeof max === 'string') {
    const a = Date.parse(min);
    const b = Date.parse(max);
    return Number.isFinite(a) && Number.isFinite(b) && a > b;
  }
  return false;
}

const allowedValue = z.union([z.string(), z.number(), z.boolean()]);
export const allowedRuleSchema = z.union([
  z.array(allowedValue).min(1),
  z.object({ values: z.array(allowedValue).min(1), severity: severitySchema.optional() }).strict(),
]);

export const uniqueRuleSchema = z.union([z.boolean(), z.object({ severity: severitySchema.optional() }).strict()]);

export const columnExpectationSchema = z
  .object({
    /** The column must have this type. */
    type: columnTypeSchema.optional(),
    /** The column must exist (default true). With false, the other rules apply only if it does. */
    required: z.boolean().default(true),
    /** Default severity of this column's rules (default error). */
    severity: severitySchema.default('error'),
    maxNullRatio: ratioRuleSchema.optional(),
    range: rangeRuleSchema.optional(),
    allowed: allowedRuleSchema.optional(),
    unique: uniqueRuleSchema.optional(),
  })
  .strict();

export const targetExpectationSchema = z
  .object({
    /** Target column; the caller's `target` option wins when both are given. */
    column: z.string().min(1).optional(),
    /** Default: classification for categorical, boolean and text targets, regression for numeric. */
    task: z.enum(['classification', 'regression']).optional(),
    /** Every class needs at least this many rows (classification). */
    minClassCount: z.number().int().min(1).optional(),
    /** Severity of the target rules (default error). */
    severity: severitySchema.default('error'),
  })
  .strict();

export const expectationsSchema = z
  .object({
    /** Rules per column, keyed by column name; listed columns are required unless `required: false`. */
    columns: z.record(z.string().min(1), columnExpectationSchema).default({}),
    /** Null-ratio limit for every column without its own. */
    maxNullRatio: ratioRuleSchema.optional(),
    rowCount: z
      .object({
        min: z.number().int().nonnegative().optional(),
        max: z.number().int().nonnegative().optional(),
        severity: severitySchema.default('error'),
      })
      .strict()
      .refine((r) => !minAboveMax(r.min, r.max), { message: 'min is above max, so no data could pass; swap them', path: ['min'] })
      .optional(),
    target: targetExpectationSchema.optional(),
    /** Share of rows that repeat an earlier row exactly. */
    maxDuplicateRatio: ratioRuleSchema.optional(),
    infinity: toggleSchema.default('error'),
    allNullColumns: toggleSchema.default('error'),
    constantColumns: toggleSchema.default('warning'),
    /** Compared with the previous schema of the same source, when the caller provides one. */
    schemaChange: z
      .object({
        added: toggleSchema.default('warning'),
        removed: toggleSchema.default('error'),
        typeChanged: toggleSchema.default('error'),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export type Expectations = z.output<typeof expectationsSchema>;
export type ExpectationsInput = z.input<typeof expectationsSchema>;
export type ColumnExpectation = z.output<typeof columnExpectationSchema>;
export type TargetExpectation = z.output<typeof targetExpectationSchema>;

/** Parses a spec section, turning zod's report into one readable message. */
export function parseExpectations(input: unknown): Expectations {
  const parsed = expectationsSchema.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `${['validation', ...i.path].join('.')}: ${i.message}`);
  throw new Error(`invalid validation spec: ${problems.join('; ')}`);
}

/** Limit and severity of a ratio rule in either spelling. */
export function ratioRule(rule: RatioRule, fallback: Severity): { max: number; severity: Severity } {
  return typeof rule === 'number' ? { max: rule, severity: fallback } : { max: rule.max, severity: rule.severity ?? fallback };
}
