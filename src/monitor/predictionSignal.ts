/**
 * The one number or label per prediction that drift monitoring watches, derived the same way from a
 * model's output matrix (at training time) and from a logged serving response (at check time):
 * binary → probability of the positive class; multiclass → predicted label; regression → the value.
 */
import { decodeClass } from '../ml/classes';
import type { Task } from '../ml/task';

export type Signal = Float64Array | (string | null)[];

export function signalFromMatrix(task: Task, preds: Float64Array): Signal {
  if (task.kind === 'regression') return preds;
  const k = task.classes.length;
  const n = preds.length / k;
  if (task.kind === 'binary') return Float64Array.from({ length: n }, (_, i) => preds[i * 2 + 1]);
  const out: string[] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = decodeClass(task.classes, preds, i);
  return out;
}

/** A logged prediction as serving writes it: a number (regression) or { label, probabilities }. */
export function signalFromLogged(task: Task, outputs: unknown[]): Signal {
  if (task.kind === 'regression') return Float64Array.from(outputs, (o) => (typeof o === 'number' ? o : NaN));
  if (task.kind === 'binary') {
    const positive = task.classes[1];
    return Float64Array.from(outputs, (o) => {
      const p = (o as { probabilities?: Record<string, number> } | null)?.probabilities?.[positive];
      return typeof p === 'number' ? p : NaN;
    });
  }
  return outputs.map((o) => {
    const label = (o as { label?: unknown } | null)?.label;
    return typeof label === 'string' ? label : null;
  });
}
