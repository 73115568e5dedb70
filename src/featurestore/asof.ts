/**
 * The point-in-time (as-of) join: for each entity row, the feature row of the same entity with the latest
 * event time at or before the entity row's time, and no older than the TTL. A value recorded after the
 * row's time is never used, which is what keeps tomorrow's data out of today's training example.
 *
 * Columnar and allocation-light: keys become dense integer ids (one dictionary per key column, built over
 * levels rather than rows for categorical keys), feature rows are counting-sorted by key id and then by time
 * within each key, and each entity row binary-searches its key's run. No object is made per row.
 */
import { isFloatColumn, MISSING_CODE, type Column, type Table } from '../data/table';
import { suggestion } from '../features/nearest';
import { BadInputError } from '../pipeline/errors';

export interface AsOfSide {
  table: Table;
  /** Key columns, in the same order on both sides. */
  keys: string[];
  /** Event-time column: datetime (epoch ms) or numeric. */
  time: string;
  /** Names the side in error messages, e.g. `feature view "customer-activity"`. */
  label: string;
}

function column(side: AsOfSide, name: string, role: string): Column {
  const col = side.table.columns.find((c) => c.name === name);
  if (!col) throw new BadInputError(`${side.label}: no ${role} column "${name}"${suggestion(name, side.table.columns.map((c) => c.name))}`);
  return col;
}

export function timeValues(side: AsOfSide): Float64Array {
  const col = column(side, side.time, 'timestamp');
  if (col.type !== 'datetime' && col.type !== 'numeric') {
    throw new BadInputError(`${side.label}: timestamp column "${side.time}" is ${col.type}; it must hold datetimes (ISO 8601) or epoch milliseconds`);
  }
  return (col as { values: Float64Array }).values;
}

/**
 * Dense ids for one key column across both sides. Numbers map by value, categories by level (so the per-row
 * work is an array read); a key that is a number on one side and text on the other matches by its text.
 */
function keyIds(left: Column, right: Column): [Int32Array, Int32Array, number] {
  const dict = new Map<string | number, number>();
  const asText = isFloatColumn(left) !== isFloatColumn(right);
  const encode = (col: Column): Int32Array => {
    const out = new Int32Array(isFloatColumn(col) ? col.values.length : col.codes.length);
    if (isFloatColumn(col)) {
      const v = col.values;
      for (let i = 0; i < v.length; i++) {
        const x = v[i];
        if (x !== x) {
          out[i] = -1;
          continue;
        }
        const k = asText ? String(x) : x;
        let id = dict.get(k);
        if (id === undefined) dict.set(k, (id = dict.size));
        out[i] = id;
      }
    } else {
      const levelIds = new Int32Array(col.levels.length);
      for (let l = 0; l < col.levels.length; l++) {
        let id = dict.get(col.levels[l]);
        if (id === undefined) dict.set(col.levels[l], (id = dict.size));
        levelIds[l] = id;
      }
      const c = col.codes;
      for (let i = 0; i < c.length; i++) out[i] = c[i] === MISSING_CODE ? -1 : levelIds[c[i]];
    }
    return out;
  };
  const l = encode(left);
  const r = encode(right);
  return [l, r, dict.size];
}

/** One dense id per row over all key columns (-1 when any part is missing). */
function compositeIds(left: AsOfSide, right: AsOfSide): [Int32Array, Int32Array, number] {
  if (left.keys.length !== right.keys.length || left.keys.length === 0) {
    throw new BadInputError(`${left.label} has key columns ${left.keys.join(', ') || '(none)'} but ${right.label} has ${right.keys.join(', ') || '(none)'}; both need the same entity keys`);
  }
  let [l, r, size] = keyIds(column(left, left.keys[0], 'entity key'), column(right, right.keys[0], 'entity key'));
  for (let k = 1; k < left.keys.length; k++) {
    const [l2, r2, size2] = keyIds(column(left, left.keys[k], 'entity key'), column(right, right.keys[k], 'entity key'));
    const combined = new Map<number, number>();
    const merge = (a: Int32Array, b: Int32Array): Int32Array => {
      const out = new Int32Array(a.length);
      for (let i = 0; i < a.length; i++) {
        if (a[i] < 0 || b[i] < 0) {
          out[i] = -1;
          continue;
        }
        const pair = a[i] * size2 + b[i];
        let id = combined.get(pair);
        if (id === undefined) combined.set(pair, (id = combined.size));
        out[i] = id;
      }
      return out;
    };
    l = merge(l, l2);
    r = merge(r, r2);
    size = combined.size;
  }
  return [l, r, size];
}

/**
 * For each row of `left`, the index of the `right` row to use, or -1: same key, time ≤ the left row's time,
 * and left time − right time ≤ ttlMs. Among right rows with equal key and time, the last one wins.
 */
export function asOfIndex(left: AsOfSide, right: AsOfSide, ttlMs: number): Int32Array {
  const lt = timeValues(left);
  const rt = timeValues(right);
  const [lk, rk, nkeys] = compositeIds(left, right);

  // Counting sort of right rows by key id; rows without a key or a time never match.
  const start = new Int32Array(nkeys + 1);
  for (let i = 0; i < rk.length; i++) if (rk[i] >= 0 && rt[i] === rt[i]) start[rk[i] + 1]++;
  for (let k = 0; k < nkeys; k++) start[k + 1] += start[k];
  const order = new Int32Array(start[nkeys]);
  const fill = start.slice(0, nkeys);
  for (let i = 0; i < rk.length; i++) if (rk[i] >= 0 && rt[i] === rt[i]) order[fill[rk[i]]++] = i;
  for (let k = 0; k < nkeys; k++) {
    const s = start[k];
    const e = start[k + 1];
    if (e - s > 1) order.subarray(s, e).sort((a, b) => rt[a] - rt[b] || a - b);
  }

  const out = new Int32Array(lk.length).fill(-1);
  for (let i = 0; i < lk.length; i++) {
    const k = lk[i];
    const t = lt[i];
    if (k < 0 || k >= nkeys || t !== t) continue;
    // Last position in the key's run with time ≤ t.
    let lo = start[k];
    let hi = start[k + 1];
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (rt[order[mid]] <= t) lo = mid + 1;
      else hi = mid;
    }
    if (lo === start[k]) continue;
    const j = order[lo - 1];
    if (t - rt[j] <= ttlMs) out[i] = j;
  }
  return out;
}

/** Columns `names` of `table` at rows `index` (-1 gives a missing value). */
export function gatherColumns(table: Table, names: string[], index: Int32Array, label: string): Column[] {
  return names.map((name): Column => {
    const col = table.columns.find((c) => c.name === name);
    if (!col) throw new BadInputError(`${label}: no feature column "${name}"${suggestion(name, table.columns.map((c) => c.name))}`);
    const n = index.length;
    if (isFloatColumn(col)) {
      const values = new Float64Array(n);
      for (let i = 0; i < n; i++) values[i] = index[i] < 0 ? NaN : col.values[index[i]];
      return { name, type: col.type, values };
    }
    const codes = new Int32Array(n);
    for (let i = 0; i < n; i++) codes[i] = index[i] < 0 ? MISSING_CODE : col.codes[index[i]];
    return { name, type: col.type, codes, levels: col.levels };
  });
}

/**
 * The latest row of each entity among rows with event time > `after` (ties: the last row), in order of each
 * entity's first appearance: what an incremental load writes to the online store.
 */
export function latestPerEntity(side: AsOfSide, after: number): Int32Array {
  const t = timeValues(side);
  const [ids, , nkeys] = compositeIds(side, side);
  const best = new Int32Array(nkeys).fill(-1);
  const firstSeen = new Int32Array(nkeys).fill(-1);
  let seen = 0;
  for (let i = 0; i < ids.length; i++) {
    const k = ids[i];
    if (k < 0 || !(t[i] > after)) continue;
    if (firstSeen[k] < 0) firstSeen[k] = seen++;
    if (best[k] < 0 || t[i] >= t[best[k]]) best[k] = i;
  }
  const out = new Int32Array(seen);
  for (let k = 0; k < nkeys; k++) if (firstSeen[k] >= 0) out[firstSeen[k]] = best[k];
  return out;
}

export interface JoinedView {
  label: string;
  table: Table;
  keys: string[];
  time: string;
  features: string[];
  ttlMs: number;
}

export interface PointInTimeResult {
  table: Table;
  /** Per view: how many entity rows found a value within the TTL. */
  matched: number[];
}

/**
 * The training table: the entity rows with each view's features as of each row's time. The key and time
 * columns are kept; the caller decides what the model sees.
 */
export function pointInTimeJoin(entity: AsOfSide, views: JoinedView[]): PointInTimeResult {
  const columns = [...entity.table.columns];
  const matched: number[] = [];
  for (const v of views) {
    for (const f of v.features) {
      if (columns.some((c) => c.name === f)) throw new BadInputError(`${v.label}: feature "${f}" has the name of a column the entity dataframe already has; rename one of them`);
    }
    // The view's key columns, looked up by the same names in the entity dataframe.
    const index = asOfIndex({ ...entity, keys: v.keys }, { table: v.table, keys: v.keys, time: v.time, label: v.label }, v.ttlMs);
    let m = 0;
    for (let i = 0; i < index.length; i++) if (index[i] >= 0) m++;
    matched.push(m);
    columns.push(...gatherColumns(v.table, v.features, index, v.label));
  }
  return { table: { nrows: entity.table.nrows, columns }, matched };
}
