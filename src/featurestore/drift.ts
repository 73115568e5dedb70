/**
 * Drift of a feature view's own values, not only of a model's prediction log: the view's rows in a reference
 * event-time window against those in a current window, with the same profiles, statistics and policy as the
 * model drift check (src/drift). A feature that shifts shows here before any model that uses it is retrained.
 */
import { takeRows, type Table } from '../data/table';
import { assessDrift, buildDriftProfile, DriftAccumulator, type DriftPolicyInput, type DriftReport } from '../drift';
import { BadInputError } from '../pipeline/errors';
import type { StageDeps } from '../pipeline/deps';
import { timeValues } from './asof';
import { findFeatureView } from './registry';
import { readViewTable, viewLabel } from './source';
import type { VersionedFeatureView } from './spec';

export interface TimeWindow {
  /** Inclusive, epoch ms. */
  from: number;
  /** Exclusive, epoch ms. */
  to: number;
}

export interface FeatureViewDrift extends DriftReport {
  view: string;
  version: string;
  referenceRows: number;
  currentRows: number;
}

/** Rows of the view's table with event time in the window. */
function rowsIn(v: VersionedFeatureView, table: Table, w: TimeWindow): Table {
  const t = timeValues({ table, keys: v.view.entity, time: v.view.timestamp, label: viewLabel(v) });
  const idx: number[] = [];
  for (let i = 0; i < t.length; i++) if (t[i] >= w.from && t[i] < w.to) idx.push(i);
  return takeRows(table, idx);
}

export function viewTableDrift(v: VersionedFeatureView, table: Table, reference: TimeWindow, current: TimeWindow, policy: DriftPolicyInput = {}): FeatureViewDrift {
  const ref = rowsIn(v, table, reference);
  const cur = rowsIn(v, table, current);
  const span = (w: TimeWindow) => `${new Date(w.from).toISOString()} to ${new Date(w.to).toISOString()}`;
  if (ref.nrows === 0) throw new BadInputError(`${viewLabel(v)}: no rows with ${v.view.timestamp} from ${span(reference)} to use as the reference`);
  const profile = buildDriftProfile(ref, { features: v.view.features });
  const acc = new DriftAccumulator(profile, { seed: 0 });
  acc.addTable(cur);
  const report = assessDrift(profile, acc, policy);
  return { ...report, view: v.view.name, version: v.version, referenceRows: ref.nrows, currentRows: cur.nrows };
}

export async function featureViewDrift(
  deps: Pick<StageDeps, 'db' | 'store' | 'config'>,
  ref: string,
  reference: TimeWindow,
  current: TimeWindow,
  policy: DriftPolicyInput = {},
): Promise<FeatureViewDrift> {
  const v = await findFeatureView(deps.db, ref);
  const { table } = await readViewTable(deps, v);
  return viewTableDrift(v, table, reference, current, policy);
}
