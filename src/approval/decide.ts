/**
 * The approval policy and how one decision is judged against it. Pure and deterministic: the training
 * workflow imports it, and so do unit tests. A bad signal never throws — it is refused with a reason that
 * goes into the append-only audit.
 */
import { parseDecision, type Decision } from './decisionPayload';

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
  /**
   * Only decisions signed with a key registered for the reviewer count (`bosun reviewers add`, `bosun
   * approve --key`): the reviewer is then who holds the key, not who the signal claims to be.
   */
  requireSignedDecisions?: boolean;
}

export const DEFAULT_POLICY: ApprovalPolicy = {
  approvers: [],
  roles: {},
  required: 1,
  fourEyes: true,
  onTimeout: 'reject',
  autoApprove: false,
  requireSignedDecisions: false,
};

export interface ApprovalState {
  candidateVersion: string;
  /** sha256 of the candidate's model artifact: what an approval binds to. */
  artifactHash: string;
  startedBy: string;
  approvals: string[];
  outcome?: 'approved' | 'rejected' | 'timed_out';
}

/** How one decision was judged, with the bounded, printable reviewer and comment the audit records. */
export type Verdict = { reviewer: string; comment?: string } & (
  | { accepted: true; reason: string; outcome?: 'approved' | 'rejected' }
  | { accepted: false; reason: string }
);

/**
 * Judges one `approve` or `reject` signal. `payload` is whatever arrived: it may be malformed or hostile.
 * `identity` is the verdict on its signed token, when the policy requires signed decisions.
 */
export function judgeDecision(
  policy: ApprovalPolicy,
  state: ApprovalState | undefined,
  kind: 'approve' | 'reject',
  payload: unknown,
  identity?: { ok: true; reviewer: string } | { ok: false; reason: string },
): Verdict {
  const parsed = parseDecision(payload);
  if (!parsed.ok) return { accepted: false, reason: parsed.reason, reviewer: parsed.reviewer, comment: parsed.comment };
  const d = parsed.decision;
  const who = { reviewer: d.reviewer, comment: d.comment };
  if (!state) return { ...who, accepted: false, reason: 'early: no candidate is awaiting approval yet' };
  if (state.outcome) return { ...who, accepted: false, reason: `late: the run was already ${state.outcome.replace('_', ' ')}` };
  if (d.modelVersion !== undefined && d.modelVersion !== state.candidateVersion) {
    return { ...who, accepted: false, reason: `wrong candidate: the decision names version ${d.modelVersion} but version ${state.candidateVersion} is waiting` };
  }
  if (d.modelSha256 !== undefined && d.modelSha256 !== state.artifactHash) {
    return { ...who, accepted: false, reason: `wrong artifact: the decision names sha256 ${d.modelSha256.slice(0, 12)}… but the waiting candidate v${state.candidateVersion} is ${state.artifactHash.slice(0, 12)}…` };
  }
  const reviewer = d.reviewer;
  if (policy.requireSignedDecisions) {
    if (d.token === undefined) {
      return { ...who, accepted: false, reason: `unverified: this pipeline requires signed decisions; sign with \`bosun approve --key <file>\` (keys: \`bosun reviewers add\`)` };
    }
    if (!identity) return { ...who, accepted: false, reason: 'unverified: the signature could not be checked' };
    if (!identity.ok) return { ...who, accepted: false, reason: `unverified: ${identity.reason}` };
    if (identity.reviewer !== reviewer) return { ...who, accepted: false, reason: `unverified: the token was signed by ${identity.reviewer}, not ${reviewer}` };
  }
  if (!isAllowed(policy, reviewer)) return { ...who, accepted: false, reason: `unauthorized: ${reviewer} is not an allowed approver` };
  if (kind === 'approve' && policy.fourEyes && reviewer === state.startedBy) {
    return { ...who, accepted: false, reason: `four-eyes: ${reviewer} started this run and cannot approve it` };
  }
  const binding = bindingNote(d, state) + (policy.requireSignedDecisions ? `; signature of ${reviewer} verified` : '');
  if (kind === 'reject') return { ...who, accepted: true, reason: `rejected by ${reviewer}; ${binding}`, outcome: 'rejected' };
  if (state.approvals.includes(reviewer)) return { ...who, accepted: false, reason: `duplicate: ${reviewer} has already approved` };
  const count = state.approvals.length + 1;
  return count >= policy.required
    ? { ...who, accepted: true, reason: `approval ${count} of ${policy.required} required; ${binding}`, outcome: 'approved' }
    : { ...who, accepted: true, reason: `approval ${count} of ${policy.required} required; ${binding}` };
}

/** Says what the decision was bound to, and whether the reviewer named it or Bosun bound it to the waiting candidate. */
function bindingNote(d: Decision, state: ApprovalState): string {
  const target = `v${state.candidateVersion} sha256:${state.artifactHash}`;
  if (d.modelSha256) return `bound to ${target} (named by the reviewer)`;
  if (d.modelVersion) return `bound to ${target} (version named by the reviewer)`;
  return `bound to ${target} (the waiting candidate; the decision named neither version nor hash)`;
}

export function isAllowed(policy: ApprovalPolicy, reviewer: string): boolean {
  if (policy.approvers.length === 0) return true;
  return policy.approvers.some((a) => (a.startsWith('role:') ? (policy.roles[a.slice(5)] ?? []).includes(reviewer) : a === reviewer));
}

/** The reviewer ids whose keys a signed decision may be checked against (undefined: anyone may decide). */
export function approverIds(policy: ApprovalPolicy): string[] | undefined {
  if (policy.approvers.length === 0) return undefined;
  return [...new Set(policy.approvers.flatMap((a) => (a.startsWith('role:') ? (policy.roles[a.slice(5)] ?? []) : [a])))];
}
