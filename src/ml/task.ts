import { z } from 'zod';

/**
 * What a model predicts. Targets are always a Float64Array: the class index (0..k-1, into `classes`)
 * for classification, the value itself for regression.
 */
export type Task =
  | { kind: 'binary'; classes: [string, string] }
  | { kind: 'multiclass'; classes: string[] }
  | { kind: 'regression' };

export type ClassificationTask = Extract<Task, { kind: 'binary' | 'multiclass' }>;

export const taskSchema = z.union([
  z.object({ kind: z.literal('binary'), classes: z.tuple([z.string(), z.string()]) }),
  z.object({ kind: z.literal('multiclass'), classes: z.array(z.string()).min(2) }),
  z.object({ kind: z.literal('regression') }),
]);

/** Number of classes, or 1 for regression. */
export function classCount(task: Task): number {
  return task.kind === 'regression' ? 1 : task.classes.length;
}

/**
 * Throws a descriptive error if targets do not fit the task (wrong length, non-integer or out-of-range
 * class index, non-finite regression value), so that bad data fails here rather than as NaN weights later.
 */
export function checkTargets(y: Float64Array, task: Task, expectedLength: number): void {
  if (y.length !== expectedLength) {
    throw new Error(
      `target has ${y.length} values but the feature matrix has ${expectedLength} rows; they must match one to one`,
    );
  }
  if (task.kind === 'regression') {
    for (let i = 0; i < y.length; i++) {
      if (!Number.isFinite(y[i])) {
        throw new Error(
          `regression target at row ${i} is ${y[i]}; targets must be finite numbers (drop or impute rows with missing targets)`,
        );
      }
    }
    return;
  }
  const k = task.classes.length;
  for (let i = 0; i < y.length; i++) {
    const v = y[i];
    if (!Number.isInteger(v) || v < 0 || v >= k) {
      throw new Error(
        `class target at row ${i} is ${v}; expected a class index 0..${k - 1} into [${task.classes.join(', ')}]`,
      );
    }
  }
}
