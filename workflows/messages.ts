/**
 * Every message a Bosun workflow accepts, defined once and imported by workflows and clients alike.
 * Approvers send `approve` / `reject` from the Temporal Web UI ("Send a Signal"), the `temporal` CLI or
 * `bosun approve`, with a small JSON object such as
 *   {"reviewer": "risk-lead", "comment": "reviewed calibration", "modelVersion": "3"}
 */
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { StageRecord } from './types';

export interface DecisionSignal {
  reviewer: string;
  comment?: string;
  /** The candidate the reviewer looked at; a decision naming another candidate is refused. */
  modelVersion?: string;
}

export interface AuditEntry {
  at: string;
  decision: 'approve' | 'reject' | 'timeout' | 'auto';
  reviewer: string;
  comment?: string;
  accepted: boolean;
  reason: string;
}

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
    decisions: AuditEntry[];
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
    'Approve the waiting candidate for deployment. JSON: {"reviewer": "<your id>", "comment": "<why>", "modelVersion": "<candidate version>"}',
  reject: 'Reject the waiting candidate. JSON: {"reviewer": "<your id>", "comment": "<why>", "modelVersion": "<candidate version>"}',
  status: 'Current stage, per-stage timings, evidence (metrics vs champion, gates, report) and the approval audit.',
} as const;
