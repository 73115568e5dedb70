/**
 * The seeded synthetic table of the training and ingest benches: `rows` rows of 20 numeric columns
 * (x0..x19, standard normal), 2 categorical columns (cat_a: 3 levels, cat_b: 5 levels) and a binary label
 * drawn from a logistic model with a known nonlinear part (an interaction, a sine, a step and a
 * category-by-number term), so gradient boosting beats logistic regression by a little.
 *
 *   syntheticTable(rows)   → path of the CSV (~400 bytes a row: numbers are written at full precision)
 *   syntheticMatrix(rows)  → the same rows as a float64 design matrix (the 20 numbers, then one-hot cat_a
 *                            and cat_b) plus the label, raw little-endian files for Node and np.fromfile
 *
 * Both come from one pass and are cached under $BOSUN_CACHE_DIR/bench-data (default ~/.cache/bosun):
 * generated only when missing, written to a temporary name and renamed, so a reader never sees half a file.
 * Every CSV number is String(double) and parses back to the matrix's exact double.
 */
import { closeSync, existsSync, mkdirSync, openSync, renameSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRng } from '../src/ml/random';

export const NUMERIC_COLUMNS = 20;
export const CAT_A = ['red', 'green', 'blue'];
export const CAT_B = ['north', 'south', 'east', 'west', 'centre'];
/** Columns of syntheticMatrix: the numbers, then one indicator per level of cat_a and cat_b. */
export const MATRIX_COLUMNS = NUMERIC_COLUMNS + CAT_A.length + CAT_B.length;
const SEED = 20240611;
/** Bump when the generator changes, so stale cached files are not reused. */
const VERSION = 2;

export interface SyntheticMatrix {
  rows: number;
  cols: number;
  /** rows × cols float64, row-major. */
  xPath: string;
  /** rows float64, 0 or 1. */
  yPath: string;
  featureNames: string[];
}

export function benchDataDir(): string {
  const cache = process.env.BOSUN_CACHE_DIR ?? path.join(os.homedir(), '.cache', 'bosun');
  return path.join(cache, 'bench-data');
}

function paths(rows: number) {
  const base = path.join(benchDataDir(), `synthetic-v${VERSION}-${rows}`);
  return { csv: `${base}.csv`, x: `${base}.x.f64`, y: `${base}.y.f64` };
}

/** Path of the CSV (header: x0..x19,cat_a,cat_b,label), generating it if missing. */
export function syntheticTable(rows = 1_000_000): string {
  ensure(rows);
  return paths(rows).csv;
}

export function syntheticMatrix(rows = 1_000_000): SyntheticMatrix {
  ensure(rows);
  const p = paths(rows);
  const featureNames = [
    ...Array.from({ length: NUMERIC_COLUMNS }, (_, j) => `x${j}`),
    ...CAT_A.map((l) => `cat_a=${l}`),
    ...CAT_B.map((l) => `cat_b=${l}`),
  ];
  return { rows, cols: MATRIX_COLUMNS, xPath: p.x, yPath: p.y, featureNames };
}

/** The label's log-odds: linear in most columns, plus the nonlinear terms a tree model can find. */
function logOdds(x: Float64Array, a: number, b: number): number {
  let s = -0.3;
  for (let j = 0; j < NUMERIC_COLUMNS; j++) s += LINEAR[j] * x[j];
  s += 0.45 * x[0] * x[1]; // interaction
  s += 0.5 * Math.sin(2 * x[2]); // periodic
  s += x[3] > 0.8 ? 0.6 : 0; // step
  s += 0.2 * x[4] * x[4] - 0.2; // curvature
  s += [0, 0.5, -0.5][a] + [0.3, -0.3, 0, 0.6, -0.6][b];
  s += a === 2 ? 0.4 * x[5] : 0; // category-by-number
  return s;
}
const LINEAR = [0.8, -0.6, 0.2, 0.5, 0.3, 0.4, -0.4, 0.35, -0.3, 0.25, -0.2, 0.15, 0.1, -0.1, 0.05, 0, 0, 0, 0, 0];

function ensure(rows: number): void {
  const p = paths(rows);
  if (existsSync(p.csv) && existsSync(p.x) && existsSync(p.y)) return;
  mkdirSync(benchDataDir(), { recursive: true });
  const started = Date.now();
  console.error(`[bench] generating the ${rows}-row synthetic table in ${benchDataDir()} (first run only)`);
  const tmp = { csv: `${p.csv}.${process.pid}.tmp`, x: `${p.x}.${process.pid}.tmp`, y: `${p.y}.${process.pid}.tmp` };
  const fd = { csv: openSync(tmp.csv, 'w'), x: openSync(tmp.x, 'w'), y: openSync(tmp.y, 'w') };
  const rng = createRng(SEED);
  const header = [...Array.from({ length: NUMERIC_COLUMNS }, (_, j) => `x${j}`), 'cat_a', 'cat_b', 'label'].join(',');
  writeSync(fd.csv, header + '\n');
  const CHUNK = 20_000;
  const x = new Float64Array(NUMERIC_COLUMNS);
  const xOut = new Float64Array(CHUNK * MATRIX_COLUMNS);
  const yOut = new Float64Array(CHUNK);
  for (let start = 0; start < rows; start += CHUNK) {
    const m = Math.min(CHUNK, rows - start);
    xOut.fill(0);
    let text = '';
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < NUMERIC_COLUMNS; j++) x[j] = rng.normal();
      const a = rng.int(CAT_A.length);
      const b = rng.int(CAT_B.length);
      const prob = 1 / (1 + Math.exp(-logOdds(x, a, b)));
      const label = rng.next() < prob ? 1 : 0;
      const o = i * MATRIX_COLUMNS;
      let line = '';
      for (let j = 0; j < NUMERIC_COLUMNS; j++) {
        xOut[o + j] = x[j];
        line += String(x[j]) + ',';
      }
      xOut[o + NUMERIC_COLUMNS + a] = 1;
      xOut[o + NUMERIC_COLUMNS + CAT_A.length + b] = 1;
      yOut[i] = label;
      text += `${line}${CAT_A[a]},${CAT_B[b]},${label}\n`;
    }
    writeSync(fd.csv, text);
    writeSync(fd.x, new Uint8Array(xOut.buffer, 0, m * MATRIX_COLUMNS * 8));
    writeSync(fd.y, new Uint8Array(yOut.buffer, 0, m * 8));
  }
  for (const f of Object.values(fd)) closeSync(f);
  renameSync(tmp.x, p.x);
  renameSync(tmp.y, p.y);
  renameSync(tmp.csv, p.csv); // last: its presence says the set is complete
  console.error(`[bench] synthetic table written in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const rows = Number(process.argv[2] ?? 1_000_000);
  console.log(syntheticTable(rows));
}
