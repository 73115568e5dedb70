import { describe, expect, it } from 'vitest';
import { approvalSpecSchema } from '../../../src/approval/spec';
import { DEFAULT_POLICY, judgeDecision, type ApprovalPolicy, type ApprovalState } from '../../../src/approval/decide';
import { AuditLog, REFUSED_KEPT } from '../../../src/approval/auditLog';
import { LIMITS, parseDecision, UNDECODABLE } from '../../../src/approval/decisionPayload';
import { payloadConverter, UNDECODABLE as CONVERTER_MARKER } from '../../../src/temporal/payloadConverter.cjs';

const policy: ApprovalPolicy = { ...DEFAULT_POLICY, approvers: ['lead', 'role:risk'], roles: { risk: ['ana', 'bo'] }, required: 2 };
const HASH = 'ab'.repeat(32);
const waiting = (): ApprovalState => ({ candidateVersion: '3', artifactHash: HASH, startedBy: 'ana', approvals: [] });

describe('judging an approval decision', () => {
  it('needs N distinct approvals from allowed people', () => {
    const s = waiting();
    const first = judgeDecision(policy, s, 'approve', { reviewer: 'lead', modelVersion: '3' });
    expect(first).toEqual({ reviewer: 'lead', accepted: true, reason: `approval 1 of 2 required; bound to v3 sha256:${HASH} (version named by the reviewer)` });
    s.approvals.push('lead');
    expect(judgeDecision(policy, s, 'approve', { reviewer: 'lead' })).toEqual({ reviewer: 'lead', accepted: false, reason: 'duplicate: lead has already approved' });
    expect(judgeDecision(policy, s, 'approve', { reviewer: 'bo' })).toEqual({
      reviewer: 'bo',
      accepted: true,
      reason: `approval 2 of 2 required; bound to v3 sha256:${HASH} (the waiting candidate; the decision named neither version nor hash)`,
      outcome: 'approved',
    });
  });

  it.each([
    ['not an object', 'yes', /^malformed/],
    ['an array', [1], /^malformed/],
    ['no reviewer', { comment: 'x' }, /^malformed: "reviewer"/],
    ['a blank reviewer', { reviewer: '  ' }, /^malformed: "reviewer"/],
    ['a non-string comment', { reviewer: 'lead', comment: 5 }, /^malformed: "comment"/],
    ['another candidate', { reviewer: 'lead', modelVersion: '2' }, /^wrong candidate: the decision names version 2 but version 3 is waiting/],
    ['another artifact', { reviewer: 'lead', modelSha256: 'cd'.repeat(32) }, /^wrong artifact: the decision names sha256 cdcdcdcdcdcd… but the waiting candidate v3 is abababababab…/],
    ['a hash that is not a sha256', { reviewer: 'lead', modelSha256: 'abc' }, /^malformed: "modelSha256"/],
    ['an unknown field', { reviewer: 'lead', modelVersoin: '3' }, /^malformed: unknown field "modelVersoin"/],
    ['a NUL in the reviewer', { reviewer: 'dr-ada\u0000' }, /^malformed: "reviewer" contains the control or formatting character U\+0000 at position 6/],
    ['a bidi override in the reviewer', { reviewer: 'lead\u202e' }, /^malformed: "reviewer" contains .*U\+202E/],
    ['an unpaired surrogate', { reviewer: 'lead\ud800' }, /unpaired surrogate/],
    ['a reviewer id too long', { reviewer: 'x'.repeat(LIMITS.reviewer + 1) }, /^malformed: "reviewer" is 129 characters; at most 128/],
    ['a 1.5 MB comment', { reviewer: 'lead', comment: 'x'.repeat(1_500_000) }, /^malformed: "comment" is 1500000 characters; at most 2000/],
    ['a NUL in the comment', { reviewer: 'lead', comment: 'ok\u0000' }, /^malformed: "comment" contains .*U\+0000/],
    ['a version that is not a number', { reviewer: 'lead', modelVersion: '3; drop table' }, /^malformed: "modelVersion"/],
    ['an undecodable payload', { [UNDECODABLE]: 'encoding foo/bar: Unknown encoding: foo/bar' }, /^malformed: the signal's payload could not be decoded \(encoding foo\/bar/],
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
    expect(judgeDecision(policy, s, 'approve', { reviewer: 'lead' })).toEqual({ reviewer: 'lead', accepted: false, reason: 'late: the run was already rejected' });
  });

  it('allows anyone when no approvers are listed', () => {
    expect(judgeDecision({ ...DEFAULT_POLICY, fourEyes: false }, waiting(), 'approve', { reviewer: 'ana' })).toMatchObject({ accepted: true, outcome: 'approved' });
  });
});

describe('hostile decision payloads', () => {
  it('keeps only a short, escaped summary of a refused payload', () => {
    const v = judgeDecision(policy, waiting(), 'approve', { reviewer: `dr-ada\u0000${'y'.repeat(200)}`, comment: 'z'.repeat(5000) });
    expect(v.accepted).toBe(false);
    expect(v.reviewer).toMatch(/^dr-ada\\u0000y+… \(207 characters\)$/);
    expect(v.reviewer.length).toBeLessThan(100);
    expect(v.comment!.length).toBeLessThan(250);
    expect(v.reviewer).not.toContain('\u0000');
  });

  it('refuses decisions before a candidate waits, as early', () => {
    expect(judgeDecision(policy, undefined, 'approve', { reviewer: 'lead' })).toMatchObject({ accepted: false, reason: /^early/ });
  });

  it('accepts numeric and padded versions and sha256: prefixes', () => {
    expect(parseDecision({ reviewer: ' lead ', modelVersion: 3, modelSha256: `sha256:${HASH.toUpperCase()}` })).toEqual({
      ok: true,
      decision: { reviewer: 'lead', comment: undefined, modelVersion: '3', modelSha256: HASH },
    });
  });
});

describe("Bosun's payload converter", () => {
  it('turns an undecodable payload into a marker the decision parser refuses, instead of throwing', () => {
    expect(CONVERTER_MARKER).toBe(UNDECODABLE);
    const enc = (s: string) => new TextEncoder().encode(s);
    const bad = payloadConverter.fromPayload<Record<string, string>>({ metadata: { encoding: enc('foo/bar') }, data: enc('{}') });
    expect(bad[UNDECODABLE]).toMatch(/^encoding foo\/bar: Unknown encoding: foo\/bar/);
    const broken = payloadConverter.fromPayload<Record<string, string>>({ metadata: { encoding: enc('json/plain') }, data: enc('{"reviewer":') });
    expect(broken[UNDECODABLE]).toMatch(/^encoding json\/plain: /);
    expect(parseDecision(bad)).toMatchObject({ ok: false, reviewer: '(unknown)' });
  });

  it('encodes and decodes ordinary values exactly as the default converter', () => {
    const value = { reviewer: 'lead', n: [1, 2.5, null], nested: { ok: true } };
    expect(payloadConverter.fromPayload(payloadConverter.toPayload(value))).toEqual(value);
  });
});

describe('the audit kept in workflow state', () => {
  it('keeps every accepted decision and only the latest refused ones, with seq numbers for every attempt', () => {
    const log = new AuditLog();
    log.append({ at: 't', decision: 'approve', reviewer: 'a', accepted: true, reason: 'ok' });
    for (let i = 0; i < REFUSED_KEPT + 10; i++) log.append({ at: 't', decision: 'approve', reviewer: `r${i}`, comment: 'c'.repeat(3000), accepted: false, reason: 'no' });
    const snap = log.snapshot();
    expect(snap.total).toBe(REFUSED_KEPT + 11);
    expect(snap.omitted).toBe(10);
    expect(snap.entries).toHaveLength(REFUSED_KEPT + 1);
    expect(snap.entries[0]).toMatchObject({ seq: 0, reviewer: 'a', accepted: true });
    expect(snap.entries[1]).toMatchObject({ seq: 11, reviewer: 'r10' });
    expect(snap.entries.at(-1)!.comment!.length).toBeLessThanOrEqual(501);
    const resumed = new AuditLog(snap);
    expect(resumed.append({ at: 't', decision: 'reject', reviewer: 'b', accepted: true, reason: 'x' }).seq).toBe(REFUSED_KEPT + 11);
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
