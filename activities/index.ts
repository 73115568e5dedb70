/**
 * The pipeline's activities: thin wrappers that hand each stage its dependencies, heartbeat progress and
 * turn bad input into a non-retryable failure. The work itself lives in src/pipeline.
 */
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import type { AppDeps } from '../src/app';
import { BadInputError } from '../src/pipeline/errors';
import type { StageDeps } from '../src/pipeline/deps';
import { finishRun, recordApproval, startRun, type RunEnd } from '../src/pipeline/runs';
import type { PipelineMetrics } from '../src/metrics/pipelineMetrics';
import { beginDeploy, concludeDeploy } from '../src/pipeline/stages/deploy';
import { evaluateStage } from '../src/pipeline/stages/evaluate';
import { featuresStage } from '../src/pipeline/stages/features';
import { ingestStage } from '../src/pipeline/stages/ingest';
import { monitorStage } from '../src/pipeline/stages/monitor';
import { planTrials, trainStage, trainTrial } from '../src/pipeline/stages/train';
import { validateStage } from '../src/pipeline/stages/validate';
import { scoreDataset } from '../src/pipeline/stages/score';
import { notify } from '../src/notify/webhook';
import { runDriftCheck, type DriftCheckInput } from '../src/monitor/driftCheck';
import { planRetrain, recordRetrain } from '../src/monitor/retrain';
import { noop } from './noop';
import { createFeatureStoreActivities } from './featureStore';
import { loadReviewerKeys } from '../src/approval/reviewerKeys';
import type { IngestResult, StepContext, TrainResult } from '../src/contract/types';
import type { UserStepPlan, UserStepResult } from '../src/contract/steps';
import { StepRegistry } from '../src/pipeline/userSteps/registry';
import { planSteps, typescriptTransform } from '../src/pipeline/userSteps/transform';
import { adoptPythonTransform, preparePythonStep, registerPythonModel } from '../src/pipeline/userSteps/python';

export interface ActivityDeps extends Omit<AppDeps, 'close' | 'pglite'> {
  /** For activities that talk to Temporal themselves (the monitor stage's schedule). */
  temporal: Client;
  /** Prometheus metrics of this worker; omitted in tests that do not look at them. */
  metrics?: PipelineMetrics;
  /** The TypeScript steps this worker may run (BOSUN_PIPELINES); none when omitted. */
  userSteps?: StepRegistry;
}

/** Well inside the workflows' shortest heartbeat timeout (20 s); the SDK throttles what it sends anyway. */
const HEARTBEAT_EVERY_MS = 3000;

export function createActivities(deps: ActivityDeps) {
  const stage = (ctx: Context | null, onProgress: (details: unknown) => void): StageDeps => ({
    config: deps.config,
    db: deps.db,
    store: deps.store,
    signal: ctx?.cancellationSignal,
    progress: (details) => {
      onProgress(details);
      ctx?.heartbeat(details);
    },
  });
  const m = deps.metrics;
  const userSteps = deps.userSteps ?? new StepRegistry();
  /**
   * Binds a stage to its dependencies, times it, heartbeats while it runs (so a dead worker is noticed
   * within the workflow's heartbeat timeout), and turns bad input into a non-retryable failure.
   */
  const guard =
    <A extends unknown[], R>(name: string, fn: (d: StageDeps, ...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      const end = m?.stageDuration.startTimer({ stage: name });
      const ctx = currentContext();
      // Re-sends the stage's latest progress, so `bosun run --follow` keeps showing it between updates.
      let latest: unknown = { stage: name };
      const beat = ctx ? setInterval(() => ctx.heartbeat(latest), HEARTBEAT_EVERY_MS) : undefined;
      try {
        const result = await fn(stage(ctx, (d) => (latest = d)), ...args);
        end?.({ outcome: 'ok' });
        return result;
      } catch (err) {
        end?.({ outcome: err instanceof BadInputError ? 'bad_input' : 'error' });
        // Subclasses keep their own type (e.g. StepCodeUnavailable), so the Web UI names the cause.
        if (err instanceof BadInputError) throw ApplicationFailure.nonRetryable(err.message, err.name);
        throw err;
      } finally {
        clearInterval(beat);
      }
    };

  return {
    noop,
    startRun: guard('start_run', startRun),
    finishRun: guard('finish_run', async (d, ctx: StepContext, status: RunEnd, error: string | null) => {
      await finishRun(d, ctx, status, error);
      m?.runs.inc({ pipeline: ctx.pipeline, outcome: status });
    }),
    recordApproval: guard('record_approval', recordApproval),
    /** The reviewers' active public keys, read when a signed decision arrives (so a revoked key stops counting). */
    loadReviewerKeys: guard('load_reviewer_keys', (d, _ctx: StepContext, reviewers: string[] | null) => loadReviewerKeys(d.db, reviewers ?? undefined)),
    notify: guard('notify', async (d, ctx: Parameters<typeof notify>[1], event: string, message: string) => {
      try {
        const r = await notify(d, ctx, event, message);
        m?.notifications.inc({ event, outcome: r.delivered ? 'delivered' : 'logged' });
        return r;
      } catch (err) {
        m?.notifications.inc({ event, outcome: 'failed' });
        throw err;
      }
    }),
    ingest: guard('ingest', ingestStage),
    validate: guard('validate', validateStage),
    features: guard('features', featuresStage),
    /** The run's user steps and the task queues of this deployment (training, Python). */
    planSteps: guard('plan_steps', planSteps),
    /** A TypeScript transform step, with the code this worker registered for it. */
    transformStep: guard('user_step', (d, ctx: StepContext, plan: UserStepPlan, input: IngestResult) => typescriptTransform(d, userSteps, ctx, plan, input)),
    preparePythonStep: guard('user_step', preparePythonStep),
    adoptPythonTransform: guard('user_step', (d, ctx: StepContext, plan: UserStepPlan, input: IngestResult, prepared: { key: string; startedMs: number }, result: UserStepResult) => adoptPythonTransform(d, ctx, plan, input, prepared, result)),
    registerPythonModel: guard('user_step', registerPythonModel),
    planTrials: guard('plan_trials', planTrials),
    trainTrial: guard('train_trial', trainTrial),
    train: guard('train', trainStage),
    evaluate: guard('evaluate', evaluateStage),
    beginDeploy: guard('deploy', beginDeploy),
    concludeDeploy: guard('verify_deploy', concludeDeploy),
    checkDrift: guard('drift_check', async (d, input: DriftCheckInput) => {
      const r = await runDriftCheck(d, input);
      if (m) {
        for (const f of r.featureScores) {
          if (f.psi !== null) m.driftScore.set({ model: r.modelName, feature: f.name, statistic: 'psi' }, f.psi);
          if (f.js !== null) m.driftScore.set({ model: r.modelName, feature: f.name, statistic: 'js' }, f.js);
        }
        m.driftLastCheck.set({ model: r.modelName }, Date.now() / 1000);
        if (r.drifted) m.driftDetected.inc({ model: r.modelName });
      }
      return r;
    }),
    scoreDataset: guard('score', scoreDataset),
    planRetrain: guard('plan_retrain', planRetrain),
    recordRetrain: guard('record_retrain', recordRetrain),
    monitor: guard('monitor', (d, ctx: StepContext, trained: TrainResult) => monitorStage({ ...d, temporal: deps.temporal }, ctx, trained)),
    ...createFeatureStoreActivities(deps),
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
