import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunStatus } from '../../../src/contract/messages';
import { verifyDecisionToken } from '../../../src/approval/identity';
import { generateReviewerKeyPair } from '../../../src/approval/sign';
import { resolveReviewerKeyFile, signedDecision } from '../../../src/cli/approve';

const SHA = '9f'.repeat(32);
const waiting = (over: Partial<RunStatus> = {}): RunStatus => ({
  runId: 'credit-1',
  pipeline: 'credit',
  stage: 'awaiting_approval',
  stages: [],
  evidence: { candidateVersion: 4, modelSha256: SHA },
  approval: { policy: {}, approvals: [], decisions: [], total: 0, omitted: 0 },
  ...over,
});

function keyFile(): { file: string; publicKey: string; home: string } {
  const home = mkdtempSync(path.join(os.tmpdir(), 'bosun-approve-'));
  const { privateKeyPem, publicKey } = generateReviewerKeyPair();
  mkdirSync(path.join(home, 'keys'));
  const file = path.join(home, 'keys', 'dr-ada.key');
  writeFileSync(file, privateKeyPem, { mode: 0o600 });
  return { file, publicKey, home };
}

describe('bosun approve --key: the signed decision it sends', () => {
  it('signs for the candidate the run says is waiting and names its version and hash in the signal', () => {
    const { file, publicKey } = keyFile();
    const signal = signedDecision('approve', 'credit-1', { reviewer: 'dr-ada', comment: 'ok' }, { reviewer: 'dr-ada', comment: 'ok' }, waiting(), file);
    expect(signal).toMatchObject({ reviewer: 'dr-ada', comment: 'ok', modelVersion: '4', modelSha256: SHA });
    const expected = { runId: 'credit-1', decision: 'approve' as const, modelVersion: '4', modelSha256: SHA, reviewer: 'dr-ada' };
    expect(verifyDecisionToken(signal.token, { 'dr-ada': [publicKey] }, expected)).toEqual({ ok: true, reviewer: 'dr-ada' });
    // The decision kind is signed too: an approval's token cannot be replayed as a rejection.
    expect(verifyDecisionToken(signal.token, { 'dr-ada': [publicKey] }, { ...expected, decision: 'reject' }).ok).toBe(false);
  });

  it('refuses to sign for a version or hash other than the waiting one, or when nothing waits', () => {
    const { file } = keyFile();
    expect(() => signedDecision('approve', 'credit-1', { reviewer: 'dr-ada', modelVersion: '3' }, { reviewer: 'dr-ada' }, waiting(), file)).toThrow('--model-version 3: version 4 is waiting in credit-1');
    expect(() => signedDecision('approve', 'credit-1', { reviewer: 'dr-ada', modelSha256: 'aa'.repeat(32) }, { reviewer: 'dr-ada' }, waiting(), file)).toThrow(/--model-sha256 aaaaaaaaaaaa…: the waiting candidate v4 is 9f9f9f9f9f9f…/);
    expect(() => signedDecision('approve', 'credit-1', { reviewer: 'dr-ada' }, { reviewer: 'dr-ada' }, waiting({ stage: 'train', evidence: undefined }), file)).toThrow('run credit-1 has no candidate waiting for approval (it is at stage "train"); there is nothing to sign');
    const settled = waiting({ approval: { policy: {}, approvals: ['bob'], decisions: [], total: 1, omitted: 0, outcome: 'timed_out' } });
    expect(() => signedDecision('reject', 'credit-1', { reviewer: 'dr-ada' }, { reviewer: 'dr-ada' }, settled, file)).toThrow('(it was already timed out)');
  });

  it('says which key file is unusable and how to get one', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'bosun-approve-'));
    const bad = path.join(dir, 'bad.key');
    writeFileSync(bad, 'hello');
    expect(() => signedDecision('approve', 'credit-1', { reviewer: 'dr-ada' }, { reviewer: 'dr-ada' }, waiting(), bad)).toThrow(`reviewer key ${bad}: not a private key in PEM form`);
    expect(() => signedDecision('approve', 'credit-1', { reviewer: 'dr-ada' }, { reviewer: 'dr-ada' }, waiting(), path.join(dir, 'none.key'))).toThrow(/cannot read it \(ENOENT\); pass --key <file>, set BOSUN_REVIEWER_KEY, or register one with `bosun reviewers add dr-ada`/);
  });

  it('finds the key: --key, then BOSUN_REVIEWER_KEY, then BOSUN_HOME/keys/<reviewer>.key if it exists', () => {
    const { file, home } = keyFile();
    expect(resolveReviewerKeyFile('dr-ada', { keyFile: '/k/flag.key', home, env: { BOSUN_REVIEWER_KEY: '/k/env.key' } })).toBe('/k/flag.key');
    expect(resolveReviewerKeyFile('dr-ada', { home, env: { BOSUN_REVIEWER_KEY: '/k/env.key' } })).toBe('/k/env.key');
    expect(resolveReviewerKeyFile('dr-ada', { home, env: {} })).toBe(file);
    expect(resolveReviewerKeyFile('bob', { home, env: {} })).toBeUndefined();
    // An id that is not a plain file name never makes a path outside BOSUN_HOME/keys.
    expect(resolveReviewerKeyFile('../keys/dr-ada', { home, env: {} })).toBeUndefined();
  });
});
