/**
 * Every message a Bosun workflow accepts, defined once and imported by workflows and clients alike.
 * Approvers send `approve` / `reject` from the Temporal Web UI ("Send a Signal"), the `temporal` CLI or
 * `bosun approve`, with a small JSON object such as
 *   {"reviewer": "risk-lead", "comment": "reviewed calibration", "modelVersion": "3"}
 */
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { AuditEntry } from '../approval/auditLog';
import type { Decision } from '../approval/decisionPayload';
import type { StageRecord } from './types';

export type { AuditEntry } from '../approval/auditLog';

/**
 * What an approver sends. Bounded and checked in the workflow (src/approval/decisionPayload.ts): reviewer
 * ≤ 128 characters, comment ≤ 2000, no control characters; `modelVersion` / `modelSha256` name the
 * candidate the reviewer looked at, and a decision naming another is refused.
 */
export type DecisionSignal = Decision;

export interface RunStatus {
  runId: string;
  pipeline: string;
  stage: string;
  stages: StageRecord[];
  /** What an approver needs: metrics against the champion, gate results, report reference. */
  evidence?: Record<string, unknown>;
  approval?: {
    policy: Record<string, unknown>;
    approvals: string[];
    /** Every accepted decision and the latest refused ones; the `approvals` table has them all. */
    decisions: AuditEntry[];
    /** How many decisions arrived in all, and how many refused ones are not listed above. */
    total: number;
    omitted: number;
    outcome?: 'approved' | 'rejected' | 'timed_out';
  };
  error?: string;
}

export const approveSignal = defineSignal<[DecisionSignal]>('approve');
export const rejectSignal = defineSignal<[DecisionSignal]>('reject');
export const statusQuery = defineQuery<RunStatus>('status');

/** Shown by the Web UI next to each handler. */
export const MESSAGE_DESCRIPTIONS = {
  approve:
    'Approve the waiting candidate for deployment. JSON: {"reviewer": "<your id>", "comment": "<why>", "modelVersion": "<candidate version>", "modelSha256": "<optional: the model artifact sha256 from the evidence>"}',
  reject: 'Reject the waiting candidate. JSON: {"reviewer": "<your id>", "comment": "<why>", "modelVersion": "<candidate version>"}',
  status: 'Current stage, per-stage timings, evidence (metrics vs champion, gates, report) and the approval audit.',
} as const;
