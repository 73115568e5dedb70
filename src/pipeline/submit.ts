/** Starts a training-pipeline run on Temporal: the one place a run is submitted (CLI, drift trigger, tests). */
import { isSelectionSpec } from '../ml/onnx/spec';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { Client, WorkflowHandle } from '@temporalio/client';
import type { ArtifactStore } from '../storage';
import { BOSUN_PIPELINE, BOSUN_STAGE, BOSUN_TRIGGER } from '../contract/searchAttributes';
import { TRAINING_PIPELINE, type PipelinePlan, type TrainingPipelineWorkflow } from '../contract/trainingPipeline';
import type { TrainingPipelineInput } from '../contract/types';
import type { PreparedSpec } from './loadPipeline';
import type { PipelineSpec } from './spec';
import { storeSpec } from './specStore';

export interface SubmitOptions {
  client: Client;
  store: ArtifactStore;
  taskQueue: string;
  prepared: PreparedSpec;
  startedBy: string;
  trigger?: TrainingPipelineInput['trigger'];
  noCache?: boolean;
  workflowId?: string;
}

export async function submitRun(o: SubmitOptions): Promise<WorkflowHandle<TrainingPipelineWorkflow>> {
  const { spec, raw } = o.prepared;
  const specHash = await storeSpec(o.store, raw);
  const input: TrainingPipelineInput = {
    pipeline: spec.name,
    specHash,
    startedBy: o.startedBy,
    trigger: o.trigger ?? 'manual',
    noCache: o.noCache,
    codeVersion: gitCommit(),
  };
  const plan = planOf(spec);
  const workflowId = o.workflowId ?? `${spec.name}-${new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14)}-${randomBytes(2).toString('hex')}`;
  return o.client.workflow.start<TrainingPipelineWorkflow>(TRAINING_PIPELINE, {
    taskQueue: o.taskQueue,
    workflowId,
    args: [input, plan],
    typedSearchAttributes: [
      { key: BOSUN_PIPELINE, value: spec.name },
      { key: BOSUN_STAGE, value: 'starting' },
      { key: BOSUN_TRIGGER, value: input.trigger },
    ],
    memo: { pipeline: spec.name, startedBy: o.startedBy },
  });
}

/** What the workflow needs of a spec to steer (the rest it leaves to the activities, which read the spec). */
export function planOf(spec: PipelineSpec): PipelinePlan {
  return { search: !!spec.model.search || isSelectionSpec(spec.model), approval: spec.approval, deploy: { strategy: spec.deploy.strategy, verifyWindow: spec.deploy.verifyWindow } };
}

function gitCommit(): string | undefined {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim() || undefined;
  } catch {
    return undefined;
  }
}
