import type { WorkflowBundle } from '@temporalio/worker';
import { bundlePipelineWorkflows } from '../../../workers/createWorker';

let bundle: Promise<WorkflowBundle> | undefined;

/** Bundling the workflows takes seconds; do it once per test file. */
export function bundleOnce(): Promise<WorkflowBundle> {
  bundle ??= bundlePipelineWorkflows();
  return bundle;
}
