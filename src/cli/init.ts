/** `bosun init --from <csv> --target <column>`: writes a working pipeline file from a data file. */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { readTable } from '../data/read';
import { schemaOf } from '../data/schema';
import { randomSplit, stratifiedSplit } from '../data/split';
import type { Table } from '../data/table';
import { nearestName } from '../features';
import type { SelectionSpec } from '../ml/selection';
import { AUTO_CV_MAX_ROWS, type ModelSpec } from '../ml/spec';
import type { Task } from '../ml/task';
import { encodeTarget, resolveTask } from '../pipeline/target';
import { CliError } from './output';

export interface InitOptions {
  from: string;
  target: string;
  name?: string;
  out?: string;
  force?: boolean;
}

/** Fewer test rows than this in a class (or in all, for regression) and the primary metric is noise or undefined. */
export const MIN_TEST_ROWS_PER_CLASS = 5;
const TEST_SIZE = 0.25;
const SEED = 42;

export async function initCommand(o: InitOptions, warn: (message: string) => void = (m) => console.error(`bosun: warning: ${m}`)): Promise<string> {
  const file = path.resolve(o.from);
  if (!existsSync(file)) throw new CliError(`--from ${o.from}: file not found`);
  const table = await readTable(await readFile(file), { fileName: path.basename(file) });
  const schema = schemaOf(table);
  const names = schema.columns.map((c) => c.name);
  if (!names.includes(o.target)) {
    const near = nearestName(o.target, names);
    throw new CliError(`--target ${o.target}: no such column${near ? `; did you mean "${near}"?` : ''} (columns: ${names.join(', ')})`);
  }
  // Pipeline names are lowercase with dashes (the spec refuses anything else): derive one, or say how to fix it.
  const name = o.name === undefined ? slug(path.basename(file).replace(/\.[^.]+$/, '')) : checkedName(o.name);
  const out = path.resolve(o.out ?? path.join('pipelines', `${name}.ts`));
  if (existsSync(out) && !o.force) throw new CliError(`${out} exists; pass --force to overwrite it`);
  const task = resolveTask({ target: o.target }, table);
  const source = path.relative(path.dirname(out), file) || path.basename(file);
  const primary = task.kind === 'regression' ? 'rmse' : task.kind === 'binary' ? 'roc_auc' : 'accuracy';
  const modelSection = initModelSection(task.kind);
  const searchMetric = modelSection.metric;
  const importPath = path.relative(path.dirname(out), path.resolve(import.meta.dirname, '../pipeline/spec')).replace(/\\/g, '/');
  const text = `// Written by \`bosun init --from ${o.from} --target ${o.target}\`. Edit freely: it is plain TypeScript.
import { definePipeline } from '${importPath.startsWith('.') ? importPath : `./${importPath}`}';

// Columns found: ${schema.columns.map((c) => `${c.name} (${c.type}${c.nullable ? ', nullable' : ''})`).join(', ')}
export default definePipeline({
  name: '${name}',
  source: '${source}',
  target: '${o.target}',${task.kind === 'regression' ? "\n  task: 'regression'," : ''}
  seed: 42,
  // Feature transforms are inferred from the column types (impute, standardize, one-hot); list steps to take control.
  features: 'auto',
  split: { strategy: '${task.kind === 'regression' ? 'random' : 'stratified'}', testSize: 0.25 },
  // Tries a linear model and gradient-boosted trees, each over a small grid, ranks every trial by ${searchMetric}
  // (5-fold cross-validation inside the training split below ${AUTO_CV_MAX_ROWS} rows, a 20% holdout above: cv 'auto'),
  // then refits the winner on the whole training split. The test split is only for evaluation.
  // For one fixed model instead: model: { algorithm: 'gbdt', params: { maxIter: 100 } }.
  model: ${renderModel(modelSection)},
  evaluation: { primaryMetric: '${primary}' },
  // Who may approve promotion to production, and how many approvals it takes.
  approval: { required: 1, fourEyes: false },
});
`;
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, text);
  for (const w of smallTestSplitWarnings(table, o.target, task, primary)) warn(w);
  return out;
}

/**
 * The split the written pipeline will make (same strategy, test size and seed), checked for enough rows to
 * compute its primary metric: an undefined primary metric is never blessed, so say so before the first run.
 */
export function smallTestSplitWarnings(table: Table, target: string, task: Task, primary: string): string[] {
  const fix = `add data, or raise split.testSize in the pipeline (now ${TEST_SIZE})`;
  if (task.kind === 'regression') {
    const test = randomSplit(table.nrows, { testRatio: TEST_SIZE, seed: SEED }).test.length;
    return test < MIN_TEST_ROWS_PER_CLASS ? [`the test split would hold only ${test} of ${table.nrows} rows: too few to measure ${primary} reliably; ${fix}`] : [];
  }
  let test: Int32Array;
  try {
    test = stratifiedSplit(table, target, { testRatio: TEST_SIZE, seed: SEED }).test;
  } catch {
    return []; // too many classes to stratify: the run's own split reports that
  }
  const { y } = encodeTarget(table, target, task);
  const perClass = task.classes.map(() => 0);
  for (const i of test) if (!Number.isNaN(y[i])) perClass[y[i]]++;
  const small = task.classes.map((c, k) => ({ c, n: perClass[k] })).filter((x) => x.n < MIN_TEST_ROWS_PER_CLASS);
  if (small.length === 0) return [];
  const list = small.map((x) => `${x.n} of class "${x.c}"`).join(', ');
  const undefinedNow = small.some((x) => x.n === 0);
  const consequence = undefinedNow
    ? `${primary} cannot be computed when a class is missing from the test split, and a model without its primary metric is never blessed`
    : `fewer than ${MIN_TEST_ROWS_PER_CLASS} rows of a class make ${primary} unreliable, and it may be undefined (never blessed)`;
  return [`the test split (${TEST_SIZE * 100}% of ${table.nrows} rows) would hold only ${list}: ${consequence}; ${fix}`];
}

/**
 * The model section `bosun init` writes: both algorithm families, small grids around their usual defaults, cross-validated
 * on small data. The grids are few points on purpose: every point is a fit (five, under cross-validation).
 */
export function initModelSection(kind: Task['kind']): SelectionSpec & { metric: string; cv: 'auto' } {
  const linear: ModelSpec =
    kind === 'regression'
      ? { algorithm: 'linear_regression', search: { strategy: 'grid', space: { alpha: [0.1, 1, 10, 100] } } }
      : { algorithm: 'logistic_regression', search: { strategy: 'grid', space: { c: [0.01, 0.1, 1, 10] } } };
  const gbdt: ModelSpec = { algorithm: 'gbdt', search: { strategy: 'grid', space: { learningRate: [0.05, 0.1], maxLeafNodes: [7, 31], minSamplesLeaf: [5, 20] } } };
  // ROC-AUC ranks classifiers by how well they order rows, not by one threshold (macro one-vs-rest for several classes).
  return { candidates: [linear, gbdt], cv: 'auto', metric: kind === 'regression' ? 'rmse' : 'roc_auc' };
}

/** The model section as TypeScript object literal text, one candidate per line. */
function renderModel(m: SelectionSpec & { metric: string; cv: 'auto' }): string {
  const literal = (v: unknown): string => JSON.stringify(v).replace(/"([A-Za-z_][A-Za-z0-9_]*)":/g, '$1: ').replace(/"/g, "'").replace(/,(?=\S)/g, ', ').replace(/\{(?=\S)/g, '{ ').replace(/(?<=\S)\}/g, ' }');
  return `{\n    candidates: [\n${m.candidates.map((c) => `      ${literal(c)},`).join('\n')}\n    ],\n    cv: '${m.cv}',\n    metric: '${m.metric}',\n  }`;
}

function checkedName(name: string): string {
  if (/^[a-z][a-z0-9-]{0,62}$/.test(name)) return name;
  const suggestion = slug(name);
  throw new CliError(`--name ${JSON.stringify(name)}: a pipeline name uses lowercase letters, digits and dashes and starts with a letter; try --name ${suggestion}`);
}

function slug(s: string): string {
  const v = s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  return /^[a-z]/.test(v) ? v.slice(0, 60) : `p-${v}`.slice(0, 60);
}
