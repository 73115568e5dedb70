/**
 * Metrics per slice of the evaluation set, and fairness gaps across the slices of each column.
 *
 * A model can look fine overall while failing one group; slicing by chosen columns shows that, and the
 * fairness gaps (binary tasks) turn it into numbers the gates can check.
 */
import { getColumn, isFloatColumn, MISSING_CODE, type Column, type Table } from '../data/table';
import { computeMetrics, predictedClasses, type Metrics, type MetricsTask } from '../ml/metrics';
import { quantileSorted } from '../stats/quantile';

export interface SliceOptions {
  /** Columns of the table to slice by. */
  columns: string[];
  /** Quantile buckets for numeric and datetime columns (default 4). */
  numericBuckets?: number;
  /** Slices with fewer rows get no metrics and stay out of the fairness gaps (default 30). */
  minSize?: number;
  /** Binary only: class 1 is predicted when its probability is ≥ threshold (default: most probable class). */
  threshold?: number;
}

export interface Slice {
  label: string;
  size: number;
  /** False when the slice is below minSize: too few rows for its metrics to mean anything. */
  evaluated: boolean;
  /** Scalar metrics, confusion matrix and per-class scores (no curves); null when not evaluated. */
  metrics: Metrics | null;
  /** Binary only: share of rows predicted positive. */
  positiveRate?: number;
  /** Binary only: share of actual positives predicted positive; NaN when the slice has no positives. */
  truePositiveRate?: number;
}

export interface FairnessGap {
  /** max − min positive-prediction rate across evaluated slices; NaN with fewer than 2 such slices. */
  demographicParityDiff: number;
  /** max − min true-positive rate across evaluated slices that contain positives; NaN with fewer than 2. */
  equalOpportunityDiff: number;
  /** Labels of the slices with the highest and lowest rates, to say who the gap is between. */
  demographicParity: { highest: string; lowest: string } | null;
  equalOpportunity: { highest: string; lowest: string } | null;
}

export interface ColumnSlices {
  column: string;
  kind: 'categorical' | 'numeric';
  slices: Slice[];
  /** Binary classification only. */
  fairness: FairnessGap | null;
}

export interface SliceReport {
  task: MetricsTask;
  minSize: number;
  columns: ColumnSlices[];
}

export const MISSING_LABEL = '(missing)';

/**
 * @param yTrue one target per table row (class index for classification)
 * @param predictions probabilities rows × k (classification) or values (regression), as predict() returns them
 */
export function computeSlices(
  table: Table,
  yTrue: Float64Array,
  predictions: Float64Array,
  task: MetricsTask,
  options: SliceOptions,
): SliceReport {
  const n = table.nrows;
  const minSize = options.minSize ?? 30;
  const buckets = options.numericBuckets ?? 4;
  if (yTrue.length !== n) {
    throw new Error(`computeSlices: the table has ${n} rows but there are ${yTrue.length} targets; pass the targets of the same rows`);
  }
  if (!Number.isInteger(buckets) || buckets < 1) {
    throw new Error(`computeSlices: numericBuckets must be a positive integer, got ${buckets}`);
  }
  const k = task === 'classification' ? predictions.length / n : 1;
  if (!Number.isInteger(k) || (task === 'classification' && k < 2)) {
    throw new Error(
      `computeSlices: ${predictions.length} predictions for ${n} rows; expected rows × k probabilities (classification) ` +
        'or one value per row (regression)',
    );
  }
  if (task === 'regression' && predictions.length !== n) {
    throw new Error(`computeSlices: regression needs one prediction per row: ${predictions.length} for ${n} rows`);
  }
  const binary = task === 'classification' && k === 2;
  const predictedPositive = binary ? predictedClasses(predictions, 2, options.threshold) : null;

  const columns = options.columns.map((name): ColumnSlices => {
    let col: Column;
    try {
      col = getColumn(table, name);
    } catch (e) {
      throw new Error(`computeSlices: cannot slice by ${(e as Error).message}`);
    }
    const groups = isFloatColumn(col) && col.type !== 'boolean' ? quantileGroups(col.values, buckets, col.type) : levelGroups(col);
    const slices = groups.map((g): Slice => {
      const size = g.rows.length;
      const slice: Slice = { label: g.label, size, evaluated: size >= minSize && size > 0, metrics: null };
      if (!slice.evaluated) return slice;
      const y = gather(yTrue, g.rows, 1);
      slice.metrics = computeMetrics(task, y, gather(predictions, g.rows, k), { threshold: options.threshold, curves: false });
      if (predictedPositive) Object.assign(slice, rates(y, gather(predictedPositive, g.rows, 1)));
      return slice;
    });
    return {
      column: name,
      kind: isFloatColumn(col) && col.type !== 'boolean' ? 'numeric' : 'categorical',
      slices,
      fairness: binary ? fairnessGap(slices) : null,
    };
  });
  return { task, minSize, columns };
}

interface Group {
  label: string;
  rows: number[];
}

function levelGroups(col: Column): Group[] {
  if (isFloatColumn(col)) {
    // boolean columns: 0/1 with NaN missing
    const groups: Group[] = [
      { label: 'false', rows: [] },
      { label: 'true', rows: [] },
      { label: MISSING_LABEL, rows: [] },
    ];
    col.values.forEach((v, i) => groups[Number.isNaN(v) ? 2 : v ? 1 : 0].rows.push(i));
    return groups.filter((g) => g.rows.length > 0);
  }
  const groups: Group[] = col.levels.map((label) => ({ label, rows: [] }));
  const missing: Group = { label: MISSING_LABEL, rows: [] };
  col.codes.forEach((c, i) => (c === MISSING_CODE ? missing : groups[c]).rows.push(i));
  return [...groups, missing].filter((g) => g.rows.length > 0);
}

/** Bucket edges (minimum, quantiles, maximum) by the shared quantile, ties collapsed so no bucket is empty by construction. */
export function quantileEdges(values: Float64Array, buckets: number): number[] {
  const sorted = values.filter((v) => !Number.isNaN(v)).sort();
  if (sorted.length === 0) return [];
  const edges: number[] = [];
  for (let j = 0; j <= buckets; j++) {
    const e = quantileSorted(sorted, j / buckets);
    if (edges.length === 0 || e > edges[edges.length - 1]) edges.push(e);
  }
  return edges;
}

function quantileGroups(values: Float64Array, buckets: number, type: 'numeric' | 'datetime'): Group[] {
  const edges = quantileEdges(values, buckets);
  const fmt = type === 'datetime' ? (v: number) => new Date(v).toISOString().slice(0, 10) : formatEdge;
  const groups: Group[] =
    edges.length <= 1
      ? [{ label: edges.length === 1 ? `= ${fmt(edges[0])}` : '', rows: [] }]
      : edges.slice(1).map((hi, b) => ({ label: `${b === 0 ? '[' : '('}${fmt(edges[b])}, ${fmt(hi)}]`, rows: [] }));
  const missing: Group = { label: MISSING_LABEL, rows: [] };
  values.forEach((v, i) => {
    if (Number.isNaN(v)) {
      missing.rows.push(i);
      return;
    }
    // bucket b holds (edges[b], edges[b+1]]; the first also holds its lower edge
    let b = 0;
    while (b < groups.length - 1 && v > edges[b + 1]) b++;
    groups[b].rows.push(i);
  });
  return [...groups, missing].filter((g) => g.rows.length > 0);
}

function formatEdge(v: number): string {
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(4)));
}

function gather(values: Float64Array, rows: number[], width: number): Float64Array {
  const out = new Float64Array(rows.length * width);
  rows.forEach((r, i) => {
    for (let c = 0; c < width; c++) out[i * width + c] = values[r * width + c];
  });
  return out;
}

function rates(y: Float64Array, predicted: Float64Array): { positiveRate: number; truePositiveRate: number } {
  let predPos = 0;
  let actualPos = 0;
  let truePos = 0;
  for (let i = 0; i < y.length; i++) {
    if (predicted[i] === 1) predPos++;
    if (y[i] === 1) {
      actualPos++;
      if (predicted[i] === 1) truePos++;
    }
  }
  return { positiveRate: predPos / y.length, truePositiveRate: actualPos === 0 ? NaN : truePos / actualPos };
}

function spread(slices: Slice[], pick: (s: Slice) => number | undefined): { diff: number; extremes: { highest: string; lowest: string } | null } {
  const eligible = slices.filter((s) => s.evaluated && !Number.isNaN(pick(s) ?? NaN));
  // one group alone has nothing to be unfair against; report "unknown" rather than a reassuring 0
  if (eligible.length < 2) return { diff: NaN, extremes: null };
  let hi = eligible[0];
  let lo = eligible[0];
  for (const s of eligible) {
    if (pick(s)! > pick(hi)!) hi = s;
    if (pick(s)! < pick(lo)!) lo = s;
  }
  return { diff: pick(hi)! - pick(lo)!, extremes: { highest: hi.label, lowest: lo.label } };
}

function fairnessGap(slices: Slice[]): FairnessGap {
  const dp = spread(slices, (s) => s.positiveRate);
  const eo = spread(slices, (s) => s.truePositiveRate);
  return {
    demographicParityDiff: dp.diff,
    equalOpportunityDiff: eo.diff,
    demographicParity: dp.extremes,
    equalOpportunity: eo.extremes,
  };
}
