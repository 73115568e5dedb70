import { z } from 'zod';
import {
  ALGORITHMS,
  checkParamValue,
  closestName,
  formatValue,
  isAlgorithm,
  paramDef,
  paramNames,
  paramProblems,
  PARAM_DEFS,
  type Algorithm,
  type ParamDef,
  type ParamValues,
} from './params';

/** A continuous search range; log = sample log-uniformly (for scale parameters such as c or learningRate). */
export interface SearchRange {
  min: number;
  max: number;
  log?: boolean;
}

export interface SearchSpec {
  strategy: 'grid' | 'random';
  /** Per parameter: explicit candidate values, or (random search only) a range. */
  space: Record<string, number[] | SearchRange>;
  /** Random search: number of candidates drawn (default DEFAULT_RANDOM_TRIALS). */
  trials?: number;
  /** Name of the metric that ranks candidates; interpreted by the evaluation module. */
  metric?: string;
  /** How each candidate is scored on the training split (default "holdout"); see CvSpec. */
  cv?: CvSpec;
}

/**
 * How a search scores a candidate without touching the test split:
 * - "holdout": fit on 80% of the training rows, score on the other 20% (one fit per candidate);
 * - a number k (2..20): k-fold cross-validation, the mean of the k fold scores (k fits per candidate);
 * - "auto": 5-fold below AUTO_CV_MAX_ROWS training rows, where one 20% holdout is too few rows to rank
 *   candidates reliably, and the holdout above it, where k fits would cost k times as much for little gain.
 */
export type CvSpec = 'auto' | 'holdout' | number;
export const AUTO_CV_MAX_ROWS = 20_000;
export const AUTO_CV_FOLDS = 5;
export const MAX_CV_FOLDS = 20;

/** The `model` section of a pipeline spec. */
export interface ModelSpec {
  algorithm: Algorithm;
  params?: ParamValues;
  search?: SearchSpec;
}

export const DEFAULT_RANDOM_TRIALS = 10;
/** Guards against a grid that would silently schedule days of training. */
export const MAX_SEARCH_CANDIDATES = 10_000;

export interface SpecIssue {
  path: (string | number)[];
  message: string;
}

const MODEL_KEYS = ['algorithm', 'params', 'search'];
const SEARCH_KEYS = ['strategy', 'space', 'trials', 'metric', 'cv'];
const RANGE_KEYS = ['min', 'max', 'log'];

/**
 * Every problem in a model section, each with its location. Collects all of them (rather than stopping
 * at the first) so a spec can be fixed in one edit.
 */
export function modelSpecIssues(value: unknown): SpecIssue[] {
  const issues: SpecIssue[] = [];
  const add = (path: (string | number)[], message: string): void => {
    issues.push({ path, message });
  };
  if (!isPlainObject(value)) {
    add([], `expected an object such as { algorithm: "gbdt", params: { learningRate: 0.1 } }, got ${formatValue(value)}`);
    return issues;
  }
  unknownKeys(value, MODEL_KEYS, [], add);

  const algorithm = value.algorithm;
  if (algorithm === undefined) {
    add(['algorithm'], `required; choose one of ${ALGORITHMS.join(', ')}`);
  } else if (!isAlgorithm(algorithm)) {
    const hint = typeof algorithm === 'string' ? closestName(algorithm, ALGORITHMS) : undefined;
    add(
      ['algorithm'],
      `unknown algorithm ${formatValue(algorithm)}${hint ? ` (did you mean ${hint}?)` : ''}; choose one of ${ALGORITHMS.join(', ')}`,
    );
  }
  const known = isAlgorithm(algorithm) ? algorithm : undefined;

  if (value.params !== undefined) {
    if (!isPlainObject(value.params)) {
      add(['params'], `expected an object of parameter values, got ${formatValue(value.params)}`);
    } else if (known) {
      for (const p of paramProblems(known, value.params)) add(['params', p.name], p.message);
    }
  }

  if (value.search !== undefined) {
    searchIssues(value.search, known, isPlainObject(value.params) ? value.params : {}, add);
  }
  return issues;
}

function searchIssues(
  search: unknown,
  algorithm: Algorithm | undefined,
  fixedParams: Record<string, unknown>,
  add: (path: (string | number)[], message: string) => void,
): void {
  if (!isPlainObject(search)) {
    add(['search'], `expected an object { strategy, space, trials?, metric?, cv? }, got ${formatValue(search)}`);
    return;
  }
  unknownKeys(search, SEARCH_KEYS, ['search'], add);
  const strategy = search.strategy;
  if (strategy !== 'grid' && strategy !== 'random') {
    add(['search', 'strategy'], `expected "grid" or "random", got ${formatValue(strategy)}`);
  }
  if (search.trials !== undefined) {
    if (strategy === 'grid') {
      add(['search', 'trials'], 'only used by random search (a grid tries every combination); remove it or use strategy "random"');
    } else if (typeof search.trials !== 'number' || !Number.isInteger(search.trials) || search.trials < 1) {
      add(['search', 'trials'], `expected an integer >= 1, got ${formatValue(search.trials)}`);
    } else if (search.trials > MAX_SEARCH_CANDIDATES) {
      add(['search', 'trials'], `at most ${MAX_SEARCH_CANDIDATES} trials are allowed, got ${search.trials}`);
    }
  }
  if (search.metric !== undefined && (typeof search.metric !== 'string' || search.metric.trim() === '')) {
    add(['search', 'metric'], `expected a metric name, got ${formatValue(search.metric)}`);
  }
  const cvProblem = cvIssue(search.cv);
  if (cvProblem) add(['search', 'cv'], cvProblem);

  const space = search.space;
  if (!isPlainObject(space) || Object.keys(space).length === 0) {
    add(
      ['search', 'space'],
      `expected an object mapping parameter names to a list of values or { min, max, log? }, got ${
        isPlainObject(space) ? 'an empty object' : formatValue(space)
      }`,
    );
    return;
  }
  const searchable = algorithm ? searchableParams(algorithm) : [];
  let gridSize = 1;
  for (const [name, candidates] of Object.entries(space)) {
    const path = ['search', 'space', name];
    if (!algorithm) continue; // parameter names cannot be checked without a valid algorithm
    const def = paramDef(algorithm, name);
    if (!def || def.type !== 'number') {
      const hint = closestName(name, searchable);
      add(
        path,
        `${def ? 'cannot be searched' : `unknown parameter for ${algorithm}`}${hint && !def ? ` (did you mean ${hint}?)` : ''}; ` +
          `searchable parameters are ${searchable.join(', ')}`,
      );
      continue;
    }
    if (fixedParams[name] !== undefined) {
      add(path, `is also fixed in params.${name}; keep it in one place (params to fix it, search.space to tune it)`);
    }
    if (Array.isArray(candidates)) {
      if (candidates.length === 0) add(path, 'needs at least one value');
      candidates.forEach((v, i) => {
        const problem = checkParamValue(def, v);
        if (problem) add([...path, i], problem);
      });
      gridSize *= Math.max(1, candidates.length);
    } else if (isPlainObject(candidates)) {
      rangeIssues(candidates, def, strategy, path, add);
    } else {
      add(path, `expected a list of values or { min, max, log? }, got ${formatValue(candidates)}`);
    }
  }
  if (strategy === 'grid' && gridSize > MAX_SEARCH_CANDIDATES) {
    add(
      ['search', 'space'],
      `the grid has ${gridSize} combinations, more than the ${MAX_SEARCH_CANDIDATES} allowed; use fewer values or strategy "random"`,
    );
  }
}

/** What is wrong with a `cv` value, if anything (undefined is fine: the default applies). */
export function cvIssue(cv: unknown): string | undefined {
  if (cv === undefined || cv === 'auto' || cv === 'holdout') return undefined;
  if (typeof cv === 'number' && Number.isInteger(cv) && cv >= 2 && cv <= MAX_CV_FOLDS) return undefined;
  return `expected "auto", "holdout" or a number of folds from 2 to ${MAX_CV_FOLDS}, got ${formatValue(cv)}`;
}

function rangeIssues(
  range: Record<string, unknown>,
  def: ParamDef,
  strategy: unknown,
  path: (string | number)[],
  add: (path: (string | number)[], message: string) => void,
): void {
  if (strategy === 'grid') {
    add(path, 'a grid needs an explicit list of values; ranges { min, max } are only for strategy "random"');
    return;
  }
  unknownKeys(range, RANGE_KEYS, path, add);
  const minProblem = checkParamValue(def, range.min);
  const maxProblem = checkParamValue(def, range.max);
  if (minProblem) add([...path, 'min'], minProblem);
  if (maxProblem) add([...path, 'max'], maxProblem);
  if (range.log !== undefined && typeof range.log !== 'boolean') {
    add([...path, 'log'], `expected true or false, got ${formatValue(range.log)}`);
  }
  if (minProblem || maxProblem) return;
  const min = range.min as number;
  const max = range.max as number;
  if (min > max) add(path, `min (${min}) must not exceed max (${max})`);
  if (range.log === true && min <= 0) add([...path, 'min'], `a log-scale range needs min > 0, got ${min}`);
}

function searchableParams(algorithm: Algorithm): string[] {
  return paramNames(algorithm).filter((name) => (PARAM_DEFS[algorithm] as Record<string, ParamDef>)[name].type === 'number');
}

export function unknownKeys(
  obj: Record<string, unknown>,
  allowed: string[],
  path: (string | number)[],
  add: (path: (string | number)[], message: string) => void,
): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key)) {
      const hint = closestName(key, allowed);
      add([...path, key], `unknown key${hint ? ` (did you mean ${hint}?)` : ''}; valid keys are ${allowed.join(', ')}`);
    }
  }
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Zod schema for the model section, for composition into the pipeline spec schema. Issues carry
 * paths relative to the section, e.g. ['params', 'learningRate'] with message "expected a number > 0, got -1".
 */
export const modelSpecSchema = z
  .unknown()
  .superRefine((value, ctx) => {
    for (const issue of modelSpecIssues(value)) ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path });
  })
  .transform((value) => value as ModelSpec);

/** Renders a path like model.search.space.learningRate[2]. */
export function formatPath(prefix: string, path: readonly PropertyKey[]): string {
  let out = prefix;
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}

/**
 * A model that cannot fit this data as specified (a classifier on a numeric target, too few rows to hold out):
 * the user's to fix, unlike numerical trouble on good input. Crosses the training thread by name.
 */
export class ModelInputError extends Error {
  override name = 'ModelInputError';
}

export class ModelSpecError extends Error {
  constructor(readonly issues: SpecIssue[], where: string) {
    super(
      issues.length === 1
        ? `${formatPath(where, issues[0].path)}: ${issues[0].message}`
        : `invalid ${where} section:\n${issues.map((i) => `  ${formatPath(where, i.path)}: ${i.message}`).join('\n')}`,
    );
    this.name = 'ModelSpecError';
  }
}

/**
 * Validates a model section and returns it typed; throws ModelSpecError whose message lists every
 * problem as `<where>.<path>: <what is wrong>`.
 */
export function parseModelSpec(value: unknown, where = 'model'): ModelSpec {
  const issues = modelSpecIssues(value);
  if (issues.length > 0) throw new ModelSpecError(issues, where);
  return value as ModelSpec;
}
