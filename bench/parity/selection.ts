/**
 * Does the pipeline `bosun init` writes win? For each dataset: the split the written pipeline makes (stratified, or
 * random for regression; 25% test; seed 42), `features: 'auto'` fitted on the training rows, and the written model
 * section (initModelSection: logistic/linear regression and GBDT over small grids, 5-fold cross-validation below
 * 20 000 training rows) run through the same selection code as the train stage: every trial scored by crossValidate
 * on folds from validationFolds, the best refitted on the whole training split. Its test-split score is compared with
 * the better of scikit-learn's LogisticRegression (LinearRegression for regression) and HistGradientBoosting, each with
 * its default preprocessing (bench/parity/selection.py), fitted on the same training rows. The test rows are never
 * seen by either side before scoring.
 *
 * Datasets: the four in ../shared/data (fair.csv twice: its continuous target, and "affairs > 0" as a binary one), and
 * two bundled with scikit-learn: digits (10 classes, 64 pixel features) and diabetes (regression).
 *
 * Target: within 0.01 ROC-AUC (macro one-vs-rest for several classes) of the better reference; for regression, RMSE
 * within 2% of the better one. Exits non-zero when a dataset misses it.
 *
 *     npx tsx bench/parity/selection.ts
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { initModelSection } from '../../src/cli/init';
import { readTable } from '../../src/data/read';
import { randomSplit, stratifiedSplit } from '../../src/data/split';
import { takeRows as takeTableRows, type Table } from '../../src/data/table';
import { fitFeatures, parseFeaturesSpec, transformTable } from '../../src/features';
import { crossValidate, validationFolds } from '../../src/ml/crossValidation';
import { higherIsBetter, rmse, rocAuc, type MetricName } from '../../src/ml/metrics';
import { fitModel } from '../../src/ml/model';
import { createRng } from '../../src/ml/random';
import { pickBest } from '../../src/ml/search';
import { expandSelection } from '../../src/ml/selection';
import { encodeTarget, resolveTask } from '../../src/pipeline/target';
import { benchPython } from '../pyenv';

const here = dirname(fileURLToPath(import.meta.url));
const SHARED = process.env.BOSUN_DATA_DIR ?? join(here, '../../../shared/data');
const SEED = 42;

interface Dataset {
  name: string;
  /** The CSV's bytes and its target column. */
  load: (tmp: string, python: string) => { csv: Buffer; target: string };
  regression?: boolean;
}

const shared = (file: string, target: string) => () => ({ csv: readSharedOrRepo(file), target });
const DATASETS: Dataset[] = [
  { name: 'breast_cancer', load: shared('breast_cancer.csv', 'diagnosis') },
  { name: 'wine', load: shared('wine.csv', 'cultivar') },
  { name: 'vote', load: shared('vote.csv', 'Class') },
  { name: 'fair (affairs > 0)', load: () => ({ csv: fairBinary(), target: 'had_affair' }) },
  { name: 'fair', load: shared('fair.csv', 'affairs'), regression: true },
  { name: 'digits (sklearn)', load: (tmp, py) => ({ csv: exported(py, 'digits', tmp), target: 'target' }) },
  { name: 'diabetes (sklearn)', load: (tmp, py) => ({ csv: exported(py, 'diabetes', tmp), target: 'target' }), regression: true },
];

function readSharedOrRepo(file: string): Buffer {
  try {
    return readFileSync(join(SHARED, file));
  } catch {
    return readFileSync(join(here, '../../data', file)); // the repository's copy, beside a clone elsewhere
  }
}

/** fair.csv with `affairs` replaced by had_affair = yes/no: a binary task on 6 366 rows. */
function fairBinary(): Buffer {
  const lines = readSharedOrRepo('fair.csv').toString('utf8').trim().split(/\r?\n/);
  const header = lines[0].split(',');
  const at = header.findIndex((h) => h.replace(/"/g, '') === 'affairs');
  const out = [[...header.filter((_, i) => i !== at), 'had_affair'].join(',')];
  for (const line of lines.slice(1)) {
    const cells = line.split(',');
    out.push([...cells.filter((_, i) => i !== at), Number(cells[at]) > 0 ? 'yes' : 'no'].join(','));
  }
  return Buffer.from(out.join('\n') + '\n');
}

function exported(python: string, name: string, tmp: string): Buffer {
  const file = join(tmp, `${name}.csv`);
  execFileSync(python, [join(here, 'selection.py'), 'export', name, file], { stdio: ['ignore', 'ignore', 'inherit'] });
  return readFileSync(file);
}

/** The raw columns as the reference reads them: numbers (null = missing) or level strings. */
function rawColumns(table: Table, target: string) {
  return table.columns
    .filter((c) => c.name !== target)
    .map((c) =>
      'values' in c
        ? { name: c.name, type: 'numeric', values: Array.from(c.values, (v) => (Number.isNaN(v) ? null : v)) }
        : { name: c.name, type: 'categorical', values: Array.from(c.codes, (k) => (k < 0 ? null : c.levels[k])) },
    );
}

interface Outcome {
  dataset: string;
  metric: string;
  bosun: number;
  winner: string;
  folds: number;
  trials: number;
  references: Record<string, number>;
  ok: boolean;
  tolerance: string;
}

async function evaluate(ds: Dataset, python: string, tmp: string): Promise<Outcome> {
  const { csv, target } = ds.load(tmp, python);
  const table = await readTable(csv, { fileName: `${ds.name}.csv` });
  const task = resolveTask({ target, task: ds.regression ? 'regression' : undefined }, table);
  const { y } = encodeTarget(table, target, task);
  const split = task.kind === 'regression' ? randomSplit(table.nrows, { testRatio: 0.25, seed: SEED }) : stratifiedSplit(table, target, { testRatio: 0.25, seed: SEED });
  const train = takeTableRows(table, split.train);
  const fitted = fitFeatures(parseFeaturesSpec('auto'), train, { target });
  const Xtrain = transformTable(fitted, train);
  const Xtest = transformTable(fitted, takeTableRows(table, split.test));
  const ytrain = Float64Array.from(split.train, (r) => y[r]);
  const ytest = Float64Array.from(split.test, (r) => y[r]);

  // The same steps as planTrials → trainTrial → trainStage, in process.
  const section = initModelSection(task.kind);
  const metric = section.metric as MetricName;
  const folds = validationFolds(Xtrain.rows, section.cv, createRng(SEED), task.kind === 'regression' ? undefined : ytrain);
  const candidates = expandSelection(section, SEED);
  const scores: number[] = [];
  for (const c of candidates) scores.push((await crossValidate(Xtrain, ytrain, folds, metric, (X, yy) => fitModel(c, X, yy, task, { seed: SEED }))).score);
  const best = pickBest(candidates, (_, i) => scores[i], higherIsBetter(metric) ? 'higher' : 'lower');
  const model = fitModel(best.item, Xtrain, ytrain, task, { seed: SEED });
  const pred = model.predict(Xtest);
  const bosun = task.kind === 'regression' ? rmse(ytest, pred) : rocAuc(ytest, pred, task.classes.length);

  const file = join(tmp, 'data.json');
  writeFileSync(file, JSON.stringify({ kind: task.kind, seed: SEED, columns: rawColumns(table, target), y: Array.from(y), train: Array.from(split.train), test: Array.from(split.test) }));
  const env = { ...process.env, OMP_NUM_THREADS: process.env.OMP_NUM_THREADS ?? '1' };
  const ref = JSON.parse(execFileSync(python, [join(here, 'selection.py'), file], { encoding: 'utf8', env, stdio: ['ignore', 'pipe', 'inherit'] })) as { metric: string; models: Record<string, number> };
  const values = Object.values(ref.models);
  const ok = task.kind === 'regression' ? bosun <= Math.min(...values) * 1.02 : bosun >= Math.max(...values) - 0.01;
  const params = Object.entries(best.item.params).map(([k, v]) => `${k}=${v}`).join(' ');
  return {
    dataset: ds.name,
    metric: ref.metric,
    bosun,
    winner: `${best.item.algorithm}${params ? ` ${params}` : ''}`,
    folds: folds.length,
    trials: candidates.length,
    references: ref.models,
    ok,
    tolerance: task.kind === 'regression' ? '≤ best × 1.02' : '≥ best − 0.01',
  };
}

export async function runSelectionParity(): Promise<Outcome[]> {
  const py = benchPython();
  if (py.python === null) throw new Error(`the scikit-learn reference needs Python: ${py.why}`);
  const tmp = mkdtempSync(join(tmpdir(), 'bosun-selection-'));
  try {
    const out: Outcome[] = [];
    for (const ds of DATASETS) out.push(await evaluate(ds, py.python, tmp));
    return out;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const results = await runSelectionParity();
  const lines = [['dataset', 'metric', 'bosun init', 'sklearn LR', 'sklearn HGB', 'target', 'ok', 'winner (cv folds × trials)']];
  for (const r of results) {
    const [linear, hgb] = [r.references.logistic ?? r.references.linear, r.references.hgb];
    lines.push([r.dataset, r.metric, r.bosun.toFixed(4), linear.toFixed(4), hgb.toFixed(4), r.tolerance, r.ok ? 'yes' : 'NO', `${r.winner} (${r.folds} × ${r.trials})`]);
  }
  const widths = lines[0].map((_, c) => Math.max(...lines.map((l) => l[c].length)));
  for (const l of lines) console.log(l.map((cell, c) => cell.padEnd(widths[c])).join('  '));
  if (results.some((r) => !r.ok)) {
    console.error('\nselection goal missed: see rows marked NO');
    process.exitCode = 1;
  }
}
