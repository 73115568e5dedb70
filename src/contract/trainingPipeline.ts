/**
 * The training pipeline's contract: what a client passes to start a run (input and plan), what a run waiting at
 * the approval gate carries when it continues as new, and the workflow's signature, which clients start by name.
 */
import type { AuditEntry, AuditSnapshot } from '../approval/auditLog';
import type { ApprovalPolicy, ApprovalState } from '../approval/decide';
import type { Decision } from '../approval/decisionPayload';
import type { RunOutcome, StageRecord, TrainingPipelineInput, TrainResult } from './types';

export const TRAINING_PIPELINE = 'trainingPipeline';

/** A decision accepted at the gate and not yet written to the approvals table. */
export interface PendingWrite {
  entry: AuditEntry;
  candidateVersion: string | null;
}

/** What the workflow needs to know of the spec to steer; the activities read the rest from the spec artifact. */
export interface PipelinePlan {
  search: boolean;
  approval: ApprovalPolicy;
  deploy: { strategy: 'direct' | 'canary' | 'shadow'; verifyWindow: string };
}

/** A signed decision, parsed and bounded, waiting for its token to be checked. */
export interface SignedDecision {
  kind: 'approve' | 'reject';
  decision: Decision;
}

/**
 * A run waiting at the approval gate, as it continues as new. Every signal lands in the run's history,
 * hostile ones included; when Temporal suggests it (history size or length), the run continues as a new
 * execution with the same workflow id, carrying only this bounded state, so no stream of signals can push
 * it into the history limit where Temporal would terminate it.
 */
export interface GateState {
  trained: TrainResult;
  evidence: Record<string, unknown>;
  stages: StageRecord[];
  approval: ApprovalState;
  audit: AuditSnapshot;
  /** Decisions not yet in the approvals table when the run continued as new. */
  unwritten: PendingWrite[];
  /** Signed decisions not yet checked when the run continued as new. */
  toVerify?: SignedDecision[];
  /** Workflow time (epoch ms) at which the approval timeout fires, when the policy has one. */
  deadline?: number;
  escalated: boolean;
}

export type TrainingPipelineWorkflow = (input: TrainingPipelineInput, plan: PipelinePlan, resumed?: GateState) => Promise<RunOutcome>;
