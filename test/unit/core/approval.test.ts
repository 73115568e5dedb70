import { describe, expect, it } from 'vitest';
import { approvalSpecSchema } from '../../../src/approval/spec';
import { DEFAULT_POLICY, judgeDecision, type ApprovalPolicy, type ApprovalState } from '../../../src/approval/decide';

const policy: ApprovalPolicy = { ...DEFAULT_POLICY, approvers: ['lead', 'role:risk'], roles: { risk: ['ana', 'bo'] }, required: 2 };
const waiting = (): ApprovalState => ({ candidateVersion: '3', startedBy: 'ana', approvals: [] });

describe('judging an approval decision', () => {
  it('needs N distinct approvals from allowed people', () => {
    const s = waiting();
    const first = judgeDecision(policy, s, 'approve', { reviewer: 'lead', modelVersion: '3' });
    expect(first).toEqual({ accepted: true, reason: 'approval 1 of 2 required' });
    s.approvals.push('lead');
    expect(judgeDecision(policy, s, 'approve', { reviewer: 'lead' })).toEqual({ accepted: false, reason: 'duplicate: lead has already approved' });
    expect(judgeDecision(policy, s, 'approve', { reviewer: 'bo' })).toEqual({ accepted: true, reason: 'approval 2 of 2 required', outcome: 'approved' });
  });

  it.each([
    ['not an object', 'yes', /^malformed/],
    ['an array', [1], /^malformed/],
    ['no reviewer', { comment: 'x' }, /^malformed: "reviewer"/],
    ['a blank reviewer', { reviewer: '  ' }, /^malformed: "reviewer"/],
    ['a non-string comment', { reviewer: 'lead', comment: 5 }, /^malformed: "comment"/],
    ['another candidate', { reviewer: 'lead', modelVersion: '2' }, /^wrong candidate: the decision names version 2 but version 3 is waiting/],
    ['an outsider', { reviewer: 'eve' }, /^unauthorized: eve/],
    ['the submitter (four-eyes)', { reviewer: 'ana' }, /^four-eyes: ana started this run/],
  ])('refuses %s', (_what, payload, reason) => {
    const v = judgeDecision(policy, waiting(), 'approve', payload);
    expect(v.accepted).toBe(false);
    expect(v.reason).toMatch(reason);
  });

  it('lets the submitter reject but not approve, and refuses anything after the outcome', () => {
    const s = waiting();
    expect(judgeDecision(policy, s, 'reject', { reviewer: 'ana' })).toMatchObject({ accepted: true, outcome: 'rejected' });
    s.outcome = 'rejected';
    expect(judgeDecision(policy, s, 'approve', { reviewer: 'lead' })).toEqual({ accepted: false, reason: 'late: the run was already rejected' });
  });

  it('allows anyone when no approvers are listed', () => {
    expect(judgeDecision({ ...DEFAULT_POLICY, fourEyes: false }, waiting(), 'approve', { reviewer: 'ana' })).toMatchObject({ accepted: true, outcome: 'approved' });
  });
});

describe('the approval section of a spec', () => {
  it('fills defaults', () => {
    expect(approvalSpecSchema.parse({})).toEqual(DEFAULT_POLICY);
  });
  it('refuses an undefined role and more required approvals than approvers', () => {
    const r = approvalSpecSchema.safeParse({ approvers: ['role:ghosts', 'lead'], required: 3 });
    expect(r.success).toBe(false);
    const messages = r.error!.issues.map((i) => i.message);
    expect(messages).toContain('role "ghosts" is not defined: add it under approval.roles');
    expect(messages).toContain('3 approvals required but only 1 approver(s) are allowed');
  });
});
