/**
 * Model selection across algorithms: the `model: { candidates: [...] }` form of a pipeline's model section.
 *
 * ```ts
 * model: {
 *   candidates: [
 *     { algorithm: 'logistic_regression', search: { strategy: 'grid', space: { c: [0.01, 0.1, 1, 10] } } },
 *     { algorithm: 'gbdt', search: { strategy: 'grid', space: { learningRate: [0.05, 0.1], maxLeafNodes: [15, 31] } } },
 *   ],
 *   cv: 'auto',          // how each candidate is scored (CvSpec; default "holdout")
 *   metric: 'roc_auc',   // what ranks them (default: the evaluation's primary metric)
 * }
 * ```
 *
 * Every candidate is an ordinary model spec (fixed params, optional search); the pipeline tries each point of
 * each, scores them all the same way on the training split, and refits the winner on the whole training split.
 * The ranking is set once, at this level: a candidate's own search.metric or search.cv would score it
 * differently from the rest, so they are refused here.
 */
import type { Algorithm, ParamValues } from './params';
import { formatValue } from './params';
import { expandSearch } from './search';
import {
  cvIssue,
  isPlainObject,
  MAX_SEARCH_CANDIDATES,
  ModelSpecError,
  modelSpecIssues,
  unknownKeys,
  type CvSpec,
  type ModelSpec,
  type SpecIssue,
} from './spec';

export interface SelectionSpec {
  candidates: ModelSpec[];
  cv?: CvSpec;
  metric?: string;
}

/** One point to try: an algorithm and its complete parameter values (fixed and searched). */
export interface Candidate {
  algorithm: Algorithm;
  params: ParamValues;
}

/** More algorithms than this in one selection is a spec written by a loop, not a person: refuse it. */
export const MAX_SELECTION_ENTRIES = 16;
const SELECTION_KEYS = ['candidates', 'cv', 'metric'];

export function isSelectionInput(raw: unknown): boolean {
  return isPlainObject(raw) && 'candidates' in raw;
}

/** Every problem in a `{ candidates }` model section, each with its path below `model`. */
export function selectionSpecIssues(value: unknown): SpecIssue[] {
  const issues: SpecIssue[] = [];
  const add = (path: (string | number)[], message: string) => issues.push({ path, message });
  if (!isPlainObject(value)) {
    add([], `expected an object { candidates, cv?, metric? }, got ${formatValue(value)}`);
    return issues;
  }
  unknownKeys(value, SELECTION_KEYS, [], add);
  const list = value.candidates;
  if (!Array.isArray(list) || list.length === 0) {
    add(['candidates'], `expected a list of model specs such as [{ algorithm: "logistic_regression" }, { algorithm: "gbdt" }], got ${formatValue(list)}`);
  } else if (list.length > MAX_SELECTION_ENTRIES) {
    add(['candidates'], `at most ${MAX_SELECTION_ENTRIES} candidates are allowed, got ${list.length}`);
  } else {
    let total = 0;
    list.forEach((entry, i) => {
      const own = modelSpecIssues(entry);
      for (const issue of own) add(['candidates', i, ...issue.path], issue.message);
      const search = isPlainObject(entry) && isPlainObject(entry.search) ? entry.search : undefined;
      for (const key of ['metric', 'cv'] as const) {
        if (search?.[key] !== undefined) add(['candidates', i, 'search', key], `set ${key} once for all candidates, as model.${key}, so that every candidate is ranked the same way`);
      }
      if (own.length === 0) total += expandSearch(entry as ModelSpec, 0).length;
    });
    if (total > MAX_SEARCH_CANDIDATES) add(['candidates'], `the candidates expand to ${total} trials, more than the ${MAX_SEARCH_CANDIDATES} allowed; use smaller grids`);
  }
  if (value.metric !== undefined && (typeof value.metric !== 'string' || value.metric.trim() === '')) {
    add(['metric'], `expected a metric name, got ${formatValue(value.metric)}`);
  }
  const cvProblem = cvIssue(value.cv);
  if (cvProblem) add(['cv'], cvProblem);
  return issues;
}

export function parseSelectionSpec(value: unknown, where = 'model'): SelectionSpec {
  const issues = selectionSpecIssues(value);
  if (issues.length > 0) throw new ModelSpecError(issues, where);
  return value as SelectionSpec;
}

/**
 * Every trial of a selection, candidates in the order written and each candidate's points in its search's order.
 * Each candidate's random search draws from its own seed (seed + its position), so adding a candidate does not
 * change what the others draw.
 */
export function expandSelection(spec: SelectionSpec, seed: number): Candidate[] {
  return spec.candidates.flatMap((c, i) => expandSearch(c, seed + i).map((params) => ({ algorithm: c.algorithm, params })));
}
