/**
 * Reference profile: computed once from the training data, stored as JSON with the model version, and
 * later compared against live windows (./window, ./policy). It keeps only what the statistics need —
 * quantile-bin histograms, a KS summary, level frequencies, null rates — never the training rows.
 */
import { type Column, type Table, isFloatColumn } from '../data/table';
import {
  type CategoricalFeatureProfile,
  type DriftProfile,
  type FeatureProfile,
  type KsSummary,
  type NumericFeatureProfile,
  DRIFT_PROFILE_VERSION,
  OTHER_LEVEL,
  PREDICTION_FEATURE,
  driftProfileSchema,
} from './profile-schema';
import { quantileEdges } from '../stats/quantile';

export * from './profile-schema';

export interface ProfileOptions {
  /** Quantile bins for numeric histograms (PSI). Ties can merge edges, so a feature may get fewer. Default 10. */
  bins?: number;
  /** Categorical levels kept by frequency before the rest fold into "__other__". Default 50. */
  maxLevels?: number;
  /** Size of the KS summary: references up to this size are kept whole (exact KS). Default 5000. */
  ksSummarySize?: number;
}

export interface BuildProfileOptions extends ProfileOptions {
  /** Profile only these columns (default: every numeric/datetime/boolean/categorical column; text is skipped). */
  features?: string[];
  /** The model's predictions on the same rows: numbers (regression, scores) or labels (classification). */
  predictions?: Column | ArrayLike<number> | readonly (string | null | undefined)[];
  /** Timestamp to record; defaults to now. */
  createdAt?: string;
}

type ResolvedOptions = Required<ProfileOptions>;

const DEFAULTS: ResolvedOptions = { bins: 10, maxLevels: 50, ksSummarySize: 5000 };

function resolve(options: ProfileOptions = {}): ResolvedOptions {
  const o: ResolvedOptions = {
    bins: options.bins ?? DEFAULTS.bins,
    maxLevels: options.maxLevels ?? DEFAULTS.maxLevels,
    ksSummarySize: options.ksSummarySize ?? DEFAULTS.ksSummarySize,
  };
  for (const key of ['bins', 'maxLevels', 'ksSummarySize'] as const) {
    if (!Number.isInteger(o[key]) || o[key] < 1) {
      throw new Error(`drift profile option ${key} must be an integer >= 1, got ${o[key]}`);
    }
  }
  return o;
}

/** Distinct values of a sorted array with their multiplicities. */
function runLengths(sorted: ArrayLike<number>): { values: number[]; counts: number[] } {
  const values: number[] = [];
  const counts: number[] = [];
  for (let i = 0; i < sorted.length; i++) {
    const v = sorted[i];
    if (values.length > 0 && values[values.length - 1] === v) counts[counts.length - 1]++;
    else {
      values.push(v);
      counts.push(1);
    }
  }
  return { values, counts };
}

/** Number of entries of the ascending array that are <= x. */
function upperBound(sorted: Float64Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function ksSummary(sorted: Float64Array, size: number): KsSummary {
  const n = sorted.length;
  if (n <= size) return { n, exact: true, ...runLengths(sorted) };
  const grid = new Float64Array(size);
  for (let i = 0; i < size; i++) grid[i] = sorted[Math.floor(((i + 0.5) * n) / size)];
  return { n, exact: false, ...runLengths(grid) };
}

/**
 * Profile of one numeric feature. Missing values are NaN; ±Infinity is treated as missing too, because the
 * profile must be valid JSON and an infinite value has no meaningful quantile bin.
 */
export function profileNumeric(name: string, values: ArrayLike<number>, options?: ProfileOptions): NumericFeatureProfile {
  const o = resolve(options);
  const rows = values.length;
  const finiteValues = new Float64Array(rows);
  let n = 0;
  let sum = 0;
  for (let i = 0; i < rows; i++) {
    const v = values[i];
    if (Number.isFinite(v)) {
      finiteValues[n++] = v;
      sum += v;
    }
  }
  const sorted = finiteValues.subarray(0, n).sort();
  const edges = n > 0 ? quantileEdges(sorted, o.bins) : [];
  // Sorted values: bin j holds the values between two upper-bound positions, no per-value search needed.
  const binCounts: number[] = [];
  let below = 0;
  for (const e of edges) {
    const upTo = upperBound(sorted, e);
    binCounts.push(upTo - below);
    below = upTo;
  }
  binCounts.push(n - below);
  let mean: number | null = null;
  let std: number | null = null;
  if (n > 0) {
    mean = sum / n;
    let ss = 0;
    for (let i = 0; i < n; i++) ss += (sorted[i] - mean) ** 2;
    std = Math.sqrt(ss / n);
  }
  return {
    name,
    kind: 'numeric',
    rows,
    nullCount: rows - n,
    nullRate: rows > 0 ? (rows - n) / rows : 0,
    edges,
    binCounts,
    mean,
    std,
    min: n > 0 ? sorted[0] : null,
    max: n > 0 ? sorted[n - 1] : null,
    ks: ksSummary(sorted, o.ksSummarySize),
  };
}

/**
 * Profile of one categorical feature given as codes into `levels` (-1 = missing). Levels are ranked by
 * reference frequency (ties by name, for determinism); the top `maxLevels` are kept and the rest — plus any
 * level literally named "__other__" — share the "__other__" bucket.
 */
export function profileCategorical(name: string, codes: Int32Array, levels: readonly string[], options?: ProfileOptions): CategoricalFeatureProfile {
  const o = resolve(options);
  const perLevel = new Float64Array(levels.length);
  let nulls = 0;
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i];
    if (c < 0) nulls++;
    else if (c < levels.length) perLevel[c]++;
    else throw new Error(`column "${name}": code ${c} at row ${i} is outside its ${levels.length} levels`);
  }
  // Merge duplicate level names (possible after concatenating batches) before ranking.
  const byName = new Map<string, number>();
  levels.forEach((l, i) => byName.set(l, (byName.get(l) ?? 0) + perLevel[i]));
  let otherCount = byName.get(OTHER_LEVEL) ?? 0;
  byName.delete(OTHER_LEVEL);
  const ranked = [...byName.entries()].filter(([, c]) => c > 0).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const kept = ranked.slice(0, o.maxLevels);
  const folded = ranked.slice(o.maxLevels);
  for (const [, c] of folded) otherCount += c;
  return {
    name,
    kind: 'categorical',
    rows: codes.length,
    nullCount: nulls,
    nullRate: codes.length > 0 ? nulls / codes.length : 0,
    levels: [...kept.map(([l]) => l), OTHER_LEVEL],
    counts: [...kept.map(([, c]) => c), otherCount],
    otherLevels: folded.length,
  };
}

/** Encodes labels (null/undefined = missing) as codes + levels. */
export function encodeLabels(values: readonly (string | null | undefined)[]): { codes: Int32Array; levels: string[] } {
  const index = new Map<string, number>();
  const levels: string[] = [];
  const codes = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined) {
      codes[i] = -1;
      continue;
    }
    let c = index.get(v);
    if (c === undefined) {
      c = levels.length;
      index.set(v, c);
      levels.push(v);
    }
    codes[i] = c;
  }
  return { codes, levels };
}

export function profileColumn(column: Column, options?: ProfileOptions): FeatureProfile {
  if (isFloatColumn(column)) return profileNumeric(column.name, column.values, options);
  return profileCategorical(column.name, column.codes, column.levels, options);
}

function profilePredictions(predictions: NonNullable<BuildProfileOptions['predictions']>, options: ProfileOptions): FeatureProfile {
  if (Array.isArray(predictions) && predictions.some((p) => typeof p === 'string')) {
    const { codes, levels } = encodeLabels(predictions as (string | null | undefined)[]);
    return profileCategorical(PREDICTION_FEATURE, codes, levels, options);
  }
  if (typeof predictions === 'object' && predictions !== null && 'type' in predictions && 'name' in predictions) {
    return profileColumn({ ...(predictions as Column), name: PREDICTION_FEATURE }, options);
  }
  return profileNumeric(PREDICTION_FEATURE, predictions as ArrayLike<number>, options);
}

/** Reference profile of a training table (and optionally the model's predictions on it). */
export function buildDriftProfile(table: Table, options: BuildProfileOptions = {}): DriftProfile {
  const o = resolve(options);
  const wanted = options.features;
  const columns = wanted
    ? wanted.map((name) => {
        const c = table.columns.find((col) => col.name === name);
        if (!c) throw new Error(`drift profile: feature "${name}" is not in the table; columns are: ${table.columns.map((x) => x.name).join(', ')}`);
        return c;
      })
    : table.columns.filter((c) => c.type !== 'text');
  for (const c of columns) {
    if (c.name === PREDICTION_FEATURE) throw new Error(`drift profile: "${PREDICTION_FEATURE}" is reserved for predictions; rename that column`);
  }
  let prediction: FeatureProfile | undefined;
  if (options.predictions !== undefined) {
    prediction = profilePredictions(options.predictions, o);
    if (prediction.rows !== table.nrows) {
      throw new Error(`drift profile: ${prediction.rows} predictions for a table of ${table.nrows} rows; pass one prediction per row`);
    }
  }
  return assembleDriftProfile(columns.map((c) => profileColumn(c, o)), { ...o, createdAt: options.createdAt, rows: table.nrows, prediction });
}

/** Wraps per-feature profiles (e.g. built one column at a time to bound memory) into a validated profile. */
export function assembleDriftProfile(
  features: FeatureProfile[],
  meta: ProfileOptions & { rows: number; createdAt?: string; prediction?: FeatureProfile },
): DriftProfile {
  const o = resolve(meta);
  return parseDriftProfile({
    version: DRIFT_PROFILE_VERSION,
    createdAt: meta.createdAt ?? new Date().toISOString(),
    rows: meta.rows,
    options: o,
    features,
    ...(meta.prediction ? { prediction: meta.prediction } : {}),
  });
}

/** Validates profile JSON (e.g. read back from the model registry); throws an error naming what is wrong. */
export function parseDriftProfile(json: unknown): DriftProfile {
  const version = typeof json === 'object' && json !== null ? (json as { version?: unknown }).version : undefined;
  if (version !== DRIFT_PROFILE_VERSION) {
    throw new Error(
      `drift profile: unsupported version ${JSON.stringify(version)}; this Bosun reads version ${DRIFT_PROFILE_VERSION}. ` +
        'Rebuild the profile from the training data of that model version.',
    );
  }
  const parsed = driftProfileSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new Error(`drift profile is invalid: ${issues.join('; ')}`);
  }
  return parsed.data;
}
