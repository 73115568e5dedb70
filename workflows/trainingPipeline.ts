/**
 * The training pipeline: ingest → validate → features → train → evaluate → approve → deploy → monitor.
 * It holds the plan and references, never the data; every stage's work is an activity.
 */
import {
  ActivityCancellationType,
  ApplicationFailure,
  ContinueAsNew,
  allHandlersFinished,
  condition,
  makeContinueAsNewFunc,
  patched,
  proxyActivities,
  setHandler,
  sleep,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { msToNumber } from '@temporalio/common/lib/time';
import type { PipelineActivities } from '../activities';
import { AuditLog } from '../src/approval/auditLog';
import { approverIds, judgeDecision } from '../src/approval/decide';
import { parseDecision } from '../src/approval/decisionPayload';
import { verifyDecisionToken } from '../src/approval/identity';
import { AuditWriter } from './auditWriter';
import { failedReasons, primaryMetricProblem } from '../src/contract/checks';
import type { GateState, PipelinePlan, SignedDecision } from '../src/contract/trainingPipeline';
import { describeFailure, failureType, StageTracker } from './engine';
import { PATCHES } from './patches';
import { approveSignal, MESSAGE_DESCRIPTIONS, rejectSignal, statusQuery, type RunStatus } from '../src/contract/messages';
import { BOSUN_CANDIDATE_VERSION, BOSUN_PIPELINE, BOSUN_TRIGGER } from '../src/contract/searchAttributes';
import type { StepLayout, UserStepActivities, UserStepPlan } from '../src/contract/steps';
import {
  PIPELINE_STAGES,
  type DeployResult,
  type EvaluateResult,
  type IngestResult,
  type RunOutcome,
  type StepContext,
  type TrainingPipelineInput,
  type TrainResult,
} from '../src/contract/types';

/**
 * About 2.5 minutes of backoff before a stage gives up: long enough for a database, MinIO or Temporal
 * restart on a busy machine. Bad input is never retried. (Retry options are not commands: histories replay.)
 */
const retry = { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 10, nonRetryableErrorTypes: ['BadInput'] };

/**
 * Data stages: bounded work on one dataset. Every activity heartbeats while it runs (activities/index.ts),
 * so a worker killed mid-stage is noticed within the heartbeat timeout, not at the 10-minute limit. A minute,
 * not less: evaluating a large GBDT scores on the worker's main thread between heartbeats.
 */
const data = proxyActivities<PipelineActivities>({ startToCloseTimeout: '10 minutes', heartbeatTimeout: '60 seconds', retry });

/**
 * Training heartbeats from its own thread, so a worker killed mid-fit is noticed within the heartbeat
 * timeout and the fit resumes on another worker, however long training itself may take.
 */
const trainingOptions = { startToCloseTimeout: '4 hours', heartbeatTimeout: '20 seconds', retry } as const;
const training = proxyActivities<PipelineActivities>(trainingOptions);

/**
 * Training on the deployment's training task queue (BOSUN_TRAINING_TASK_QUEUE, as the pipeline worker's planSteps
 * reports it), so training workers scale apart from the quick stages; the run's own queue when none is set.
 */
function trainingOn(layout: StepLayout | undefined): typeof training {
  const queue = layout?.queues.training;
  return queue ? proxyActivities<PipelineActivities>({ ...trainingOptions, taskQueue: queue }) : training;
}

/** Python steps on the Python workers' task queue; they heartbeat from a thread of their own (python/bosun_worker). */
function pythonOn(layout: StepLayout, kind: UserStepPlan['kind']): UserStepActivities {
  return proxyActivities<UserStepActivities>({
    taskQueue: layout.queues.python,
    startToCloseTimeout: kind === 'train' ? '4 hours' : '1 hour',
    heartbeatTimeout: '60 seconds',
    // A cancelled run waits for the step to stop, as workflows/pythonStep.ts does.
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
    retry,
  });
}

const quick = proxyActivities<PipelineActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '10 seconds', maximumAttempts: 10, nonRetryableErrorTypes: ['BadInput'] },
});

export async function trainingPipeline(input: TrainingPipelineInput, plan: PipelinePlan, resumed?: GateState): Promise<RunOutcome> {
  const { workflowId } = workflowInfo();
  const ctx: StepContext = { runId: workflowId, pipeline: input.pipeline, specHash: input.specHash, noCache: !!input.noCache, ...(input.reproduce ? { reproduce: true } : {}) };
  const tracker = new StageTracker(PIPELINE_STAGES, resumed?.stages);
  const audit = new AuditLog(resumed?.audit);
  /** Set once a blessed candidate waits at the gate; decisions before that are refused as early. */
  let gate: GateState | undefined = resumed;
  let evidence = resumed?.evidence;
  let failure: string | undefined;

  setHandler(
    statusQuery,
    (): RunStatus => {
      const snap = audit.snapshot();
      return {
        runId: workflowId,
        pipeline: input.pipeline,
        stage: tracker.current,
        stages: tracker.stages,
        evidence,
        approval: gate && {
          policy: plan.approval as unknown as Record<string, unknown>,
          approvals: gate.approval.approvals,
          decisions: snap.entries,
          total: snap.total,
          omitted: snap.omitted,
          outcome: gate.approval.outcome,
        },
        error: failure,
      };
    },
    { description: MESSAGE_DESCRIPTIONS.status },
  );

  const writer = new AuditWriter(ctx, resumed?.unwritten);
  /** Before the run ends: every decision that arrived (late ones included) is in the audit table. */
  const settle = async () => {
    await condition(allHandlersFinished);
    await writer.flushed();
  };
  /** Applies a verdict to the gate and puts it in the audit. */
  const record = (kind: 'approve' | 'reject', verdict: ReturnType<typeof judgeDecision>): void => {
    if (gate && verdict.accepted) {
      if (kind === 'approve') gate.approval.approvals.push(verdict.reviewer);
      if (verdict.outcome) gate.approval.outcome = verdict.outcome;
    }
    const entry = audit.append({
      at: new Date().toISOString(),
      decision: kind,
      reviewer: verdict.reviewer,
      comment: verdict.comment,
      accepted: verdict.accepted,
      reason: verdict.reason,
      outcome: verdict.accepted ? verdict.outcome : undefined,
      artifactHash: gate?.approval.artifactHash,
    });
    writer.enqueue({ entry, candidateVersion: gate?.approval.candidateVersion ?? null });
  };
  /** Signed decisions waiting for the gate to check their token against the reviewers' current keys. */
  const toVerify: SignedDecision[] = [...(resumed?.toVerify ?? [])];
  // A handler never throws and never waits: whatever a signal carries, it is judged (refused with a reason
  // if it is bad), and the writer puts it in the audit table. A signed decision under a policy that requires
  // signatures waits for the gate loop, which loads the keys (an activity) and judges it.
  const decide = (kind: 'approve' | 'reject', payload: unknown): void => {
    if (plan.approval.requireSignedDecisions && gate && !gate.approval.outcome) {
      const parsed = parseDecision(payload);
      if (parsed.ok && parsed.decision.token !== undefined) {
        toVerify.push({ kind, decision: parsed.decision });
        return;
      }
    }
    record(kind, judgeDecision(plan.approval, gate?.approval, kind, payload));
  };
  const verifyQueued = async (): Promise<void> => {
    const batch = toVerify.splice(0);
    const keys = await quick.loadReviewerKeys(ctx, approverIds(plan.approval) ?? null);
    for (const { kind, decision } of batch) {
      const g = gate!.approval;
      const identity = verifyDecisionToken(decision.token, keys, { runId: workflowId, decision: kind, modelVersion: g.candidateVersion, modelSha256: g.artifactHash, reviewer: decision.reviewer });
      record(kind, judgeDecision(plan.approval, g, kind, decision, identity));
    }
  };
  setHandler(approveSignal, (d) => decide('approve', d), { description: MESSAGE_DESCRIPTIONS.approve });
  setHandler(rejectSignal, (d) => decide('reject', d), { description: MESSAGE_DESCRIPTIONS.reject });

  try {
    if (!resumed) {
      upsertSearchAttributes([
        { key: BOSUN_PIPELINE, value: input.pipeline },
        { key: BOSUN_TRIGGER, value: input.trigger },
      ]);
      await quick.startRun(ctx, { startedBy: input.startedBy, trigger: input.trigger, codeVersion: input.codeVersion ?? null });
      // The run's user steps and where training goes; runs that started before user steps existed have neither.
      const layout = patched(PATCHES.userSteps) ? await quick.planSteps(ctx) : undefined;
      if (layout) listSteps(tracker, layout.steps);
      const ingested = await tracker.run('ingest', () => data.ingest(ctx, input.dataUri ?? null), describeTable);
      let table: IngestResult = ingested;
      for (const step of layout?.steps ?? []) {
        const from = table;
        if (step.kind === 'transform') table = await tracker.run(step.name, () => transform(ctx, step, from, layout!), describeTable);
      }
      await tracker.run('validate', () => data.validate(ctx, table), (r) => r.summary);
      const features = await tracker.run('features', () => data.features(ctx, table), (r) => `${r.nFeatures} features, ${r.trainRows} train / ${r.testRows} test rows`);
      const trainStep = layout?.steps.find((s) => s.kind === 'train');
      const trained = await tracker.run('train', () => (trainStep ? pythonTrain(ctx, trainStep, table, features, layout!) : train(ctx, features, plan.search, trainingOn(layout))), (r) => (r.version < 0 ? 'artifact rebuilt (reproduction: nothing registered)' : `v${r.version} ${r.trials > 1 ? `(best of ${r.trials} trials)` : ''}`.trim()));
      if (input.reproduce) {
        // `bosun reproduce`: the rebuilt artifact's hash is the answer; nothing is evaluated, approved or deployed.
        for (const stage of ['evaluate', 'approve', 'deploy', 'monitor'] as const) tracker.skip(stage, 'reproduction: stops after train');
        tracker.enter('reproduced');
        await quick.finishRun(ctx, 'succeeded', null);
        await settle();
        return { status: 'reproduced', artifactHash: trained.artifactHash };
      }
      if (trained.modelName !== input.pipeline) {
        // Defence in depth: a version is only ever put to approval by a run of its own pipeline.
        throw ApplicationFailure.nonRetryable(`train returned ${trained.modelName} v${trained.version}, which is not a version of ${input.pipeline}`, 'CrossPipeline');
      }
      const evaluated = await tracker.run('evaluate', () => data.evaluate(ctx, features, trained), describeEvaluation);
      evidence = {
        candidateVersion: trained.version,
        modelSha256: trained.artifactHash,
        metrics: evaluated.metrics,
        championVersion: evaluated.championVersion,
        championMetrics: evaluated.championMetrics,
        gates: evaluated.reasons,
        blessed: evaluated.blessed,
        report: `artifact:sha256:${evaluated.reportHash}`,
        reportCommand: `npx bosun report ${workflowId}`,
        modelCard: `artifact:sha256:${evaluated.modelCardHash}`,
      };
      upsertSearchAttributes([{ key: BOSUN_CANDIDATE_VERSION, value: String(trained.version) }]);
      upsertMemo({ evidence });

      if (!evaluated.blessed) {
        tracker.skip('approve', 'candidate not blessed');
        tracker.skip('deploy', 'candidate not blessed');
        tracker.skip('monitor', 'candidate not blessed');
        tracker.enter('not_blessed');
        await quick.finishRun(ctx, 'failed', `not blessed: ${failedReasons(evaluated).join('; ')}`);
        await settle();
        return { status: 'not_blessed', modelVersion: trained.version, reasons: evaluated.reasons, checks: evaluated.checks };
      }
      const timeout = plan.approval.timeout;
      gate = {
        trained,
        evidence,
        stages: [],
        approval: { candidateVersion: String(trained.version), artifactHash: trained.artifactHash, startedBy: input.startedBy, approvals: [] },
        audit: audit.snapshot(),
        unwritten: [],
        deadline: timeout && !plan.approval.autoApprove ? Date.now() + msToNumber(timeout) : undefined,
        escalated: false,
      };
    }

    const g = gate!;
    const trained = g.trained;
    const signed = { pending: () => toVerify.length > 0, verify: verifyQueued, carried: () => [...toVerify] };
    const decision = await tracker.run('approve', () => awaitApproval(ctx, input, plan, g, audit, writer, signed, tracker, !!resumed), (r) => r);
    // Every decision is in the audit table before anything moves in the registry.
    if (patched(PATCHES.auditBeforeDeploy)) await writer.flushed();
    if (g.approval.outcome !== 'approved') {
      tracker.skip('deploy', decision);
      tracker.skip('monitor', decision);
      tracker.enter('rejected');
      await quick.finishRun(ctx, 'rejected', decision);
      await settle();
      return { status: 'rejected', modelVersion: trained.version, reason: decision };
    }

    const deployed = await tracker.run('deploy', () => deploy(ctx, trained, plan.deploy, tracker), describeDeploy);
    if (deployed.outcome === 'rolled_back') {
      tracker.skip('monitor', 'rolled back');
      tracker.enter('rolled_back');
      await quick.finishRun(ctx, 'failed', failedReasons(deployed).join('; '));
      await settle();
      return { status: 'rolled_back', modelVersion: trained.version, reasons: deployed.reasons, checks: deployed.checks };
    }
    await tracker.run('monitor', () => quick.monitor(ctx, trained), (r) => (r.scheduleId ? `drift schedule ${r.scheduleId}` : 'no drift schedule configured'));
    tracker.enter('done');
    await quick.finishRun(ctx, 'succeeded', null);
    await settle();
    return { status: 'succeeded', modelVersion: trained.version, deployed: true };
  } catch (err) {
    if (err instanceof ContinueAsNew) throw err;
    const stage = tracker.stages.find((s) => s.state === 'failed')?.name ?? tracker.current;
    failure = `${stage}: ${describeFailure(err)}`;
    tracker.enter('failed');
    await quick.finishRun(ctx, 'failed', failure);
    if (patched(PATCHES.notifyRunFailed)) await quick.notify(ctx, 'run_failed', `run ${ctx.runId} (${ctx.pipeline}) failed at ${failure}`).catch(() => undefined);
    await settle();
    // The Web UI shows this message and type: the cause the stage computed, not "Activity task failed".
    throw ApplicationFailure.create({ message: failure, type: failureType(err) ?? 'StageFailed', nonRetryable: true, cause: err as Error });
  }
}

/** Trains once, or fans the search trials out as parallel activities and trains the winner. */
async function train(ctx: StepContext, features: Awaited<ReturnType<PipelineActivities['features']>>, search: boolean, trainer: typeof training): Promise<TrainResult> {
  if (!search) return trainer.train(ctx, features, null, 1);
  const candidates = await quick.planTrials(ctx);
  const trials = await Promise.all(candidates.map((params, i) => trainer.trainTrial(ctx, features, params, i)));
  return trainer.train(ctx, features, trials, trials.length);
}

/** User steps appear in the status list where they run: after ingest, in spec order (state only, no command). */
function listSteps(tracker: StageTracker, steps: UserStepPlan[]): void {
  const at = tracker.stages.findIndex((s) => s.name === 'ingest') + 1;
  const transforms = steps.filter((s) => s.kind === 'transform' && !tracker.stages.some((r) => r.name === s.name));
  tracker.stages.splice(at, 0, ...transforms.map((s) => ({ name: s.name, state: 'pending' as const })));
}

/** A transform step: TypeScript on the pipeline worker in one activity; Python around the Python worker's activity. */
async function transform(ctx: StepContext, step: UserStepPlan, input: IngestResult, layout: StepLayout): Promise<IngestResult> {
  if (step.runtime === 'typescript') return data.transformStep(ctx, step, input);
  const prepared = await data.preparePythonStep(ctx, step, input);
  if (prepared.cached) return prepared.cached;
  const result = await pythonOn(layout, 'transform').bosunTransformStep(prepared.input);
  return data.adoptPythonTransform(ctx, step, input, prepared, result);
}

/** A Python train step: the training rows to the Python worker, its ONNX model registered as the run's version. */
async function pythonTrain(ctx: StepContext, step: UserStepPlan, input: IngestResult, features: Awaited<ReturnType<PipelineActivities['features']>>, layout: StepLayout): Promise<TrainResult> {
  const prepared = await data.preparePythonStep(ctx, step, input, features);
  if (!prepared.input) throw ApplicationFailure.nonRetryable(`step "${step.name}": a train step is never served from the cache`, 'BadInput');
  const result = await pythonOn(layout, 'train').bosunTrainStep(prepared.input);
  return data.registerPythonModel(ctx, step, features, prepared, result);
}

function describeTable(r: IngestResult): string {
  return `${r.rows} rows × ${r.columns} columns`;
}

/** Puts the version in front of traffic, waits out the verification window (a durable timer), and judges it. */
async function deploy(ctx: StepContext, trained: TrainResult, d: PipelinePlan['deploy'], tracker: StageTracker): Promise<DeployResult> {
  const started = await data.beginDeploy(ctx, trained);
  if (d.verifyWindow !== '0s') {
    tracker.enter(started.strategy === 'direct' ? 'verifying' : `verifying_${started.strategy}`);
    await sleep(d.verifyWindow);
  }
  return data.concludeDeploy(ctx, trained, started);
}

function describeDeploy(r: DeployResult): string {
  if (r.outcome === 'rolled_back') return `v${r.version} rolled back: ${failedReasons(r).join('; ')}`;
  return `v${r.version} live (${r.strategy})${r.previousVersion ? `, was v${r.previousVersion}` : ''}`;
}

async function awaitApproval(
  ctx: StepContext,
  input: TrainingPipelineInput,
  plan: PipelinePlan,
  gate: GateState,
  audit: AuditLog,
  writer: AuditWriter,
  signed: { pending: () => boolean; verify: () => Promise<void>; carried: () => SignedDecision[] },
  tracker: StageTracker,
  resumed: boolean,
): Promise<string> {
  const policy = plan.approval;
  const state = gate.approval;
  const system = async (decision: 'auto' | 'timeout', reason: string): Promise<string> => {
    const outcome = decision === 'auto' ? 'approved' : 'timed_out';
    const entry = audit.append({ at: new Date().toISOString(), decision, reviewer: 'bosun', accepted: true, reason, outcome, artifactHash: state.artifactHash });
    writer.enqueue({ entry, candidateVersion: state.candidateVersion });
    await writer.flushed();
    return reason;
  };
  if (policy.autoApprove) {
    state.outcome = 'approved';
    return system('auto', `auto-approved: policy allows it and every gate passed; bound to v${state.candidateVersion} sha256:${state.artifactHash}`);
  }
  tracker.enter('awaiting_approval');
  if (!resumed) await quick.notify(ctx, 'approval_pending', `run ${ctx.runId} (${ctx.pipeline}) v${state.candidateVersion} awaits approval`);
  const decided = () => state.outcome !== undefined;
  const canContinue = patched(PATCHES.gateContinueAsNew);
  const historyTooLong = () => canContinue && workflowInfo().continueAsNewSuggested;
  for (;;) {
    const wake = () => decided() || historyTooLong() || signed.pending();
    const inTime = gate.deadline !== undefined && !gate.escalated ? await condition(wake, Math.max(gate.deadline - Date.now(), 1)) : (await condition(wake), true);
    if (decided()) break;
    if (signed.pending()) {
      await signed.verify();
      continue;
    }
    if (!inTime) {
      if (policy.onTimeout === 'reject') {
        state.outcome = 'timed_out';
        return system('timeout', `no decision within ${policy.timeout}: rejected by policy`);
      }
      gate.escalated = true;
      await quick.notify(ctx, 'approval_escalated', `run ${ctx.runId} (${ctx.pipeline}) has waited ${policy.timeout} for approval`);
      continue;
    }
    // History is getting long (a flood of signals, or many days of waiting): go on as a new execution.
    // Handlers never wait, so none is unfinished; unwritten audit entries go with the new run.
    // Memo (the evidence) and search attributes (so the Web UI still finds it awaiting approval) go with it.
    const info = workflowInfo();
    const goOn = makeContinueAsNewFunc<typeof trainingPipeline>({ memo: info.memo, typedSearchAttributes: info.typedSearchAttributes });
    await goOn(input, plan, { ...gate, stages: tracker.stages, audit: audit.snapshot(), unwritten: writer.unwritten(), toVerify: signed.carried() });
  }
  const last = audit.lastAccepted();
  return last ? last.reason : String(state.outcome);
}

function describeEvaluation(r: EvaluateResult): string {
  // An undefined primary metric is never blessed; say why rather than "undefined".
  const why = primaryMetricProblem(r);
  if (why) return why;
  const m = r.metrics[r.primaryMetric];
  const champ = r.championMetrics?.[r.primaryMetric];
  const vs = champ === undefined ? '' : ` vs champion ${champ.toFixed(4)}`;
  return `${r.primaryMetric} ${m?.toFixed(4)}${vs}: ${r.blessed ? 'blessed' : 'not blessed'}`;
}
