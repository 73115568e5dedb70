import { createRng, type Rng } from './random';
import { paramDef, type ParamDef, type ParamValues } from './params';
import { DEFAULT_RANDOM_TRIALS, parseModelSpec, type ModelSpec, type SearchRange } from './spec';

/**
 * Candidate parameter sets for a model spec: the fixed params merged with each point of the search
 * space. Without a search section, the single candidate is the fixed params.
 *
 * - grid: the cartesian product, keys in alphabetical order with the last key varying fastest (as
 *   sklearn's ParameterGrid), so the order does not depend on how the spec was written;
 * - random: `trials` independent draws, seeded; lists are sampled uniformly, ranges uniformly or
 *   log-uniformly, integers rounded. Repeated draws are dropped, so a small space may yield fewer.
 */
export function expandSearch(spec: ModelSpec, seed: number): ParamValues[] {
  const valid = parseModelSpec(spec);
  const fixed = valid.params ?? {};
  const search = valid.search;
  if (!search) return [{ ...fixed }];
  const names = Object.keys(search.space).sort();

  if (search.strategy === 'grid') {
    const lists = names.map((name) => search.space[name] as number[]);
    const out: ParamValues[] = [];
    const pos = new Array<number>(names.length).fill(0);
    for (;;) {
      const candidate: ParamValues = { ...fixed };
      names.forEach((name, i) => (candidate[name] = lists[i][pos[i]]));
      out.push(candidate);
      let i = names.length - 1;
      while (i >= 0 && ++pos[i] === lists[i].length) pos[i--] = 0;
      if (i < 0) return out;
    }
  }

  const rng = createRng(seed);
  const trials = search.trials ?? DEFAULT_RANDOM_TRIALS;
  const seen = new Set<string>();
  const out: ParamValues[] = [];
  for (let t = 0; t < trials; t++) {
    const candidate: ParamValues = { ...fixed };
    const drawn: number[] = [];
    for (const name of names) {
      const def = paramDef(valid.algorithm, name)!;
      const space = search.space[name];
      const value = Array.isArray(space) ? space[rng.int(space.length)] : sampleRange(space, def, rng);
      candidate[name] = value;
      drawn.push(value);
    }
    const key = drawn.join(',');
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(candidate);
  }
  return out;
}

function sampleRange(range: SearchRange, def: ParamDef, rng: Rng): number {
  const { min, max } = range;
  let v = range.log ? Math.exp(rng.uniform(Math.log(min), Math.log(max))) : rng.uniform(min, max);
  if (def.type === 'number' && def.integer) v = Math.round(v);
  // Rounding and exp/log can step just outside the range; the bounds were validated, so clamping is safe.
  return Math.min(Math.max(v, min), max);
}

export interface Best<T> {
  index: number;
  item: T;
  score: number;
}

/**
 * The item with the best score. NaN scores (a failed or undefined metric) never win; ties keep the
 * earliest item, so the outcome is stable. Throws if no item has a usable score.
 */
export function pickBest<T>(
  items: readonly T[],
  score: (item: T, index: number) => number,
  direction: 'higher' | 'lower',
): Best<T> {
  let best: Best<T> | undefined;
  items.forEach((item, index) => {
    const s = score(item, index);
    if (Number.isNaN(s)) return;
    if (!best || (direction === 'higher' ? s > best.score : s < best.score)) best = { index, item, score: s };
  });
  if (!best) {
    throw new Error(
      items.length === 0
        ? 'pickBest: no candidates to choose from'
        : `pickBest: all ${items.length} candidates have a NaN score; check that the metric can be computed`,
    );
  }
  return best;
}
