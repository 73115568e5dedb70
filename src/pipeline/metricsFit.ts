/** The metrics a pipeline names, checked against the task the data turned out to have. */
import { formatSpecPath, metricMisfits, type TaskKind } from '../evaluate/spec';
import { searchMetricOf, searchMetricPath } from '../ml/onnx/spec';
import { BadInputError } from './errors';
import type { PipelineSpec } from './spec';

/**
 * With the task known from the data, a metric that cannot be computed for it (`primaryMetric: "r2"` on a
 * binary target) is bad input: refused at once, before training spends time on it and fails at every retry.
 */
export function assertMetricsFit(spec: Pick<PipelineSpec, 'evaluation' | 'model' | 'target' | 'task'>, kind: TaskKind): void {
  const misfits = metricMisfits({ evaluation: spec.evaluation, searchMetric: searchMetricOf(spec.model), searchMetricPath: searchMetricPath(spec.model) }, kind, spec.target);
  if (misfits.length === 0) return;
  const inferred = spec.task ? '' : ' (inferred from the data; set `task` to choose another)';
  throw new BadInputError(
    `the pipeline names metrics that do not apply to its ${kind} task${inferred}: ${misfits.map((m) => `${formatSpecPath(m.path)}: ${m.message}`).join('; ')}`,
  );
}
