/**
 * The code identity of a TypeScript step: sha256 of its function's source text. Part of the step's cache key
 * (with the input table, its params and Bosun's own source hash), and checked by the worker against the code
 * it has registered.
 *
 * Why the function's text and not the pipeline file's bytes: editing a gate, a description or another step in
 * the same file must not re-run this step; and the step may live in a module of its own. This is what ZenML
 * does for its step cache (the step's source). What it cannot see: helpers the function calls that are defined
 * outside its body. A step that leans on such code says so with a `params.codeVersion` it bumps (params are in
 * the key), or runs with --no-cache (docs/custom-steps.md).
 */
import { createHash } from 'node:crypto';
import { isPythonStep, type StepSpecInput } from './spec';

export function stepCodeHash(fn: (...args: never[]) => unknown): string {
  return createHash('sha256').update('bosun-typescript-step\0').update(fn.toString()).digest('hex');
}

/**
 * The spec as stored for the run: every TypeScript step carries the hash of the function the submitter had
 * (the stored JSON has no functions). Anything not shaped like steps is left for validation to report.
 */
export function withStepCodeHashes<T extends { steps?: unknown }>(raw: T): T {
  if (!Array.isArray(raw.steps)) return raw;
  const steps = raw.steps.map((s: unknown) => {
    if (typeof s !== 'object' || s === null) return s;
    const step = s as StepSpecInput;
    if (isPythonStep(step) || typeof step.run !== 'function') return s;
    return { ...step, codeHash: stepCodeHash(step.run) };
  });
  return { ...raw, steps };
}
