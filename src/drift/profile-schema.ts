/**
 * JSON shape of a reference drift profile, stored with every model version. Versioned so that a profile
 * written by an older Bosun is either read correctly or rejected with a clear message, never misread.
 */
import { z } from 'zod';

export const DRIFT_PROFILE_VERSION = 1;

/** Bucket for categorical levels beyond the cap, and for levels first seen after training. */
export const OTHER_LEVEL = '__other__';

/** Name of the pseudo-feature holding the model's predictions. */
export const PREDICTION_FEATURE = '__prediction__';

const count = z.number().int().nonnegative();
const finite = z.number().finite();

/**
 * Reference sample for the KS test. If the reference has at most `ksSummarySize` values, `values`/`counts`
 * are all of them (distinct sorted values with multiplicities) and `exact` is true. Otherwise they are
 * `ksSummarySize` evenly spaced order statistics (positions (i + ½)·n/K), so the summary's ECDF is within
 * 1/K of the reference ECDF everywhere and the KS statistic is within 1/K of the full-data one; the
 * p-value still uses the true reference size `n`.
 */
export const ksSummarySchema = z.object({
  n: count,
  exact: z.boolean(),
  values: z.array(finite),
  counts: z.array(z.number().int().positive()),
});

const featureBase = {
  name: z.string().min(1),
  /** Rows seen, missing included. */
  rows: count,
  nullCount: count,
  nullRate: z.number().min(0).max(1),
};

export const numericFeatureProfileSchema = z.object({
  ...featureBase,
  kind: z.literal('numeric'),
  /** Interior bin edges from the reference quantiles; bins are (−∞, e0], (e0, e1], …, (e_last, +∞). */
  edges: z.array(finite),
  binCounts: z.array(count),
  mean: finite.nullable(),
  std: finite.nullable(),
  min: finite.nullable(),
  max: finite.nullable(),
  ks: ksSummarySchema,
});

export const categoricalFeatureProfileSchema = z.object({
  ...featureBase,
  kind: z.literal('categorical'),
  /** Kept levels by descending reference frequency, then OTHER_LEVEL last. */
  levels: z.array(z.string()),
  counts: z.array(count),
  /** How many distinct reference levels were folded into OTHER_LEVEL by the cap. */
  otherLevels: count,
});

export const featureProfileSchema = z.discriminatedUnion('kind', [numericFeatureProfileSchema, categoricalFeatureProfileSchema]);

export const driftProfileSchema = z
  .object({
    version: z.literal(DRIFT_PROFILE_VERSION),
    createdAt: z.string(),
    rows: count,
    options: z.object({
      bins: z.number().int().min(1),
      maxLevels: z.number().int().min(1),
      ksSummarySize: z.number().int().min(1),
    }),
    features: z.array(featureProfileSchema),
    prediction: featureProfileSchema.optional(),
  })
  .superRefine((profile, ctx) => {
    const all = profile.prediction ? [...profile.features, profile.prediction] : profile.features;
    const seen = new Set<string>();
    all.forEach((f, i) => {
      const path = i < profile.features.length ? ['features', i] : ['prediction'];
      if (seen.has(f.name)) ctx.addIssue({ code: 'custom', path, message: `feature "${f.name}" appears twice` });
      seen.add(f.name);
      if (f.nullCount > f.rows) ctx.addIssue({ code: 'custom', path, message: `nullCount ${f.nullCount} exceeds rows ${f.rows}` });
      if (f.kind === 'numeric') {
        if (f.binCounts.length !== f.edges.length + 1) {
          ctx.addIssue({ code: 'custom', path, message: `${f.edges.length} edges need ${f.edges.length + 1} binCounts, got ${f.binCounts.length}` });
        }
        for (let j = 1; j < f.edges.length; j++) {
          if (!(f.edges[j] > f.edges[j - 1])) ctx.addIssue({ code: 'custom', path, message: 'edges must be strictly increasing' });
        }
        const ks = f.ks;
        if (ks.values.length !== ks.counts.length) {
          ctx.addIssue({ code: 'custom', path, message: 'ks.values and ks.counts must have the same length' });
        }
        for (let j = 1; j < ks.values.length; j++) {
          if (!(ks.values[j] > ks.values[j - 1])) ctx.addIssue({ code: 'custom', path, message: 'ks.values must be strictly increasing' });
        }
      } else {
        if (f.levels.length !== f.counts.length) {
          ctx.addIssue({ code: 'custom', path, message: `${f.levels.length} levels but ${f.counts.length} counts` });
        }
        if (f.levels[f.levels.length - 1] !== OTHER_LEVEL) {
          ctx.addIssue({ code: 'custom', path, message: `the last level must be "${OTHER_LEVEL}"` });
        }
      }
    });
  });

export type KsSummary = z.infer<typeof ksSummarySchema>;
export type NumericFeatureProfile = z.infer<typeof numericFeatureProfileSchema>;
export type CategoricalFeatureProfile = z.infer<typeof categoricalFeatureProfileSchema>;
export type FeatureProfile = z.infer<typeof featureProfileSchema>;
export type DriftProfile = z.infer<typeof driftProfileSchema>;
