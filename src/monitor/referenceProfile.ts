/**
 * The reference profile stored with every model version: the training rows' input columns (as serving will
 * receive them) and the model's prediction signal on them. Drift checks then read only the current window.
 */
import { buildDriftProfile, type DriftProfile } from '../drift/profile';
import type { Table } from '../data/table';
import type { FittedFeatures } from '../features';
import type { Task } from '../ml/task';
import { signalFromMatrix } from './predictionSignal';

export function referenceProfile(trainRows: Table, fitted: FittedFeatures, task: Task, preds: Float64Array): DriftProfile {
  const inputs = fitted.inputSchema.filter((c) => c.type !== 'text').map((c) => c.name);
  const signal = signalFromMatrix(task, preds);
  return buildDriftProfile(trainRows, { features: inputs, predictions: signal });
}
