/**
 * The approval policy and how one decision is judged against it. Pure and deterministic: the training
 * workflow imports it, and so do unit tests. A bad signal never throws — it is refused with a reason that
 * goes into the append-only audit.
 */

export interface ApprovalPolicy {
  /** Who may decide: reviewer ids, and `role:<name>` entries resolved through `roles`. Empty = anyone. */
  approvers: string[];
  roles: Record<string, string[]>;
  /** Distinct approvals needed (N of M). */
  required: number;
  /** Whoever started the run cannot approve it. */
  fourEyes: boolean;
  /** e.g. "72h"; absent = wait forever. */
  timeout?: string;
  onTimeout: 'reject' | 'escalate';
  /** Only when explicitly configured, and only if every gate passed. */
  autoApprove: boolean;
}

export const DEFAULT_POLICY: ApprovalPolicy = {
  approvers: [],
  roles: {},
  required: 1,
  fourEyes: true,
  onTimeout: 'reject',
  autoApprove: false,
};

export interface ApprovalState {
  candidateVersion: string;
  startedBy: string;
  approvals: string[];
  outcome?: 'approved' | 'rejected' | 'timed_out';
}

export type Verdict = { accepted: true; reason: string; outcome?: 'approved' | 'rejected' } | { accepted: false; reason: string };

/** Judges one `approve` or `reject` signal. `payload` is whatever arrived: it may be malformed. */
export function judgeDecision(policy: ApprovalPolicy, state: ApprovalState, kind: 'approve' | 'reject', payload: unknown): Verdict {
  if (state.outcome) return { accepted: false, reason: `late: the run was already ${state.outcome.replace('_', ' ')}` };
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    return { accepted: false, reason: 'malformed: expected a JSON object like {"reviewer": "<id>", "comment": "…"}' };
  }
  const p = payload as Record<string, unknown>;
  if (typeof p.reviewer !== 'string' || p.reviewer.trim() === '') {
    return { accepted: false, reason: 'malformed: "reviewer" must be a non-empty string' };
  }
  if (p.comment !== undefined && typeof p.comment !== 'string') {
    return { accepted: false, reason: 'malformed: "comment" must be a string' };
  }
  if (p.modelVersion !== undefined && String(p.modelVersion) !== state.candidateVersion) {
    return {
      accepted: false,
      reason: `wrong candidate: the decision names version ${String(p.modelVersion)} but version ${state.candidateVersion} is waiting`,
    };
  }
  const reviewer = p.reviewer.trim();
  if (!isAllowed(policy, reviewer)) return { accepted: false, reason: `unauthorized: ${reviewer} is not an allowed approver` };
  if (kind === 'approve' && policy.fourEyes && reviewer === state.startedBy) {
    return { accepted: false, reason: `four-eyes: ${reviewer} started this run and cannot approve it` };
  }
  if (kind === 'reject') return { accepted: true, reason: `rejected by ${reviewer}`, outcome: 'rejected' };
  if (state.approvals.includes(reviewer)) return { accepted: false, reason: `duplicate: ${reviewer} has already approved` };
  const count = state.approvals.length + 1;
  return count >= policy.required
    ? { accepted: true, reason: `approval ${count} of ${policy.required} required`, outcome: 'approved' }
    : { accepted: true, reason: `approval ${count} of ${policy.required} required` };
}

export function isAllowed(policy: ApprovalPolicy, reviewer: string): boolean {
  if (policy.approvers.length === 0) return true;
  return policy.approvers.some((a) => (a.startsWith('role:') ? (policy.roles[a.slice(5)] ?? []).includes(reviewer) : a === reviewer));
}
