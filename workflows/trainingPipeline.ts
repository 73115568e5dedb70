/**
 * The training pipeline: ingest → validate → features → train → evaluate → approve → deploy → monitor.
 * It holds the plan and references, never the data; every stage's work is an activity.
 */
import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  proxyActivities,
  setHandler,
  sleep,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { PipelineActivities } from '../activities';
import { judgeDecision, type ApprovalPolicy, type ApprovalState } from '../src/approval/decide';
import { StageTracker } from './engine';
import { approveSignal, MESSAGE_DESCRIPTIONS, rejectSignal, statusQuery, type AuditEntry, type RunStatus } from './messages';
import { BOSUN_CANDIDATE_VERSION, BOSUN_PIPELINE, BOSUN_TRIGGER } from './searchAttributes';
import { PIPELINE_STAGES, type DeployResult, type EvaluateResult, type RunOutcome, type StepContext, type TrainingPipelineInput, type TrainResult } from './types';

/** What the workflow needs to know of the spec to steer; the activities read the rest from the spec artifact. */
export interface PipelinePlan {
  search: boolean;
  approval: ApprovalPolicy;
  deploy: { strategy: 'direct' | 'canary' | 'shadow'; verifyWindow: string };
}

const retry = { initialInterval: '1 second', maximumInterval: '30 seconds', maximumAttempts: 5, nonRetryableErrorTypes: ['BadInput'] };

/** Data stages: bounded work on one dataset. A worker that dies mid-way is noticed at the timeout. */
const data = proxyActivities<PipelineActivities>({ startToCloseTimeout: '10 minutes', retry });

/**
 * Training heartbeats from its own thread, so a worker killed mid-fit is noticed within the heartbeat
 * timeout and the fit resumes on another worker, however long training itself may take.
 */
const training = proxyActivities<PipelineActivities>({ startToCloseTimeout: '4 hours', heartbeatTimeout: '20 seconds', retry });

const quick = proxyActivities<PipelineActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '10 seconds', maximumAttempts: 10, nonRetryableErrorTypes: ['BadInput'] },
});

export async function trainingPipeline(input: TrainingPipelineInput, plan: PipelinePlan): Promise<RunOutcome> {
  const { workflowId } = workflowInfo();
  const ctx: StepContext = { runId: workflowId, pipeline: input.pipeline, specHash: input.specHash, noCache: !!input.noCache };
  const tracker = new StageTracker(PIPELINE_STAGES);
  const audit: AuditEntry[] = [];
  let approval: ApprovalState | undefined;
  let evidence: Record<string, unknown> | undefined;
  let failure: string | undefined;

  upsertSearchAttributes([
    { key: BOSUN_PIPELINE, value: input.pipeline },
    { key: BOSUN_TRIGGER, value: input.trigger },
  ]);

  setHandler(
    statusQuery,
    (): RunStatus => ({
      runId: workflowId,
      pipeline: input.pipeline,
      stage: tracker.current,
      stages: tracker.stages,
      evidence,
      approval: approval && {
        policy: plan.approval as unknown as Record<string, unknown>,
        approvals: approval.approvals,
        decisions: audit,
        outcome: approval.outcome,
      },
      error: failure,
    }),
    { description: MESSAGE_DESCRIPTIONS.status },
  );

  const decide = async (kind: 'approve' | 'reject', payload: unknown): Promise<void> => {
    const p = (typeof payload === 'object' && payload !== null ? payload : {}) as Record<string, unknown>;
    const reviewer = typeof p.reviewer === 'string' ? p.reviewer : '(unknown)';
    const comment = typeof p.comment === 'string' ? p.comment : undefined;
    if (!approval) {
      const entry: AuditEntry = { at: new Date().toISOString(), decision: kind, reviewer, comment, accepted: false, reason: 'early: no candidate is awaiting approval yet' };
      await quick.recordApproval(ctx, entry, null, audit.push(entry) - 1);
      return;
    }
    const verdict = judgeDecision(plan.approval, approval, kind, payload);
    if (verdict.accepted && kind === 'approve') approval.approvals.push(reviewer.trim());
    if (verdict.accepted && verdict.outcome) approval.outcome = verdict.outcome;
    const entry: AuditEntry = { at: new Date().toISOString(), decision: kind, reviewer, comment, accepted: verdict.accepted, reason: verdict.reason };
    await quick.recordApproval(ctx, entry, approval.candidateVersion, audit.push(entry) - 1);
  };
  setHandler(approveSignal, (d) => decide('approve', d), { description: MESSAGE_DESCRIPTIONS.approve });
  setHandler(rejectSignal, (d) => decide('reject', d), { description: MESSAGE_DESCRIPTIONS.reject });

  await quick.startRun(ctx, { startedBy: input.startedBy, trigger: input.trigger, codeVersion: input.codeVersion ?? null });
  try {
    const ingested = await tracker.run('ingest', () => data.ingest(ctx, input.dataUri ?? null), (r) => `${r.rows} rows × ${r.columns} columns`);
    await tracker.run('validate', () => data.validate(ctx, ingested), (r) => r.summary);
    const features = await tracker.run('features', () => data.features(ctx, ingested), (r) => `${r.nFeatures} features, ${r.trainRows} train / ${r.testRows} test rows`);
    const trained = await tracker.run('train', () => train(ctx, features, plan.search), (r) => `v${r.version} ${r.trials > 1 ? `(best of ${r.trials} trials)` : ''}`.trim());
    const evaluated = await tracker.run('evaluate', () => data.evaluate(ctx, features, trained), describeEvaluation);
    evidence = {
      candidateVersion: trained.version,
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
      await quick.finishRun(ctx, 'failed', `not blessed: ${evaluated.reasons.filter((r) => r.includes('✗')).join('; ')}`);
      return { status: 'not_blessed', modelVersion: trained.version, reasons: evaluated.reasons };
    }

    approval = { candidateVersion: String(trained.version), startedBy: input.startedBy, approvals: [] };
    const decision = await tracker.run('approve', () => awaitApproval(ctx, plan.approval, approval!, audit, tracker), (r) => r);
    if (approval.outcome !== 'approved') {
      tracker.skip('deploy', decision);
      tracker.skip('monitor', decision);
      tracker.enter('rejected');
      await quick.finishRun(ctx, 'rejected', decision);
      await condition(allHandlersFinished);
      return { status: 'rejected', modelVersion: trained.version, reason: decision };
    }

    const deployed = await tracker.run('deploy', () => deploy(ctx, trained, plan.deploy, tracker), describeDeploy);
    if (deployed.outcome === 'rolled_back') {
      tracker.skip('monitor', 'rolled back');
      tracker.enter('rolled_back');
      await quick.finishRun(ctx, 'failed', deployed.reasons.filter((r) => r.endsWith('✗')).join('; '));
      await condition(allHandlersFinished);
      return { status: 'rolled_back', modelVersion: trained.version, reasons: deployed.reasons };
    }
    await tracker.run('monitor', () => quick.monitor(ctx, trained), (r) => (r.scheduleId ? `drift schedule ${r.scheduleId}` : 'no drift schedule configured'));
    tracker.enter('done');
    await quick.finishRun(ctx, 'succeeded', null);
    await condition(allHandlersFinished);
    return { status: 'succeeded', modelVersion: trained.version, deployed: true };
  } catch (err) {
    failure = (err as Error).message;
    tracker.enter('failed');
    await quick.finishRun(ctx, 'failed', describeFailure(err));
    throw err;
  }
}

/** Trains once, or fans the search trials out as parallel activities and trains the winner. */
async function train(ctx: StepContext, features: Awaited<ReturnType<PipelineActivities['features']>>, search: boolean): Promise<TrainResult> {
  if (!search) return training.train(ctx, features, null, 1);
  const candidates = await quick.planTrials(ctx);
  const trials = await Promise.all(candidates.map((params, i) => training.trainTrial(ctx, features, params, i)));
  return training.train(ctx, features, trials, trials.length);
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
  if (r.outcome === 'rolled_back') return `v${r.version} rolled back: ${r.reasons.filter((x) => x.endsWith('✗')).join('; ')}`;
  return `v${r.version} live (${r.strategy})${r.previousVersion ? `, was v${r.previousVersion}` : ''}`;
}

async function awaitApproval(ctx: StepContext, policy: ApprovalPolicy, state: ApprovalState, audit: AuditEntry[], tracker: StageTracker): Promise<string> {
  if (policy.autoApprove) {
    state.outcome = 'approved';
    const entry: AuditEntry = { at: new Date().toISOString(), decision: 'auto', reviewer: 'bosun', accepted: true, reason: 'auto-approved: policy allows it and every gate passed' };
    await quick.recordApproval(ctx, entry, state.candidateVersion, audit.push(entry) - 1);
    return entry.reason;
  }
  tracker.enter('awaiting_approval');
  await quick.notify(ctx, 'approval_pending', `run ${ctx.runId} (${ctx.pipeline}) v${state.candidateVersion} awaits approval`);
  const decided = () => state.outcome !== undefined;
  if (policy.timeout) {
    if (!(await condition(decided, policy.timeout))) {
      if (policy.onTimeout === 'reject') {
        state.outcome = 'timed_out';
        const entry: AuditEntry = { at: new Date().toISOString(), decision: 'timeout', reviewer: 'bosun', accepted: true, reason: `no decision within ${policy.timeout}: rejected by policy` };
        await quick.recordApproval(ctx, entry, state.candidateVersion, audit.push(entry) - 1);
        return entry.reason;
      }
      await quick.notify(ctx, 'approval_escalated', `run ${ctx.runId} (${ctx.pipeline}) has waited ${policy.timeout} for approval`);
      await condition(decided);
    }
  } else {
    await condition(decided);
  }
  const last = audit.filter((a) => a.accepted).at(-1);
  return last ? last.reason : String(state.outcome);
}

function describeEvaluation(r: EvaluateResult): string {
  const m = r.metrics[r.primaryMetric];
  const champ = r.championMetrics?.[r.primaryMetric];
  const vs = champ === undefined ? '' : ` vs champion ${champ.toFixed(4)}`;
  return `${r.primaryMetric} ${m?.toFixed(4)}${vs}: ${r.blessed ? 'blessed' : 'not blessed'}`;
}

function describeFailure(err: unknown): string {
  if (err instanceof ApplicationFailure) return err.message;
  const cause = (err as { cause?: Error }).cause;
  return cause?.message ?? (err as Error).message ?? String(err);
}
