/**
 * The hyperparameters each algorithm accepts, their defaults and valid ranges, in one table so that spec
 * validation, search-space validation, defaults and docs cannot drift apart.
 */

export const ALGORITHMS = ['logistic_regression', 'linear_regression', 'gbdt'] as const;
export type Algorithm = (typeof ALGORITHMS)[number];

export interface LogisticParams {
  /** Inverse L2 strength, as sklearn's C: objective = C * sum(log loss) + ||w||^2 / 2. */
  c: number;
  maxIterations: number;
  /** Stop when every gradient component of the (sample-averaged) objective is below tol. */
  tol: number;
}

export interface LinearParams {
  /** L2 strength as sklearn Ridge's alpha; 0 gives ordinary least squares. */
  alpha: number;
}

export interface GbdtParams {
  learningRate: number;
  maxIter: number;
  maxLeafNodes: number;
  maxDepth: number | null;
  minSamplesLeaf: number;
  l2Regularization: number;
  maxBins: number;
  /** 'auto' enables early stopping when the training set has more than 10,000 rows, like sklearn. */
  earlyStopping: boolean | 'auto';
  validationFraction: number;
  nIterNoChange: number;
  tol: number;
}

export interface ParamsByAlgorithm {
  logistic_regression: LogisticParams;
  linear_regression: LinearParams;
  gbdt: GbdtParams;
}

export type ParamValue = number | boolean | 'auto' | null;
export type ParamValues = Record<string, ParamValue>;

export type ParamDef =
  | {
      type: 'number';
      default: number | null;
      integer?: boolean;
      min?: number;
      minExclusive?: boolean;
      max?: number;
      maxExclusive?: boolean;
      /** null is accepted and means "no limit". */
      nullable?: boolean;
      doc: string;
    }
  | { type: 'autoBoolean'; default: boolean | 'auto'; doc: string };

export const PARAM_DEFS: { [A in Algorithm]: Record<keyof ParamsByAlgorithm[A], ParamDef> } = {
  logistic_regression: {
    c: { type: 'number', default: 1, min: 0, minExclusive: true, doc: 'inverse of L2 regularization strength' },
    maxIterations: { type: 'number', default: 1000, integer: true, min: 1, doc: 'L-BFGS iteration limit' },
    tol: { type: 'number', default: 1e-6, min: 0, minExclusive: true, doc: 'gradient tolerance for convergence' },
  },
  linear_regression: {
    alpha: { type: 'number', default: 1, min: 0, doc: 'L2 regularization strength (0 = ordinary least squares)' },
  },
  gbdt: {
    learningRate: { type: 'number', default: 0.1, min: 0, minExclusive: true, doc: 'shrinkage applied to each tree' },
    maxIter: { type: 'number', default: 100, integer: true, min: 1, doc: 'boosting iterations' },
    maxLeafNodes: { type: 'number', default: 31, integer: true, min: 2, doc: 'leaves per tree' },
    maxDepth: { type: 'number', default: null, integer: true, min: 1, nullable: true, doc: 'tree depth limit (null = none)' },
    minSamplesLeaf: { type: 'number', default: 20, integer: true, min: 1, doc: 'minimum rows per leaf' },
    l2Regularization: { type: 'number', default: 0, min: 0, doc: 'L2 penalty on leaf values' },
    maxBins: { type: 'number', default: 255, integer: true, min: 2, max: 255, doc: 'histogram bins per feature' },
    earlyStopping: { type: 'autoBoolean', default: 'auto', doc: 'stop when validation loss stops improving' },
    validationFraction: {
      type: 'number',
      default: 0.1,
      min: 0,
      minExclusive: true,
      max: 1,
      maxExclusive: true,
      doc: 'share of training rows held out for early stopping',
    },
    nIterNoChange: { type: 'number', default: 10, integer: true, min: 1, doc: 'patience for early stopping' },
    tol: { type: 'number', default: 1e-7, min: 0, doc: 'minimum validation-loss improvement that counts' },
  },
};

export function isAlgorithm(name: unknown): name is Algorithm {
  return typeof name === 'string' && (ALGORITHMS as readonly string[]).includes(name);
}

export function paramNames(algorithm: Algorithm): string[] {
  return Object.keys(PARAM_DEFS[algorithm]);
}

export function paramDef(algorithm: Algorithm, name: string): ParamDef | undefined {
  const defs = PARAM_DEFS[algorithm] as Record<string, ParamDef>;
  return Object.prototype.hasOwnProperty.call(defs, name) ? defs[name] : undefined;
}

/** Human wording of what a parameter accepts, e.g. "a number > 0", "an integer in [2, 255]". */
export function describeParam(def: ParamDef): string {
  if (def.type === 'autoBoolean') return 'true, false or "auto"';
  const noun = def.integer ? 'an integer' : 'a number';
  let range = '';
  if (def.min !== undefined && def.max !== undefined) {
    range = ` in ${def.minExclusive ? '(' : '['}${def.min}, ${def.max}${def.maxExclusive ? ')' : ']'}`;
  } else if (def.min !== undefined) {
    range = ` ${def.minExclusive ? '>' : '>='} ${def.min}`;
  } else if (def.max !== undefined) {
    range = ` ${def.maxExclusive ? '<' : '<='} ${def.max}`;
  }
  return `${noun}${range}${def.nullable ? ' or null' : ''}`;
}

/** Returns an error message ("expected …, got …") if value is not acceptable for def, else undefined. */
export function checkParamValue(def: ParamDef, value: unknown): string | undefined {
  const expected = `expected ${describeParam(def)}, got ${formatValue(value)}`;
  if (def.type === 'autoBoolean') {
    return value === true || value === false || value === 'auto' ? undefined : expected;
  }
  if (value === null) return def.nullable ? undefined : expected;
  if (typeof value !== 'number' || !Number.isFinite(value)) return expected;
  if (def.integer && !Number.isInteger(value)) return expected;
  if (def.min !== undefined && (def.minExclusive ? value <= def.min : value < def.min)) return expected;
  if (def.max !== undefined && (def.maxExclusive ? value >= def.max : value > def.max)) return expected;
  return undefined;
}

export function formatValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  if (Array.isArray(value)) return 'a list';
  return `a ${typeof value}`;
}

/** Closest name by edit distance, for "did you mean" hints on typos. */
export function closestName(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  const lower = name.toLowerCase();
  for (const candidate of candidates) {
    const d = editDistance(lower, candidate.toLowerCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = candidate;
    }
  }
  return bestDistance <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}

/** One message per problem in params, each prefixed with the parameter name. */
export function paramProblems(algorithm: Algorithm, params: Record<string, unknown>): { name: string; message: string }[] {
  const problems: { name: string; message: string }[] = [];
  const names = paramNames(algorithm);
  for (const [name, value] of Object.entries(params)) {
    const def = paramDef(algorithm, name);
    if (!def) {
      const hint = closestName(name, names);
      problems.push({
        name,
        message: `unknown parameter for ${algorithm}${hint ? ` (did you mean ${hint}?)` : ''}; valid parameters are ${names.join(', ')}`,
      });
      continue;
    }
    const message = checkParamValue(def, value);
    if (message) problems.push({ name, message });
  }
  return problems;
}

/**
 * Fills defaults and validates. Throws one error listing every problem, each located as
 * `params.<name>`, so a user can fix a spec in one pass.
 */
export function resolveParams<A extends Algorithm>(
  algorithm: A,
  params: Record<string, unknown> = {},
): ParamsByAlgorithm[A] {
  if (!isAlgorithm(algorithm)) {
    throw new Error(`unknown algorithm ${formatValue(algorithm)}; choose one of ${ALGORITHMS.join(', ')}`);
  }
  const problems = paramProblems(algorithm, params);
  if (problems.length > 0) {
    throw new Error(
      `invalid ${algorithm} parameters:\n${problems.map((p) => `  params.${p.name}: ${p.message}`).join('\n')}`,
    );
  }
  const resolved: Record<string, unknown> = {};
  for (const [name, def] of Object.entries(PARAM_DEFS[algorithm] as Record<string, ParamDef>)) {
    resolved[name] = params[name] !== undefined ? params[name] : def.default;
  }
  return resolved as unknown as ParamsByAlgorithm[A];
}
