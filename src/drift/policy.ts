/**
 * Drift policy (the pipeline spec's `monitor.drift` section) and the decision rule applied to a window.
 *
 * A feature is flagged only when BOTH hold:
 *  1. the change is material — PSI >= psiThreshold or JS distance >= jsThreshold. Significance alone is not
 *     enough: on a large window a KS/chi-square test rejects for shifts far too small to matter.
 *  2. the change is real — KS (numeric) or chi-square (categorical) p-value below its level divided by the
 *     number of features assessed (Bonferroni). Effect size alone is not enough: PSI and JS are biased
 *     upward on small windows and fluctuate with sampling noise.
 * Bonferroni bounds the chance that a window with no drift flags any feature by the per-test level (0.01
 * by default) however many features are monitored; the effect-size gate lowers it further. On the Fair
 * affairs data, 20 unshifted windows give no false alarm while two shifted features are both caught
 * (test/unit/drift/fair.test.ts). The prediction pseudo-feature is a single, separate question and uses the
 * unadjusted levels.
 * Below `minSamples` window rows nothing is flagged: the statistics are still reported, for information.
 */
import { z } from 'zod';
import { type FeatureStats, featureStats } from './compare';
import { type DriftProfile, PREDICTION_FEATURE } from './profile-schema';
import type { DriftAccumulator } from './window';

const pValue = z.number().gt(0).lt(1);

export const driftThresholdsSchema = z.strictObject({
  psiThreshold: z.number().positive(),
  ksPValue: pValue,
  chi2PValue: pValue,
  jsThreshold: z.number().gt(0).max(1),
});

export const driftPolicySchema = z.strictObject({
  /** Window rows needed before anything can be flagged. */
  minSamples: z.number().int().min(1).default(500),
  psiThreshold: z.number().positive().default(0.2),
  ksPValue: pValue.default(0.01),
  chi2PValue: pValue.default(0.01),
  /** Jensen–Shannon distance, base 2 (0..1). */
  jsThreshold: z.number().gt(0).max(1).default(0.1),
  /** Overrides by feature name ("__prediction__" for the predictions). */
  perFeature: z.record(z.string(), driftThresholdsSchema.partial()).optional(),
  /** Monitor only these features (default: every profiled feature). */
  features: z.array(z.string().min(1)).min(1).optional(),
  /** When the window counts as drifted (any listed condition suffices). */
  retrainWhen: z
    .strictObject({
      driftedFeatures: z.number().int().min(1).optional(),
      predictionDrift: z.boolean().optional(),
    })
    .refine((r) => r.driftedFeatures !== undefined || r.predictionDrift === true, {
      message: 'retrainWhen needs driftedFeatures (>= 1) or predictionDrift: true, otherwise drift could never trigger',
    })
    .default({ driftedFeatures: 1, predictionDrift: true }),
});

export type DriftThresholds = z.infer<typeof driftThresholdsSchema>;
export type DriftPolicy = z.infer<typeof driftPolicySchema>;
export type DriftPolicyInput = z.input<typeof driftPolicySchema>;

export interface FeatureDrift extends FeatureStats {
  drifted: boolean;
  /** Why it was (or was not) flagged, in words. */
  reasons: string[];
  /** Thresholds applied, after perFeature overrides; the p-value levels are already Bonferroni-adjusted. */
  thresholds: DriftThresholds;
}

export interface DriftReport {
  sampleSize: number;
  minSamples: number;
  enoughSamples: boolean;
  features: FeatureDrift[];
  prediction?: FeatureDrift;
  driftedFeatures: string[];
  /** The retrainWhen decision. */
  drifted: boolean;
  summary: string;
}

/** Parses a `monitor.drift` section; the error names each offending field. */
export function parseDriftPolicy(input: unknown): DriftPolicy {
  const parsed = driftPolicySchema.safeParse(input ?? {});
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `monitor.drift.${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new Error(`invalid drift policy: ${issues.join('; ')}`);
  }
  return parsed.data;
}

function fmtP(p: number): string {
  return p < 1e-3 ? p.toExponential(2) : p.toPrecision(3);
}

function judge(stats: FeatureStats, t: DriftThresholds, enough: boolean, testsAdjustedFor: number): FeatureDrift {
  const reasons: string[] = [];
  const adjust = (alpha: number) => alpha / testsAdjustedFor;
  const thresholds = { ...t, ksPValue: adjust(t.ksPValue), chi2PValue: adjust(t.chi2PValue) };
  const base = { ...stats, thresholds };
  if (stats.psi === null || stats.js === null) {
    reasons.push(stats.count === 0 ? 'no non-missing values in the window' : 'no non-missing values in the reference');
    return { ...base, drifted: false, reasons };
  }
  const psiHit = stats.psi >= t.psiThreshold;
  const jsHit = stats.js >= t.jsThreshold;
  const effect = psiHit || jsHit;
  reasons.push(
    psiHit ? `PSI ${stats.psi.toFixed(3)} >= ${t.psiThreshold}` : `PSI ${stats.psi.toFixed(3)} < ${t.psiThreshold}`,
    jsHit ? `JS ${stats.js.toFixed(3)} >= ${t.jsThreshold}` : `JS ${stats.js.toFixed(3)} < ${t.jsThreshold}`,
  );
  const [test, p, level] =
    stats.kind === 'numeric' ? ['KS', stats.ksPValue, thresholds.ksPValue] : ['chi-square', stats.chi2PValue, thresholds.chi2PValue];
  const significant = p !== undefined && p < level;
  const levelText = testsAdjustedFor > 1 ? `${fmtP(level)} (Bonferroni over ${testsAdjustedFor} features)` : fmtP(level);
  if (p !== undefined) reasons.push(`${test} p = ${fmtP(p)} ${significant ? '<' : '>='} ${levelText}`);
  if (!enough) reasons.push('window below minSamples: not flagged');
  const drifted = enough && effect && significant;
  if (enough && effect && !significant) reasons.push('shift not statistically significant: not flagged');
  if (enough && !effect && significant) reasons.push('significant but below the effect-size thresholds: not flagged');
  return { ...base, drifted, reasons };
}

function thresholdsFor(policy: DriftPolicy, name: string): DriftThresholds {
  return {
    psiThreshold: policy.psiThreshold,
    ksPValue: policy.ksPValue,
    chi2PValue: policy.chi2PValue,
    jsThreshold: policy.jsThreshold,
    ...policy.perFeature?.[name],
  };
}

/** Compares the accumulated window with the reference profile under `policy` (raw spec section or parsed). */
export function assessDrift(profile: DriftProfile, window: DriftAccumulator, policyInput: DriftPolicyInput | DriftPolicy = {}): DriftReport {
  const policy = parseDriftPolicy(policyInput);
  if (window.profile !== profile) {
    const a = profile.features.map((f) => f.name).join(',');
    const b = window.profile.features.map((f) => f.name).join(',');
    if (a !== b || window.profile.createdAt !== profile.createdAt) {
      throw new Error('assessDrift: the window was accumulated against a different profile; create the DriftAccumulator from this profile');
    }
  }
  const profiled = new Set(profile.features.map((f) => f.name));
  const unknown = [...(policy.features ?? []), ...Object.keys(policy.perFeature ?? {})].filter(
    (n) => !profiled.has(n) && n !== PREDICTION_FEATURE,
  );
  if (unknown.length > 0) {
    throw new Error(`drift policy names feature(s) not in the profile: ${[...new Set(unknown)].join(', ')}; profiled: ${[...profiled].join(', ')}`);
  }

  const names = policy.features ?? profile.features.map((f) => f.name);
  const sampleSize = window.rows;
  const enough = sampleSize >= policy.minSamples;
  const features = names.map((n) => judge(featureStats(window.feature(n)), thresholdsFor(policy, n), enough, names.length));
  const predState = window.prediction();
  const prediction = predState ? judge(featureStats(predState), thresholdsFor(policy, PREDICTION_FEATURE), enough, 1) : undefined;

  const driftedFeatures = features.filter((f) => f.drifted).map((f) => f.name);
  const byFeatures = policy.retrainWhen.driftedFeatures !== undefined && driftedFeatures.length >= policy.retrainWhen.driftedFeatures;
  const byPrediction = policy.retrainWhen.predictionDrift === true && prediction?.drifted === true;
  const drifted = enough && (byFeatures || byPrediction);

  let summary: string;
  if (!enough) {
    summary = `not enough data: ${sampleSize} window rows, policy needs ${policy.minSamples}`;
  } else {
    const featurePart = driftedFeatures.length
      ? `${driftedFeatures.length} of ${features.length} features drifted (${driftedFeatures.join(', ')})`
      : `no feature drifted (of ${features.length})`;
    const predPart = prediction ? (prediction.drifted ? '; predictions drifted' : '; predictions stable') : '';
    summary = `${drifted ? 'drift detected' : 'no actionable drift'}: ${featurePart}${predPart}`;
  }
  return { sampleSize, minSamples: policy.minSamples, enoughSamples: enough, features, ...(prediction ? { prediction } : {}), driftedFeatures, drifted, summary };
}
