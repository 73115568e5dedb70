/** `bosun init --from <csv> --target <column>`: writes a working pipeline file from a data file. */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { readTable } from '../data/read';
import { schemaOf } from '../data/schema';
import { nearestName } from '../features';
import { resolveTask } from '../pipeline/target';
import { CliError } from './output';

export interface InitOptions {
  from: string;
  target: string;
  name?: string;
  out?: string;
  force?: boolean;
}

export async function initCommand(o: InitOptions): Promise<string> {
  const file = path.resolve(o.from);
  if (!existsSync(file)) throw new CliError(`--from ${o.from}: file not found`);
  const table = await readTable(await readFile(file), { fileName: path.basename(file) });
  const schema = schemaOf(table);
  const names = schema.columns.map((c) => c.name);
  if (!names.includes(o.target)) {
    const near = nearestName(o.target, names);
    throw new CliError(`--target ${o.target}: no such column${near ? `; did you mean "${near}"?` : ''} (columns: ${names.join(', ')})`);
  }
  const name = o.name ?? slug(path.basename(file).replace(/\.[^.]+$/, ''));
  const out = path.resolve(o.out ?? path.join('pipelines', `${name}.ts`));
  if (existsSync(out) && !o.force) throw new CliError(`${out} exists; pass --force to overwrite it`);
  const task = resolveTask({ target: o.target }, table);
  const source = path.relative(path.dirname(out), file) || path.basename(file);
  const primary = task.kind === 'regression' ? 'rmse' : task.kind === 'binary' ? 'roc_auc' : 'accuracy';
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
  // Also available: logistic_regression${task.kind === 'regression' ? ' (classification only), linear_regression' : ''}.
  model: { algorithm: 'gbdt', params: { maxIter: 100, learningRate: 0.1 } },
  evaluation: { primaryMetric: '${primary}' },
  // Who may approve promotion to production, and how many approvals it takes.
  approval: { required: 1, fourEyes: false },
});
`;
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, text);
  return out;
}

function slug(s: string): string {
  const v = s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  return /^[a-z]/.test(v) ? v.slice(0, 60) : `p-${v}`.slice(0, 60);
}
