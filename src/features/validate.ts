/**
 * Submit-time checks of a features spec against the table's schema (names and types only, no data), so mistakes
 * surface before a worker spends time loading data: unknown columns (with the nearest real name), transforms on the
 * wrong column type, the target used as a feature, and non-numeric columns that would reach the model unencoded.
 */
import type { ColumnType } from '../data/table';
import { ExprSyntaxError, exprColumns, parseExpr } from './expr';
import { encodeAdvice, isNumericKind, kindAfter, kindProblem } from './kinds';
import { indicatorName, onehotName, partName } from './names';
import { suggestion } from './nearest';
import type { FeatureStep, FeaturesSpec, StepsFeaturesSpec } from './spec';

export interface ColumnInfo {
  name: string;
  type: ColumnType;
}

export interface ValidateOptions {
  /** The model's target column: it may not be used as a feature. */
  target?: string;
}

export interface FeaturesPlan {
  /** One line per problem, e.g. `features[2].standardize: column "agee" does not exist; did you mean "age"?`. */
  issues: string[];
  /** The input columns the fitted transform will read, in table order: the schema serving instances must match. */
  inputs: ColumnInfo[];
}

/** Problems with `spec` for a table with these columns; empty when the spec is valid. */
export function validateFeaturesSpec(spec: FeaturesSpec, columns: readonly ColumnInfo[], opts: ValidateOptions = {}): string[] {
  if (spec.auto) return targetIssues(columns, opts.target);
  return planFeatures(spec, columns, opts).issues;
}

function targetIssues(columns: readonly ColumnInfo[], target: string | undefined): string[] {
  if (target === undefined || columns.some((c) => c.name === target)) return [];
  return [`target: column "${target}" does not exist${suggestion(target, columns.map((c) => c.name))}`];
}

/** Walks the steps over the schema, tracking each column's type as the steps change it. */
export function planFeatures(spec: StepsFeaturesSpec, columns: readonly ColumnInfo[], opts: ValidateOptions = {}): FeaturesPlan {
  const target = opts.target;
  const issues = targetIssues(columns, target);
  const original = new Set(columns.map((c) => c.name));
  const order = columns.map((c) => c.name);
  const kinds = new Map<string, ColumnType>(columns.map((c) => [c.name, c.type]));
  const produced = new Set<string>();
  const touched = new Set<string>();
  const read = new Set<string>();
  // Why a name no longer exists, so the error can say "dropped by features[1]" rather than just "does not exist".
  const gone = new Map<string, string>();
  // Names of one-hot outputs are only known after fitting; accept `color=...` once `color` has been one-hot encoded.
  const onehotPrefixes: string[] = [];
  let onehotOutputs = 0;
  const stepsPath = spec.stepsPath ?? 'features';

  /** `subject` reads as the start of a sentence: `column "x"` or `expr reads column "x", which`. */
  const resolve = (name: string, where: string, subject: string, reads = true): ColumnType | undefined => {
    const kind = kinds.get(name);
    if (kind !== undefined) {
      // A column only ever dropped is not read, so serving instances need not carry it.
      if (reads && original.has(name) && !produced.has(name)) read.add(name);
      return kind;
    }
    if (onehotPrefixes.some((p) => name.startsWith(p))) return 'numeric';
    const why = gone.get(name);
    if (why !== undefined) {
      issues.push(`${where}: ${subject} no longer exists: it ${why}`);
      return undefined;
    }
    const candidates = order.filter((n) => n !== target);
    issues.push(`${where}: ${subject} does not exist${suggestion(name, candidates)}`);
    return undefined;
  };

  const create = (name: string, where: string, after?: string): boolean => {
    if (kinds.has(name) || original.has(name)) {
      issues.push(`${where}: would create column "${name}", but a column with that name already exists; rename or drop it first`);
      return false;
    }
    kinds.set(name, 'numeric');
    produced.add(name);
    touched.add(name);
    if (after === undefined) order.push(name);
    else order.splice(order.indexOf(after) + 1, 0, name);
    return true;
  };

  const remove = (name: string, why: string) => {
    kinds.delete(name);
    order.splice(order.indexOf(name), 1);
    touched.delete(name);
    gone.set(name, why);
  };

  spec.steps.forEach((step: FeatureStep, i) => {
    const where = `${stepsPath}[${i}].${step.op}`;
    if (step.op === 'derive') {
      let refs: string[] = [];
      try {
        refs = exprColumns(parseExpr(step.expr));
      } catch (e) {
        if (!(e instanceof ExprSyntaxError)) throw e;
        issues.push(`${stepsPath}[${i}].expr: ${e.message}`);
        return;
      }
      let ok = true;
      for (const ref of refs) {
        if (ref === target) {
          issues.push(`${where}: expr reads the target column "${ref}"; a feature computed from the target leaks the answer`);
          ok = false;
          continue;
        }
        const kind = resolve(ref, where, `expr reads column "${ref}", which`);
        if (kind === undefined) ok = false;
        else {
          const problem = kindProblem('derive', ref, kind);
          if (problem) {
            issues.push(`${where}: ${problem}`);
            ok = false;
          }
        }
      }
      if (ok) create(step.name, `${where} "${step.name}"`);
      return;
    }

    for (const col of step.columns) {
      if (col === target) {
        // Dropping the target is harmless (it never reaches the model); anything else would leak it.
        if (step.op !== 'drop') issues.push(`${where}: column "${col}" is the target; it cannot also be a feature`);
        continue;
      }
      const kind = resolve(col, where, `column "${col}"`, step.op !== 'drop');
      if (kind === undefined) continue;
      const problem = kindProblem(step.op, col, kind, step.op === 'impute' ? { strategy: step.strategy, value: step.value } : {});
      if (problem) {
        issues.push(`${where}: ${problem}`);
        continue;
      }
      switch (step.op) {
        case 'drop':
          remove(col, `was dropped by ${where}`);
          break;
        case 'onehot':
          remove(col, `was replaced by its one-hot columns ("${onehotName(col, '<category>')}") at ${where}; transform it before that step`);
          onehotPrefixes.push(onehotName(col, ''));
          onehotOutputs++;
          break;
        case 'datetime': {
          const parts = step.parts.map((p) => partName(col, p));
          let prev = col;
          for (const p of parts) if (create(p, where, prev)) prev = p;
          remove(col, `was replaced by ${parts.join(', ')} at ${where}; transform it before that step`);
          break;
        }
        case 'impute':
          touched.add(col);
          if (step.addIndicator) create(indicatorName(col), where, col);
          break;
        default:
          kinds.set(col, kindAfter(step.op, kind));
          touched.add(col);
      }
    }
  });

  const stepIssues = issues.length;
  const survivors = order.filter((n) => n !== target);
  const outputs = spec.passthrough === 'keep' ? survivors : survivors.filter((n) => touched.has(n));
  for (const name of outputs) {
    const kind = kinds.get(name)!;
    if (isNumericKind(kind)) continue;
    const why = spec.passthrough === 'keep' && !touched.has(name) ? ' (passthrough: keep sends every remaining column to the model)' : '';
    const advice = kind === 'text' ? encodeAdvice(name, kind) : `${encodeAdvice(name, kind)}, or drop it`;
    issues.push(`${stepsPath}: column "${name}" is ${kind === 'datetime' ? 'a datetime' : kind} and would reach the model unencoded${why}; ${advice}`);
  }
  // After step errors this is usually their consequence, and would only add noise.
  if (outputs.length === 0 && onehotOutputs === 0 && stepIssues === 0) {
    const hint = spec.passthrough === 'drop' ? '; name columns in transform steps, or set passthrough: keep to use the numeric columns as they are' : '';
    issues.push(`${stepsPath}: no column reaches the model${hint}`);
  }

  const passed = new Set(spec.passthrough === 'keep' ? outputs : []);
  const inputs = columns.filter((c) => read.has(c.name) || (passed.has(c.name) && !produced.has(c.name)));
  return { issues, inputs: inputs.map((c) => ({ name: c.name, type: c.type })) };
}
