import type { Column } from '../../data/table';
import { isFloatColumn } from '../../data/table';
import { UnknownCategoryError } from '../errors';
import type { Frame, StepContext } from '../frame';
import { OTHER_CATEGORY, onehotName } from '../names';
import { SlotColumn } from '../slot-column';
import { compareStrings, levelCounts } from '../stats';
import type { FittedOf, StepOf } from './types';

type Category = string | number;
type Entry = { key: Category; count: number };

function compareKeys(a: Category, b: Category): number {
  return typeof a === 'number' && typeof b === 'number' ? a - b : compareStrings(String(a), String(b));
}

export function fitOnehot(step: StepOf<'onehot'>, frame: Frame, ctx: StepContext): FittedOf<'onehot'> {
  const columns = step.columns.map((name) => {
    const col = frame.column(name, 'onehot', ctx);
    const entries: Entry[] = [];
    if (isFloatColumn(col)) {
      const counts = new Map<number, number>();
      for (const v of col.values) if (Number.isFinite(v)) counts.set(v + 0, (counts.get(v + 0) ?? 0) + 1); // + 0 folds -0 into 0
      for (const [key, count] of counts) entries.push({ key, count });
    } else {
      const counts = levelCounts(col.codes, col.levels.length);
      col.levels.forEach((key, c) => counts[c] > 0 && entries.push({ key, count: counts[c] }));
    }
    if (entries.length === 0) throw new Error(`${ctx.where}: column "${name}" has no values in the training data, so there is nothing to encode; drop it`);
    let frequent = entries;
    let infrequent: Entry[] = [];
    const cap = step.maxCategories;
    if (cap !== undefined && entries.length > cap) {
      // The cap counts the __other__ column, so the model sees at most `cap` columns for this input.
      const ranked = [...entries].sort((a, b) => b.count - a.count || compareKeys(a.key, b.key));
      frequent = ranked.slice(0, cap - 1);
      infrequent = ranked.slice(cap - 1);
      ctx.notes?.push(
        `${ctx.where}: column "${name}" has ${entries.length} categories; the ${cap - 1} most frequent get their own column, the other ${infrequent.length} share "${onehotName(name, OTHER_CATEGORY)}"`,
      );
    }
    const keys = (list: Entry[]) => list.map((e) => e.key).sort(compareKeys) as string[] | number[];
    return { name, categories: keys(frequent), infrequent: keys(infrequent), dropFirst: step.dropFirst };
  });
  return { op: 'onehot', handleUnknown: step.handleUnknown, columns };
}

/** Output column names for one fitted input column, in matrix order. */
export function onehotOutputs(spec: FittedOf<'onehot'>['columns'][number]): string[] {
  const kept = spec.dropFirst ? spec.categories.slice(1) : spec.categories;
  const names = kept.map((c) => onehotName(spec.name, c));
  if (spec.infrequent.length > 0) names.push(onehotName(spec.name, OTHER_CATEGORY));
  return names;
}

// Output slots: >= 0 is an output column; NONE is all zeros (missing, or the dropped first category); UNKNOWN was unseen.
const NONE = -1;
const UNKNOWN = -2;

export function applyOnehot(fitted: FittedOf<'onehot'>, frame: Frame, ctx: StepContext): void {
  const n = frame.nrows;
  for (const spec of fitted.columns) {
    const { name, categories, infrequent, dropFirst } = spec;
    const col = frame.column(name, 'onehot', ctx);
    const names = onehotOutputs(spec);
    const slotsOut = new Int32Array(n).fill(NONE);
    const other = infrequent.length > 0 ? names.length - 1 : NONE;
    // Unseen values share __other__ when it exists (the model has learned something for "rare"); else all zeros.
    const unseen = fitted.handleUnknown === 'error' ? UNKNOWN : other;
    const slots = new Map<Category, number>();
    categories.forEach((c: Category, k: number) => slots.set(c, dropFirst ? k - 1 : k));
    for (const c of infrequent) slots.set(c, other);
    const unknownError = (row: number, value: Category): never => {
      const known = categories.slice(0, 20).join(', ') + (categories.length > 20 ? ', ...' : '');
      throw new UnknownCategoryError(
        `${ctx.label(row, name)}: unknown category ${JSON.stringify(value)} (training saw: ${known}); the onehot step at ${ctx.where} has handleUnknown: error, set it to ignore to encode unseen categories as ${other === NONE ? 'all zeros' : OTHER_CATEGORY}`,
      );
    };
    if (isFloatColumn(col)) {
      if (categories.some((c) => typeof c !== 'number')) throw new Error(`${ctx.where}: column "${name}" holds numbers but was fitted on categories`);
      const values = col.values;
      for (let i = 0; i < n; i++) {
        const v = values[i];
        if (v !== v) continue;
        const slot = slots.get(v) ?? unseen;
        if (slot === UNKNOWN) unknownError(i, v);
        slotsOut[i] = slot;
      }
    } else {
      if (categories.some((c) => typeof c !== 'string')) throw new Error(`${ctx.where}: column "${name}" holds categories but was fitted on numbers`);
      const lut = Int32Array.from(col.levels, (level) => slots.get(level) ?? unseen);
      const codes = col.codes;
      for (let i = 0; i < n; i++) {
        const c = codes[i];
        if (c < 0) continue;
        const slot = lut[c];
        if (slot === UNKNOWN) unknownError(i, col.levels[c]);
        slotsOut[i] = slot;
      }
    }
    frame.replace(
      name,
      names.map((nm, k): Column => new SlotColumn(nm, slotsOut, k)),
      ctx.where,
    );
  }
}
