/**
 * The pipeline's activities: thin wrappers that hand each stage its dependencies, heartbeat progress and
 * turn bad input into a non-retryable failure. The work itself lives in src/pipeline.
 */
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import type { AppDeps } from '../src/app';
import { BadInputError } from '../src/pipeline/errors';
import type { StageDeps } from '../src/pipeline/deps';
import { finishRun, recordApproval, startRun } from '../src/pipeline/runs';
import { deployStage } from '../src/pipeline/stages/deploy';
import { evaluateStage } from '../src/pipeline/stages/evaluate';
import { featuresStage } from '../src/pipeline/stages/features';
import { ingestStage } from '../src/pipeline/stages/ingest';
import { monitorStage } from '../src/pipeline/stages/monitor';
import { planTrials, trainStage, trainTrial } from '../src/pipeline/stages/train';
import { validateStage } from '../src/pipeline/stages/validate';
import { notify } from '../src/notify/webhook';
import { runDriftCheck } from '../src/monitor/driftCheck';
import { planRetrain, recordRetrain } from '../src/monitor/retrain';
import { noop } from './noop';
import type { StepContext, TrainResult } from '../workflows/types';

export interface ActivityDeps extends Omit<AppDeps, 'close'> {
  /** For activities that talk to Temporal themselves (the monitor stage's schedule). */
  temporal: Client;
}

export function createActivities(deps: ActivityDeps) {
  const stage = (): StageDeps => {
    const ctx = currentContext();
    return { config: deps.config, db: deps.db, store: deps.store, signal: ctx?.cancellationSignal, progress: (details) => ctx?.heartbeat(details) };
  };
  const guard =
    <A extends unknown[], R>(fn: (d: StageDeps, ...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      try {
        return await fn(stage(), ...args);
      } catch (err) {
        if (err instanceof BadInputError) throw ApplicationFailure.nonRetryable(err.message, 'BadInput');
        throw err;
      }
    };

  return {
    noop,
    startRun: guard(startRun),
    finishRun: guard(finishRun),
    recordApproval: guard(recordApproval),
    notify: guard((d, ctx: Parameters<typeof notify>[1], event: string, message: string) => notify(d, ctx, event, message)),
    ingest: guard(ingestStage),
    validate: guard(validateStage),
    features: guard(featuresStage),
    planTrials: guard(planTrials),
    trainTrial: guard(trainTrial),
    train: guard(trainStage),
    evaluate: guard(evaluateStage),
    deploy: guard(deployStage),
    checkDrift: guard(runDriftCheck),
    planRetrain: guard(planRetrain),
    recordRetrain: guard(recordRetrain),
    monitor: guard((d, ctx: StepContext, trained: TrainResult) => monitorStage({ ...d, temporal: deps.temporal }, ctx, trained)),
  };
}

export type PipelineActivities = ReturnType<typeof createActivities>;

/** The activity context, or null when a stage is called directly (tests, scripts). */
function currentContext(): Context | null {
  try {
    return Context.current();
  } catch {
    return null;
  }
}
