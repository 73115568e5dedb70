import type { Table } from '../data/table';
import { autoFeaturesSpec } from './auto';
import { FEATURES_FORMAT, FEATURES_VERSION, type FittedFeatures, type FittedStep } from './fitted';
import { Frame, tableRowLabel } from './frame';
import { applyStep, fitStep } from './ops';
import { FeaturesSpecError, type FeaturesSpec, type StepsFeaturesSpec } from './spec';
import { planFeatures } from './validate';

export interface FitOptions {
  /** The model's target: excluded from the features, and an error if a step names it. */
  target?: string;
}

/**
 * Learns every step's parameters from `table`, which must be the training split only: statistics from validation or
 * test rows would leak into the model's inputs. Each step is fitted on the output of the steps before it (so
 * standardize sees imputed values), by applying each fitted step as soon as it is learned, with the same code that
 * transformTable runs later.
 */
export function fitFeatures(spec: FeaturesSpec, table: Table, opts: FitOptions = {}): FittedFeatures {
  const notes: string[] = [];
  let resolved: StepsFeaturesSpec;
  if (spec.auto) {
    const auto = autoFeaturesSpec(table, opts.target);
    resolved = auto.spec;
    notes.push(...auto.notes);
  } else resolved = spec;

  const plan = planFeatures(
    resolved,
    table.columns.map((c) => ({ name: c.name, type: c.type })),
    opts,
  );
  if (plan.issues.length > 0) throw new FeaturesSpecError(plan.issues);
  if (table.nrows === 0) throw new Error('fitFeatures: the training table has no rows; there is nothing to learn from');

  const frame = Frame.fromTable(table, plan.inputs, 'fitFeatures');
  const stepsPath = resolved.stepsPath ?? 'features';
  const steps: FittedStep[] = resolved.steps.map((step, i) => {
    const ctx = { where: `${stepsPath}[${i}].${step.op}`, label: tableRowLabel, notes };
    const fitted = fitStep(step, frame, ctx);
    applyStep(fitted, frame, ctx);
    return fitted;
  });

  const outputNames = frame.names().filter((n) => resolved.passthrough === 'keep' || frame.touched(n));
  frame.floats(outputNames); // every output must be numeric; planFeatures should already have guaranteed it
  return {
    format: FEATURES_FORMAT,
    version: FEATURES_VERSION,
    inputSchema: plan.inputs,
    target: opts.target ?? null,
    passthrough: resolved.passthrough,
    steps,
    outputNames: [...outputNames],
    notes,
  };
}
