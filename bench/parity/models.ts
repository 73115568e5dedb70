/**
 * Parity check of Bosun's models against scikit-learn on the shared real datasets.
 *
 *   npx tsx bench/parity/models.ts            (needs python3 with scikit-learn; BOSUN_PYTHON overrides)
 *
 * For each dataset: standardise, split 75/25 with a fixed seed, fit Bosun's linear model and GBDT, run
 * bench/parity/models.py on the identical matrices, and print both test metrics and their gaps. Exits
 * non-zero when a gap exceeds the goal (logistic AUC 0.01, GBDT 0.02; RMSE relative 2%).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { matrix, type Matrix } from '../../src/ml/matrix';
import { fitModel, type Model } from '../../src/ml/model';
import { resolveParams } from '../../src/ml/params';
import { createRng } from '../../src/ml/random';
import type { Task } from '../../src/ml/task';
import type { LogisticModel } from '../../src/ml/logistic';
import type { LinearModel } from '../../src/ml/linear';
import type { GbdtModel } from '../../src/ml/gbdt';

const DATA_DIR = process.env.BOSUN_DATA_DIR ?? '/work/shared/data';
const PYTHON = process.env.BOSUN_PYTHON ?? 'python3';
const SEED = 42;
const here = dirname(fileURLToPath(import.meta.url));

interface Dataset {
  file: string;
  target: string;
  kind: 'classification' | 'regression';
}

const DATASETS: Dataset[] = [
  { file: 'breast_cancer.csv', target: 'diagnosis', kind: 'classification' },
  { file: 'wine.csv', target: 'cultivar', kind: 'classification' },
  { file: 'fair.csv', target: 'affairs', kind: 'regression' },
];

interface Prepared {
  task: Task;
  Xtrain: Matrix;
  ytrain: Float64Array;
  Xtest: Matrix;
  ytest: Float64Array;
}

/** Stand-in for the feature module: numeric columns, mean imputation and z-scores from the training rows. */
function prepare(ds: Dataset): Prepared {
  const records = parse(readFileSync(join(DATA_DIR, ds.file), 'utf8'), { columns: true, skip_empty_lines: true }) as Record<
    string,
    string
  >[];
  const features = Object.keys(records[0]).filter((c) => c !== ds.target);
  const n = records.length;
  const p = features.length;

  let task: Task;
  const y = new Float64Array(n);
  if (ds.kind === 'regression') {
    task = { kind: 'regression' };
    records.forEach((r, i) => (y[i] = Number(r[ds.target])));
  } else {
    const classes = [...new Set(records.map((r) => r[ds.target]))].sort();
    task = classes.length === 2 ? { kind: 'binary', classes: [classes[0], classes[1]] } : { kind: 'multiclass', classes };
    records.forEach((r, i) => (y[i] = classes.indexOf(r[ds.target])));
  }

  const order = createRng(SEED).permutation(n);
  const nTest = Math.round(n * 0.25);
  const testRows = order.subarray(0, nTest);
  const trainRows = order.subarray(nTest);
  const raw = (i: number, j: number): number => {
    const v = Number(records[i][features[j]]);
    return records[i][features[j]] === '' || Number.isNaN(v) ? NaN : v;
  };
  const mean = new Float64Array(p);
  const sd = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    let s = 0;
    let c = 0;
    for (const i of trainRows) {
      if (Number.isNaN(raw(i, j))) continue;
      s += raw(i, j);
      c++;
    }
    mean[j] = c > 0 ? s / c : 0;
    let ss = 0;
    for (const i of trainRows) ss += ((Number.isNaN(raw(i, j)) ? mean[j] : raw(i, j)) - mean[j]) ** 2;
    sd[j] = Math.sqrt(ss / trainRows.length) || 1;
  }
  const build = (rows: Int32Array): [Matrix, Float64Array] => {
    const X = matrix(rows.length, p);
    const yy = new Float64Array(rows.length);
    rows.forEach((row, r) => {
      for (let j = 0; j < p; j++) {
        const v = raw(row, j);
        X.data[r * p + j] = ((Number.isNaN(v) ? mean[j] : v) - mean[j]) / sd[j];
      }
      yy[r] = y[row];
    });
    return [X, yy];
  };
  const [Xtrain, ytrain] = build(trainRows);
  const [Xtest, ytest] = build(testRows);
  return { task, Xtrain, ytrain, Xtest, ytest };
}

function auc(score: Float64Array, positive: (i: number) => boolean): number {
  const idx = Array.from(score.keys()).sort((a, b) => score[a] - score[b]);
  let rankSum = 0;
  let nPos = 0;
  for (let r = 0; r < idx.length; ) {
    let e = r;
    while (e + 1 < idx.length && score[idx[e + 1]] === score[idx[r]]) e++;
    const avgRank = (r + e) / 2 + 1;
    for (let q = r; q <= e; q++) {
      if (!positive(idx[q])) continue;
      rankSum += avgRank;
      nPos++;
    }
    r = e + 1;
  }
  const nNeg = idx.length - nPos;
  return (rankSum - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}

/** ROC-AUC (binary), macro one-vs-rest AUC (multiclass) or RMSE, as the python side computes. */
function metric(task: Task, y: Float64Array, pred: Float64Array): { name: string; value: number } {
  if (task.kind === 'regression') {
    let s = 0;
    for (let i = 0; i < y.length; i++) s += (pred[i] - y[i]) ** 2;
    return { name: 'rmse', value: Math.sqrt(s / y.length) };
  }
  const k = task.classes.length;
  const column = (c: number): Float64Array => Float64Array.from(y, (_, i) => pred[i * k + c]);
  if (task.kind === 'binary') return { name: 'roc_auc', value: auc(column(1), (i) => y[i] === 1) };
  let sum = 0;
  for (let c = 0; c < k; c++) sum += auc(column(c), (i) => y[i] === c);
  return { name: 'roc_auc_ovr_macro', value: sum / k };
}

function rows(X: Matrix): number[][] {
  return Array.from({ length: X.rows }, (_, i) => Array.from(X.data.subarray(i * X.cols, (i + 1) * X.cols)));
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

interface SkModel {
  metric: string;
  value: number;
  fit_seconds: number;
  predictions: number[] | number[][];
  coef?: number[][];
  intercept?: number[];
  n_iter?: number;
}

function runPython(file: string): { models: Record<string, SkModel> } {
  try {
    // One thread: sklearn's OpenMP pool on a shared machine makes its timings meaningless otherwise.
    const env = { ...process.env, OMP_NUM_THREADS: process.env.OMP_NUM_THREADS ?? '1' };
    return JSON.parse(
      execFileSync(PYTHON, [join(here, 'models.py'), file], { encoding: 'utf8', env, stdio: ['ignore', 'pipe', 'pipe'] }),
    );
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(
      `the scikit-learn reference (${PYTHON} bench/parity/models.py) failed: ${err.stderr?.trim() || err.message}\n` +
        'It needs python3 with scikit-learn (pip install scikit-learn); set BOSUN_PYTHON to use another interpreter.',
    );
  }
}

function main(): void {
  const logistic = resolveParams('logistic_regression', {});
  const ridge = resolveParams('linear_regression', {});
  const gbdt = resolveParams('gbdt', {});
  const tmp = mkdtempSync(join(tmpdir(), 'bosun-parity-'));
  const lines: string[][] = [['dataset', 'model', 'metric', 'bosun', 'sklearn', 'diff', 'max |pred diff|', 'coef diff', 'fit s (bosun/sk)', 'ok']];
  let failed = false;
  try {
    for (const ds of DATASETS) {
      const d = prepare(ds);
      const file = join(tmp, `${ds.file}.json`);
      writeFileSync(
        file,
        JSON.stringify({
          task: d.task,
          Xtrain: rows(d.Xtrain),
          ytrain: Array.from(d.ytrain),
          Xtest: rows(d.Xtest),
          ytest: Array.from(d.ytest),
          seed: SEED,
          params: {
            logistic: { C: logistic.c, tol: logistic.tol, max_iter: logistic.maxIterations },
            ridge: { alpha: ridge.alpha },
            hgb: {
              learning_rate: gbdt.learningRate,
              max_iter: gbdt.maxIter,
              max_leaf_nodes: gbdt.maxLeafNodes,
              max_depth: gbdt.maxDepth,
              min_samples_leaf: gbdt.minSamplesLeaf,
              l2_regularization: gbdt.l2Regularization,
              max_bins: gbdt.maxBins,
              early_stopping: gbdt.earlyStopping,
              validation_fraction: gbdt.validationFraction,
              n_iter_no_change: gbdt.nIterNoChange,
              tol: gbdt.tol,
            },
          },
        }),
      );
      const sk = runPython(file);

      const linearName = d.task.kind === 'regression' ? 'linear_regression' : 'logistic_regression';
      const runs: [string, 'linear_regression' | 'logistic_regression' | 'gbdt', SkModel][] = [
        [d.task.kind === 'regression' ? 'ridge' : 'logistic', linearName, sk.models[d.task.kind === 'regression' ? 'ridge' : 'logistic']],
        ['gbdt', 'gbdt', sk.models.hgb],
      ];
      for (const [label, algorithm, ref] of runs) {
        const t0 = performance.now();
        const model: Model = fitModel({ algorithm }, d.Xtrain, d.ytrain, d.task, { seed: SEED });
        const seconds = (performance.now() - t0) / 1000;
        const pred = model.predict(d.Xtest);
        const ours = metric(d.task, d.ytest, pred);
        const diff = ours.value - ref.value;
        const tolerance = ours.name === 'rmse' ? 0.02 * ref.value : algorithm === 'gbdt' ? 0.02 : 0.01;
        const ok = Math.abs(diff) <= tolerance;
        failed ||= !ok;
        const refPred = (ref.predictions as (number | number[])[]).flat();
        let coefDiff = '';
        if (ref.coef && algorithm !== 'gbdt') {
          const m = model as LogisticModel | LinearModel;
          coefDiff = maxAbsDiff(m.coef, ref.coef.flat()).toExponential(1);
        }
        const iters = algorithm === 'gbdt' ? ` (${(model as GbdtModel).nIter}/${ref.n_iter} it)` : '';
        lines.push([
          ds.file.replace('.csv', ''),
          label + iters,
          ours.name,
          ours.value.toFixed(4),
          ref.value.toFixed(4),
          (diff >= 0 ? '+' : '') + diff.toFixed(4),
          maxAbsDiff(pred, refPred).toExponential(1),
          coefDiff,
          `${seconds.toFixed(2)}/${ref.fit_seconds.toFixed(2)}`,
          ok ? 'yes' : `NO (> ${tolerance.toPrecision(2)})`,
        ]);
      }
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  const widths = lines[0].map((_, c) => Math.max(...lines.map((l) => l[c].length)));
  for (const l of lines) console.log(l.map((cell, c) => cell.padEnd(widths[c])).join('  '));
  if (failed) {
    console.error('\nparity goal missed: see rows marked NO');
    process.exitCode = 1;
  }
}

main();
