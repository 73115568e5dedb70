/**
 * Parity check of Bosun's models against scikit-learn on the shared real datasets.
 *
 *   npx tsx bench/parity/models.ts            (scikit-learn from the bench's venv, bench/pyenv.ts)
 *
 * For each dataset: Bosun's own split and fitted features (as `features: 'auto'` runs them), fit Bosun's linear model and GBDT, run
 * bench/parity/models.py on the identical matrices, and print both test metrics and their gaps. Exits
 * non-zero when a gap exceeds the goal (logistic AUC 0.01, GBDT 0.02; RMSE relative 2%).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readTable } from '../../src/data/read';
import { randomSplit, stratifiedSplit } from '../../src/data/split';
import { takeRows } from '../../src/data/table';
import { fitFeatures, parseFeaturesSpec, transformTable } from '../../src/features';
import type { Matrix } from '../../src/ml/matrix';
import { rmse, rocAuc } from '../../src/ml/metrics';
import { encodeTarget, resolveTask } from '../../src/pipeline/target';
import { fitModel, type Model } from '../../src/ml/model';
import { resolveParams } from '../../src/ml/params';
import type { Task } from '../../src/ml/task';
import type { LogisticModel } from '../../src/ml/logistic';
import type { LinearModel } from '../../src/ml/linear';
import type { GbdtModel } from '../../src/ml/gbdt';
import { benchPython } from '../pyenv';

const DATA_DIR = process.env.BOSUN_DATA_DIR ?? join(dirname(fileURLToPath(import.meta.url)), '../../data');
const PYTHON = ((): string => {
  const py = benchPython();
  if (py.python === null) throw new Error(`the scikit-learn reference needs Python: ${py.why}`);
  return py.python;
})();
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
  { file: 'vote.csv', target: 'Class', kind: 'classification' },
  { file: 'fair.csv', target: 'affairs', kind: 'regression' },
];

interface Prepared {
  task: Task;
  Xtrain: Matrix;
  ytrain: Float64Array;
  Xtest: Matrix;
  ytest: Float64Array;
}

/**
 * Bosun's own preprocessing, as a pipeline with `features: 'auto'` and a stratified (or, for regression,
 * random) 75/25 split runs it: read, split, fit the transform graph on the training rows only, transform
 * both parts. scikit-learn then gets the identical matrices, so the comparison is of the models alone.
 */
async function prepare(ds: Dataset): Promise<Prepared> {
  const table = await readTable(readFileSync(join(DATA_DIR, ds.file)), { fileName: ds.file });
  const task = resolveTask({ target: ds.target, task: ds.kind === 'regression' ? 'regression' : undefined }, table);
  const { y } = encodeTarget(table, ds.target, task);
  const split = task.kind === 'regression' ? randomSplit(table.nrows, { testRatio: 0.25, seed: SEED }) : stratifiedSplit(table, ds.target, { testRatio: 0.25, seed: SEED });
  const train = takeRows(table, split.train);
  const fitted = fitFeatures(parseFeaturesSpec('auto'), train, { target: ds.target });
  const pick = (rows: Int32Array) => Float64Array.from(rows, (r) => y[r]);
  return { task, Xtrain: transformTable(fitted, train), ytrain: pick(split.train), Xtest: transformTable(fitted, takeRows(table, split.test)), ytest: pick(split.test) };
}

/** ROC-AUC (binary), macro one-vs-rest AUC (multiclass) or RMSE, as the python side computes. */
function metric(task: Task, y: Float64Array, pred: Float64Array): { name: string; value: number } {
  if (task.kind === 'regression') return { name: 'rmse', value: rmse(y, pred) };
  return { name: task.kind === 'binary' ? 'roc_auc' : 'roc_auc_ovr_macro', value: rocAuc(y, pred, task.classes.length) };
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
        `It runs in the bench's venv (bench/pyenv.ts); delete ${PYTHON.replace(/\/bin\/python$/, '')} to rebuild it.`,
    );
  }
}

async function main(): Promise<void> {
  const logistic = resolveParams('logistic_regression', {});
  const ridge = resolveParams('linear_regression', {});
  const gbdt = resolveParams('gbdt', {});
  const tmp = mkdtempSync(join(tmpdir(), 'bosun-parity-'));
  const lines: string[][] = [['dataset', 'model', 'metric', 'bosun', 'sklearn', 'diff', 'max |pred diff|', 'coef diff', 'fit s (bosun/sk)', 'ok']];
  let failed = false;
  try {
    for (const ds of DATASETS) {
      const d = await prepare(ds);
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

await main();
