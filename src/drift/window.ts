/**
 * Streaming accumulator for a current (live) window, compared later against a reference profile.
 *
 * Memory is bounded regardless of window size: per numeric feature, counts on the reference bins, a running
 * sum, and a reservoir sample of at most `sampleCap` values for the KS test (whole window while it fits,
 * then a seeded uniform sample of that size — see ./reservoir); per categorical feature, one count per
 * reference level. Feed it Table batches, or per-feature value arrays, in any batch sizes.
 */
import { type Column, type Table, isFloatColumn } from '../data/table';
import { encodeLabels } from './profile';
import {
  type CategoricalFeatureProfile,
  type DriftProfile,
  type FeatureProfile,
  type NumericFeatureProfile,
  OTHER_LEVEL,
  PREDICTION_FEATURE,
} from './profile-schema';
import { binBatch, paddedEdges } from './bins';
import { Reservoir } from './reservoir';

export interface WindowOptions {
  /**
   * Most window values kept per numeric feature for the KS test (8 bytes each). At the default 10000 the
   * window side stays within SciPy's exact-KS range (n <= 10000). Default 10000.
   */
  sampleCap?: number;
  /** Seed of the reservoir samples (each feature derives its own stream). Default 0. */
  seed?: number;
}

export const DEFAULT_SAMPLE_CAP = 10_000;

export interface NumericWindowState {
  kind: 'numeric';
  profile: NumericFeatureProfile;
  /** Values fed, missing included. */
  rows: number;
  nullCount: number;
  binCounts: Float64Array;
  /** profile.edges padded with +Infinity for the branch-free bin search. */
  searchEdges: Float64Array;
  sum: number;
  reservoir: Reservoir;
}

export interface CategoricalWindowState {
  kind: 'categorical';
  profile: CategoricalFeatureProfile;
  rows: number;
  nullCount: number;
  /** Aligned with profile.levels; unseen levels count under "__other__". */
  counts: Float64Array;
  levelIndex: Map<string, number>;
}

export type WindowFeatureState = NumericWindowState | CategoricalWindowState;

/** FNV-1a of the name: gives each feature its own reservoir stream, independent of column order. */
function nameHash(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

function createState(profile: FeatureProfile, sampleCap: number, seed: number): WindowFeatureState {
  if (profile.kind === 'numeric') {
    return {
      kind: 'numeric',
      profile,
      rows: 0,
      nullCount: 0,
      binCounts: new Float64Array(profile.edges.length + 1),
      searchEdges: paddedEdges(profile.edges),
      sum: 0,
      reservoir: new Reservoir(sampleCap, (seed ^ nameHash(profile.name)) >>> 0),
    };
  }
  return {
    kind: 'categorical',
    profile,
    rows: 0,
    nullCount: 0,
    counts: new Float64Array(profile.levels.length),
    levelIndex: new Map(profile.levels.map((l, i) => [l, i])),
  };
}

function addNumericValues(s: NumericWindowState, input: ArrayLike<number>): void {
  // One element type in the hot loop keeps it monomorphic (plain arrays would deoptimise it).
  const values = input instanceof Float64Array ? input : Float64Array.from(input);
  const { nulls, sum } = binBatch(values, s.searchEdges, s.binCounts);
  s.rows += values.length;
  s.nullCount += nulls;
  s.sum += sum;
  if (nulls === 0) {
    s.reservoir.offerAll(values);
  } else {
    const present = new Float64Array(values.length - nulls);
    let k = 0;
    for (let i = 0; i < values.length; i++) if (values[i] - values[i] === 0) present[k++] = values[i];
    s.reservoir.offerAll(present);
  }
}

function addCodes(s: CategoricalWindowState, codes: Int32Array, levels: readonly string[]): void {
  const other = s.levelIndex.get(OTHER_LEVEL) as number;
  const bucket = new Int32Array(levels.length);
  for (let l = 0; l < levels.length; l++) bucket[l] = s.levelIndex.get(levels[l]) ?? other;
  const counts = s.counts;
  let nulls = 0;
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i];
    if (c < 0) nulls++;
    else if (c < levels.length) counts[bucket[c]]++;
    else throw new Error(`feature "${s.profile.name}": code ${c} at row ${i} of this batch is outside its ${levels.length} levels`);
  }
  s.rows += codes.length;
  s.nullCount += nulls;
}

function addColumn(s: WindowFeatureState, column: Column): void {
  if (s.kind === 'numeric') {
    if (!isFloatColumn(column)) {
      throw new Error(
        `feature "${s.profile.name}" was profiled as numeric but this batch's column is ${column.type}; ` +
          'send the same column types as at training, or rebuild the profile',
      );
    }
    addNumericValues(s, column.values);
  } else {
    if (isFloatColumn(column)) {
      throw new Error(
        `feature "${s.profile.name}" was profiled as categorical but this batch's column is ${column.type}; ` +
          'send the same column types as at training, or rebuild the profile',
      );
    }
    addCodes(s, column.codes, column.levels);
  }
}

export class DriftAccumulator {
  readonly profile: DriftProfile;
  readonly sampleCap: number;
  private readonly states = new Map<string, WindowFeatureState>();
  private predictionState: WindowFeatureState | undefined;

  constructor(profile: DriftProfile, options: WindowOptions = {}) {
    const sampleCap = options.sampleCap ?? DEFAULT_SAMPLE_CAP;
    const seed = options.seed ?? 0;
    if (!Number.isInteger(sampleCap) || sampleCap < 1) {
      throw new Error(`DriftAccumulator: sampleCap must be an integer >= 1, got ${sampleCap}`);
    }
    this.profile = profile;
    this.sampleCap = sampleCap;
    for (const f of profile.features) this.states.set(f.name, createState(f, sampleCap, seed));
    if (profile.prediction) this.predictionState = createState(profile.prediction, sampleCap, seed);
  }

  private state(name: string): WindowFeatureState {
    const s = name === PREDICTION_FEATURE ? this.predictionState : this.states.get(name);
    if (!s) {
      const known = [...this.states.keys()].join(', ');
      throw new Error(
        name === PREDICTION_FEATURE
          ? 'the drift profile has no predictions; build it with `predictions` to monitor prediction drift'
          : `feature "${name}" is not in the drift profile; profiled features are: ${known}`,
      );
    }
    return s;
  }

  /** Adds a batch of rows; every profiled feature must be a column of the batch (extra columns are ignored). */
  addTable(table: Table): void {
    const byName = new Map(table.columns.map((c) => [c.name, c]));
    const missing = [...this.states.keys()].filter((n) => !byName.has(n));
    if (missing.length > 0) {
      throw new Error(`drift window batch lacks profiled feature(s) ${missing.join(', ')}; each batch must carry every profiled column`);
    }
    for (const [name, s] of this.states) addColumn(s, byName.get(name) as Column);
  }

  /** Adds values of one numeric feature (NaN = missing). */
  addNumeric(name: string, values: ArrayLike<number>): void {
    const s = this.state(name);
    if (s.kind !== 'numeric') throw new Error(`feature "${name}" is categorical in the profile; use addCategorical or addLabels`);
    addNumericValues(s, values);
  }

  /** Adds values of one categorical feature as codes into `levels` (-1 = missing). */
  addCategorical(name: string, codes: Int32Array, levels: readonly string[]): void {
    const s = this.state(name);
    if (s.kind !== 'categorical') throw new Error(`feature "${name}" is numeric in the profile; use addNumeric`);
    addCodes(s, codes, levels);
  }

  /** Adds labels of one categorical feature (null/undefined = missing). */
  addLabels(name: string, labels: readonly (string | null | undefined)[]): void {
    const { codes, levels } = encodeLabels(labels);
    this.addCategorical(name, codes, levels);
  }

  /** Adds the model's predictions for the window: numbers, labels, or a Table column. */
  addPredictions(predictions: ArrayLike<number> | readonly (string | null | undefined)[] | Column): void {
    const s = this.state(PREDICTION_FEATURE);
    if (typeof predictions === 'object' && predictions !== null && 'type' in predictions && 'name' in predictions) {
      addColumn(s, predictions as Column);
    } else if (s.kind === 'categorical') {
      const labels = Array.from(predictions as ArrayLike<unknown>, (p) => (p === null || p === undefined ? null : String(p)));
      const { codes, levels } = encodeLabels(labels);
      addCodes(s, codes, levels);
    } else {
      addNumericValues(s, predictions as ArrayLike<number>);
    }
  }

  /** Per-feature state, in profile order. */
  features(): WindowFeatureState[] {
    return [...this.states.values()];
  }

  feature(name: string): WindowFeatureState {
    return this.state(name);
  }

  prediction(): WindowFeatureState | undefined {
    return this.predictionState;
  }

  /** Rows in the window: the most rows any feature has received. */
  get rows(): number {
    let r = 0;
    for (const s of this.states.values()) r = Math.max(r, s.rows);
    return r;
  }
}
