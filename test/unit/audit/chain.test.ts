import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkChain, GENESIS_HASH, recordHash, type ChainedRecord } from '../../../src/audit/chain';
import { chooseRollbackTarget, judgeApprovals, type DeploymentRow } from '../../../src/registry/authority';

type Stored = ChainedRecord & { hash: string };

/** Builds a valid chain the way appendAudit does. */
function chain(model: string, n: number): Stored[] {
  const out: Stored[] = [];
  let prev = GENESIS_HASH;
  for (let i = 1; i <= n; i++) {
    const r: ChainedRecord = { modelName: model, seq: i, kind: i % 2 ? 'approval' : 'promotion', actor: `user-${i}`, modelVersion: i, runId: `run-${i}`, key: null, detail: { reason: `because ${i}`, nested: { b: 2, a: [1, 2] } }, createdAt: new Date(1_800_000_000_000 + i * 1000), prevHash: prev };
    const hash = recordHash(r);
    out.push({ ...r, hash });
    prev = hash;
  }
  return out;
}
const head = (c: Stored[]) => ({ seq: c.length, hash: c.at(-1)?.hash ?? GENESIS_HASH });

describe('audit hash chain', () => {
  it('verifies an intact chain and counts it', () => {
    const c = chain('m', 5);
    expect(checkChain('m', c, head(c))).toEqual({ modelName: 'm', ok: true, count: 5, headHash: c[4].hash });
    expect(checkChain('m', [], undefined)).toMatchObject({ ok: true, count: 0 });
  });

  it('does not depend on the key order of the detail (jsonb reorders keys)', () => {
    const [r] = chain('m', 1);
    expect(recordHash({ ...r, detail: { nested: { a: [1, 2], b: 2 }, reason: 'because 1' } })).toBe(r.hash);
  });

  it('names the record whose field was edited, whatever field and whichever record', () => {
    const fields = ['kind', 'actor', 'modelVersion', 'runId', 'detail', 'createdAt'] as const;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 6 }), fc.constantFrom(...fields), (i, field) => {
        const c = chain('m', 7);
        const edited = { ...c[i] } as Record<string, unknown>;
        edited[field] = field === 'createdAt' ? new Date(c[i].createdAt.getTime() + 1) : field === 'detail' ? { reason: 'rewritten' } : field === 'modelVersion' ? 99 : 'forged';
        c[i] = edited as unknown as Stored;
        const res = checkChain('m', c, head(c));
        expect(res.ok).toBe(false);
        expect(res.broken!.seq).toBe(i + 1);
        expect(res.broken!.problem).toMatch(/was changed after it was written/);
      }),
    );
  });

  it('catches a rewritten record whose hash was recomputed, at the next link', () => {
    const c = chain('m', 4);
    const forged = { ...c[1], actor: 'mallory' };
    c[1] = { ...forged, hash: recordHash(forged) };
    const res = checkChain('m', c, head(c));
    expect(res.broken).toMatchObject({ seq: 3 });
    expect(res.broken!.problem).toMatch(/record 2 was rewritten/);
  });

  it('catches any deleted record, including the last ones (through the head)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 5 }), (i) => {
        const c = chain('m', 6);
        const h = head(c);
        const cut = c.filter((_, k) => k !== i);
        const res = checkChain('m', cut, h);
        expect(res.ok).toBe(false);
        expect(res.broken!.seq).toBe(i + 1);
        expect(res.broken!.problem).toMatch(/deleted/);
      }),
    );
    const c = chain('m', 3);
    expect(checkChain('m', c, undefined).broken!.problem).toMatch(/no head row/);
  });
});

describe('approval authority', () => {
  const row = (o: Partial<{ decision: string; accepted: boolean; reviewer: string; reason: string; modelVersion: string | null }>) => ({ decision: 'approve', accepted: true, reviewer: 'dr-ada', reason: 'approval 1 of 1 required', modelVersion: '3', ...o });

  it('approves on an accepted approval or auto-approval naming the version', () => {
    expect(judgeApprovals(3, 'r', [row({})])).toEqual({ approved: true, why: 'approved by dr-ada in run r' });
    expect(judgeApprovals(3, 'r', [row({ decision: 'auto', reviewer: 'bosun', reason: 'auto-approved' })]).why).toBe('auto-approved in run r');
  });

  it('refuses refused decisions, another version, rejections and incomplete N-of-M', () => {
    expect(judgeApprovals(3, 'r', []).approved).toBe(false);
    expect(judgeApprovals(3, 'r', [row({ accepted: false, reason: 'unauthorized' })]).why).toBe('run r recorded no accepted approval of v3');
    expect(judgeApprovals(3, 'r', [row({ modelVersion: '2' })]).approved).toBe(false);
    expect(judgeApprovals(3, 'r', [row({}), row({ decision: 'reject', reviewer: 'bob', reason: 'calibration off' })]).why).toBe('run r rejected it (bob): calibration off');
    expect(judgeApprovals(3, 'r', [row({ reason: 'approval 1 of 2 required' })]).why).toBe('run r recorded only 1 of the 2 approvals its policy requires for v3');
    expect(judgeApprovals(3, 'r', [row({ reason: 'approval 1 of 2 required' }), row({ reviewer: 'bob', reason: 'approval 2 of 2 required' })])).toEqual({ approved: true, why: 'approved by dr-ada, bob in run r' });
  });
});

describe('rollback target', () => {
  const d = (id: number, version: number, strategy: string, status: string, failedVerification = false): DeploymentRow => ({ id, version, strategy, status, failedVerification, reason: null });
  const approved = () => ({ approved: true, why: 'approved by dr-ada in run x' });

  it('v1 production, v2 canary failed verification, v3 promoted: goes to v1, skipping v2', () => {
    const history = [d(3, 3, 'direct', 'live'), d(2, 2, 'canary', 'rolled_back', true), d(1, 1, 'direct', 'superseded')];
    const choice = chooseRollbackTarget(3, history, approved);
    expect(choice.version).toBe(1);
    expect(choice.skipped).toEqual([{ version: 2, why: 'failed verification (canary)' }]);
  });

  it('skips versions never approved unless break-glass promoted, and those only ever rolled back', () => {
    const history = [d(5, 4, 'direct', 'live'), d(4, 3, 'manual', 'rolled_back'), d(3, 2, 'direct', 'superseded'), d(2, 1, 'break_glass', 'superseded')];
    const unapproved = () => ({ approved: false, why: 'run r recorded no accepted approval of v2' });
    const choice = chooseRollbackTarget(4, history, unapproved);
    expect(choice.version).toBe(1);
    expect(choice.skipped.map((s) => s.version)).toEqual([3, 2]);
    expect(chooseRollbackTarget(4, history.slice(0, 3), unapproved).version).toBeNull();
  });
});
