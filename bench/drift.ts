/**
 * Drift assessment benchmark: a 1M-row × 100-column numeric window streamed in batches through the
 * DriftAccumulator and assessed against a reference profile built from another 1M × 100 synthetic set.
 * Only the window side is timed (addTable + assessDrift); data generation and profiling are not.
 *
 * For comparison, SciPy's ks_2samp runs per column on the same full data (bench/drift_scipy.py regenerates
 * it bit for bit from the same integer hash). Bosun compares a 5000-point reference summary against a
 * 10000-value reservoir sample, SciPy the full 1M vs 1M, so statistics differ by sampling noise (reported
 * as maxKsDiff), not by method. Target: <= 10 s for Bosun.
 *
 *     npx tsx bench/drift.ts
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { FloatColumn, Table } from '../src/data/table';
import { assessDrift } from '../src/drift/policy';
import { assembleDriftProfile, profileNumeric } from '../src/drift/profile';
import { DriftAccumulator } from '../src/drift/window';
import { benchPython } from './pyenv';

const REF_STREAM = 0x5eed0001;
const CUR_STREAM = 0x5eed0002;

export interface DriftBenchOptions {
  rows?: number;
  cols?: number;
  batchRows?: number;
  /** Run the SciPy comparison (from the bench venv, bench/pyenv.ts). Default true. */
  scipy?: boolean;
}

export interface DriftBenchResult {
  rows: number;
  cols: number;
  /** Bosun: streaming the window in + assessing it (wall clock). */
  seconds: number;
  /** CPU time of the same work: the fairer figure when other processes share the cores. */
  cpuSeconds: number;
  /** Peak resident memory of this process (the reference is built one column at a time, so it is the window side's). */
  peakRssMb: number;
  /** SciPy: sum of per-column ks_2samp times on the full data (wall clock). */
  scipySeconds?: number;
  scipyCpuSeconds?: number;
  scipyPeakRssMb?: number;
  /** Untimed: building the reference profile. */
  profileSeconds: number;
  /** Features Bosun flagged (the generator drifts every column with index ≡ 0 or 5 mod 10). */
  driftedFeatures: number;
  /** Largest |D_bosun − D_scipy| across columns. */
  maxKsDiff?: number;
  scipyNote?: string;
}

function hash32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

function uniform(row: number, col: number, k: number, stream: number): number {
  const key = ((row * 128 + col) * 4 + k) >>> 0;
  return (hash32((hash32(key) ^ stream) >>> 0) + 0.5) / 4294967296;
}

/** Fills out[i] with column `col` of rows start..start+out.length-1; mirrors drift_scipy.py's column(). */
function fillColumn(out: Float64Array, start: number, col: number, stream: number): void {
  const scale = 1 + (col % 7);
  const drift = stream === CUR_STREAM;
  const even = col % 2 === 0;
  const shift = drift && col % 10 === 0 ? 0.4 : 0;
  const factor = drift && col % 10 === 5 ? 1.5 : 1;
  for (let i = 0; i < out.length; i++) {
    const r = start + i;
    const u0 = uniform(r, col, 0, stream);
    const u1 = uniform(r, col, 1, stream);
    const u2 = uniform(r, col, 2, stream);
    out[i] = even ? (u0 + u1 + u2 - 1.5 + shift) * scale + col : u0 * u1 * u2 * scale * factor;
  }
}

function runScipy(rows: number, cols: number): { seconds: number; cpuSeconds: number; peakRssMb: number; statistics: number[] } | string {
  const script = fileURLToPath(new URL('./drift_scipy.py', import.meta.url));
  // The bench's own venv (bench/pyenv.ts), as the other references use: not whatever python3 is on PATH.
  const py = benchPython();
  if (py.python === null) return `SciPy comparison skipped: ${py.why}`;
  const res = spawnSync(py.python, [script, String(rows), String(cols)], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (res.error || res.status !== 0) {
    return `SciPy comparison failed: ${res.error?.message ?? res.stderr.trim().split('\n').pop()}`;
  }
  return JSON.parse(res.stdout);
}

export async function runDriftBench(options: DriftBenchOptions = {}): Promise<DriftBenchResult> {
  const rows = options.rows ?? 1_000_000;
  const cols = options.cols ?? 100;
  const batchRows = options.batchRows ?? 10_000;
  const names = Array.from({ length: cols }, (_, c) => `f${String(c).padStart(3, '0')}`);

  let t = performance.now();
  const refColumn = new Float64Array(rows);
  const features = names.map((name, c) => {
    fillColumn(refColumn, 0, c, REF_STREAM);
    return profileNumeric(name, refColumn);
  });
  const profile = assembleDriftProfile(features, { rows, createdAt: 'bench' });
  const profileSeconds = (performance.now() - t) / 1000;

  const acc = new DriftAccumulator(profile);
  const columns: FloatColumn[] = names.map((name) => ({ name, type: 'numeric', values: new Float64Array(batchRows) }));
  let timed = 0;
  let cpu = 0;
  const cpuNow = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  for (let start = 0; start < rows; start += batchRows) {
    const n = Math.min(batchRows, rows - start);
    const batch: Table = { nrows: n, columns: columns.map((c) => ({ ...c, values: c.values.subarray(0, n) })) };
    batch.columns.forEach((c, j) => fillColumn((c as FloatColumn).values, start, j, CUR_STREAM));
    t = performance.now();
    const c0 = cpuNow();
    acc.addTable(batch);
    timed += performance.now() - t;
    cpu += cpuNow() - c0;
  }
  t = performance.now();
  const c = cpuNow();
  const report = assessDrift(profile, acc, {});
  timed += performance.now() - t;
  cpu += cpuNow() - c;
  const peakRssMb = process.resourceUsage().maxRSS / 1024;

  const result: DriftBenchResult = { rows, cols, seconds: timed / 1000, cpuSeconds: cpu / 1000, peakRssMb, profileSeconds, driftedFeatures: report.driftedFeatures.length };
  if (options.scipy !== false) {
    const scipy = runScipy(rows, cols);
    if (typeof scipy === 'string') {
      result.scipyNote = scipy;
    } else {
      result.scipySeconds = scipy.seconds;
      result.scipyCpuSeconds = scipy.cpuSeconds;
      result.scipyPeakRssMb = scipy.peakRssMb;
      result.maxKsDiff = Math.max(...report.features.map((f, i) => Math.abs((f.ks ?? NaN) - scipy.statistics[i])));
    }
  }
  return result;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const r = await runDriftBench();
  const fmt = (x: number | undefined, d = 2) => (x === undefined ? '-' : x.toFixed(d));
  console.log(`drift bench: ${r.rows.toLocaleString('en-US')} rows x ${r.cols} numeric columns (reference profile built in ${fmt(r.profileSeconds, 1)} s, untimed)`);
  console.table([
    { engine: 'bosun (stream + assess)', seconds: fmt(r.seconds), cpuSeconds: fmt(r.cpuSeconds), peakRssMb: fmt(r.peakRssMb, 0) },
    { engine: 'scipy ks_2samp per column', seconds: fmt(r.scipySeconds), cpuSeconds: fmt(r.scipyCpuSeconds), peakRssMb: fmt(r.scipyPeakRssMb, 0) },
  ]);
  console.log(`bosun flagged ${r.driftedFeatures}/${r.cols} features (20 drifted by construction); max |D_bosun - D_scipy| = ${fmt(r.maxKsDiff, 4)}`);
  if (r.scipyNote) console.log(r.scipyNote);
}
