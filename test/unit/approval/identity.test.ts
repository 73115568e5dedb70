import { createPrivateKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeDecisionToken, encodeDecisionPayload, formatDecisionToken, MAX_TOKEN_LENGTH, verifyDecisionToken, type DecisionTokenPayload, type ExpectedDecision } from '../../../src/approval/identity';
import { generateReviewerKeyPair, parsePublicKey, publicKeyOf, signDecision } from '../../../src/approval/sign';

const SHA = 'ab'.repeat(32);
const OTHER_SHA = 'cd'.repeat(32);

function reviewer(): { key: KeyObject; pub: string } {
  const { privateKeyPem, publicKey } = generateReviewerKeyPair();
  return { key: createPrivateKey(privateKeyPem), pub: publicKey };
}

const ada = reviewer();
const bob = reviewer();

const payload = (over: Partial<DecisionTokenPayload> = {}): DecisionTokenPayload => ({
  v: 1,
  runId: 'credit-20260101-0001',
  decision: 'approve',
  reviewer: 'dr-ada',
  modelVersion: '3',
  modelSha256: SHA,
  issuedAt: '2026-01-01T10:00:00.000Z',
  ...over,
});
const expected = (over: Partial<ExpectedDecision> = {}): ExpectedDecision => ({ runId: 'credit-20260101-0001', decision: 'approve', modelVersion: '3', modelSha256: SHA, ...over });
const keys = { 'dr-ada': [ada.pub], bob: [bob.pub] };

/** Replaces the token's payload with other bytes, keeping the original signature. */
function withPayload(token: string, p: unknown): string {
  const sig = token.split('.')[1];
  return `${Buffer.from(JSON.stringify(p)).toString('base64url')}.${sig}`;
}

const reason = (v: ReturnType<typeof verifyDecisionToken>) => (v.ok ? 'ok' : v.reason);

describe('signed decision tokens', () => {
  it('verifies a token signed with node:crypto (the CLI) using the pure verifier (the workflow)', () => {
    const token = signDecision(ada.key, payload());
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(verifyDecisionToken(token, keys, expected())).toEqual({ ok: true, reviewer: 'dr-ada' });
    expect(verifyDecisionToken(token, keys, expected({ reviewer: 'dr-ada' }))).toEqual({ ok: true, reviewer: 'dr-ada' });
    // A single key given as a string works too.
    expect(verifyDecisionToken(token, { 'dr-ada': ada.pub }, expected())).toEqual({ ok: true, reviewer: 'dr-ada' });
  });

  it('round-trips any well-formed payload, and the payload bytes are canonical (sorted keys, no spaces)', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 40, unit: 'grapheme' }),
        fc.string({ minLength: 1, maxLength: 60 }),
        fc.constantFrom('approve' as const, 'reject' as const),
        fc.integer({ min: 1, max: 1e9 }),
        fc.stringMatching(/^[0-9a-f]{64}$/),
        (who, runId, decision, version, sha) => {
          const p = payload({ reviewer: who, runId, decision, modelVersion: String(version), modelSha256: sha });
          const token = signDecision(ada.key, p);
          expect(verifyDecisionToken(token, { [who]: [ada.pub] }, { runId, decision, modelVersion: String(version), modelSha256: sha })).toEqual({ ok: true, reviewer: who });
          const json = new TextDecoder().decode(encodeDecisionPayload(p));
          expect(Object.keys(JSON.parse(json))).toEqual(['decision', 'issuedAt', 'modelSha256', 'modelVersion', 'reviewer', 'runId', 'v']);
          expect(json).toBe(JSON.stringify(JSON.parse(json)));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('accepts the sha256 expected with a "sha256:" prefix or upper case', () => {
    const token = signDecision(ada.key, payload());
    expect(verifyDecisionToken(token, keys, expected({ modelSha256: `sha256:${SHA.toUpperCase()}` })).ok).toBe(true);
  });

  it('accepts a token signed by any one of the reviewer’s active keys', () => {
    const laptop = reviewer();
    const token = signDecision(laptop.key, payload());
    expect(verifyDecisionToken(token, { 'dr-ada': [ada.pub, laptop.pub] }, expected())).toEqual({ ok: true, reviewer: 'dr-ada' });
  });

  it('refuses a tampered payload: the signature no longer matches', () => {
    const token = signDecision(ada.key, payload({ modelVersion: '2' }));
    const forged = withPayload(token, JSON.parse(new TextDecoder().decode(encodeDecisionPayload(payload()))));
    expect(reason(verifyDecisionToken(forged, keys, expected()))).toMatch(/^bad signature: .*"dr-ada"/);
    // Claiming to be someone else with one's own signature is the same forgery.
    const bobsToken = signDecision(bob.key, payload({ reviewer: 'bob' }));
    expect(reason(verifyDecisionToken(withPayload(bobsToken, payload()), keys, expected()))).toMatch(/^bad signature/);
  });

  it('refuses any single-character change to a token', () => {
    const token = signDecision(ada.key, payload());
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    fc.assert(
      fc.property(fc.integer({ min: 0, max: token.length - 1 }), fc.integer({ min: 1, max: alphabet.length - 1 }), (i, shift) => {
        if (token[i] === '.') return;
        const c = alphabet[(alphabet.indexOf(token[i]) + shift) % alphabet.length];
        const mutated = token.slice(0, i) + c + token.slice(i + 1);
        expect(verifyDecisionToken(mutated, keys, expected()).ok).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('refuses a token signed with a key that is not the reviewer’s, or whose key was revoked (absent)', () => {
    const token = signDecision(bob.key, payload());
    expect(reason(verifyDecisionToken(token, keys, expected()))).toMatch(/^bad signature: the token is not signed by any active key of "dr-ada"/);
    const mine = signDecision(ada.key, payload());
    // Ada's old key revoked, a new one active: the old key's tokens no longer count.
    expect(reason(verifyDecisionToken(mine, { 'dr-ada': [reviewer().pub] }, expected()))).toMatch(/^bad signature/);
    // Her only key revoked: she has no key at all.
    expect(reason(verifyDecisionToken(mine, { bob: [bob.pub] }, expected()))).toMatch(/^unknown reviewer key: no active key is registered for "dr-ada"/);
    expect(reason(verifyDecisionToken(mine, { 'dr-ada': [] }, expected()))).toMatch(/^unknown reviewer key/);
  });

  it('refuses an unknown reviewer, including names that exist on Object.prototype', () => {
    for (const who of ['mallory', '__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      const token = signDecision(ada.key, payload({ reviewer: who }));
      expect(reason(verifyDecisionToken(token, keys, expected()))).toMatch(/^unknown reviewer key/);
    }
  });

  it('ignores a malformed registered key instead of throwing', () => {
    const token = signDecision(ada.key, payload());
    expect(reason(verifyDecisionToken(token, { 'dr-ada': ['not base64!', 'AAAA', ''] }, expected()))).toMatch(/^bad signature/);
    expect(verifyDecisionToken(token, { 'dr-ada': ['garbage', ada.pub] }, expected()).ok).toBe(true);
  });

  it('refuses a genuine token made for another run, decision, version, artifact or reviewer', () => {
    const token = signDecision(ada.key, payload());
    expect(reason(verifyDecisionToken(token, keys, expected({ runId: 'credit-20260102-0002' })))).toBe('token for another run: signed for credit-20260101-0001, this is credit-20260102-0002');
    expect(reason(verifyDecisionToken(token, keys, expected({ decision: 'reject' })))).toBe('token for another decision: signed to approve, sent as reject');
    expect(reason(verifyDecisionToken(token, keys, expected({ modelVersion: '4' })))).toBe('token for another version: signed for v3, v4 is waiting');
    expect(reason(verifyDecisionToken(token, keys, expected({ modelSha256: OTHER_SHA })))).toBe(`token for another artifact: signed for sha256 ${SHA.slice(0, 12)}…, the waiting candidate is ${OTHER_SHA.slice(0, 12)}…`);
    expect(reason(verifyDecisionToken(token, keys, expected({ reviewer: 'bob' })))).toBe('token for another reviewer: signed by "dr-ada", the decision names "bob"');
  });

  it('refuses garbage with a reason and never throws', () => {
    const valid = signDecision(ada.key, payload());
    const [p64, s64] = valid.split('.');
    const cases: [unknown, RegExp][] = [
      [undefined, /^malformed token: expected a string/],
      [42, /^malformed token: expected a string/],
      [{ token: valid }, /^malformed token: expected a string/],
      ['', /^malformed token: expected two base64url parts/],
      ['abc', /^malformed token: expected two base64url parts/],
      [`${valid}.x`, /^malformed token: expected two base64url parts/],
      [`${p64}=.${s64}`, /^malformed token: expected two base64url parts/],
      [`${p64}.${Buffer.alloc(48).toString('base64url')}`, /^malformed token: the signature is 48 bytes, an ed25519 signature is 64/],
      [`A.${s64}`, /^malformed token: a part is not valid unpadded base64url/],
      [`${Buffer.from('not json').toString('base64url')}.${s64}`, /^malformed token: the payload is not UTF-8 JSON/],
      [`${Buffer.from([0xff, 0xfe, 0x7b]).toString('base64url')}.${s64}`, /^malformed token: the payload is not UTF-8 JSON/],
      [withPayload(valid, [1, 2]), /^malformed token: the payload is not a JSON object/],
      [withPayload(valid, { ...payload(), v: 2 }), /^malformed token: unsupported token version 2/],
      [withPayload(valid, { ...payload(), admin: true }), /^malformed token: unknown payload field "admin"/],
      [withPayload(valid, { ...payload(), decision: 'escalate' }), /^malformed token: "decision" must be "approve" or "reject"/],
      [withPayload(valid, { ...payload(), modelVersion: 3 }), /^malformed token: "modelVersion" must be a version number/],
      [withPayload(valid, { ...payload(), modelSha256: 'sha256:' + SHA }), /^malformed token: "modelSha256" must be 64 lower-case hex digits/],
      [withPayload(valid, { ...payload(), reviewer: '' }), /^malformed token: "reviewer" must be a non-empty string/],
      [withPayload(valid, { ...payload(), issuedAt: 'yesterday' }), /^malformed token: "issuedAt" must be an ISO-8601 time/],
    ];
    for (const [token, re] of cases) expect(reason(verifyDecisionToken(token, keys, expected())), String(token)).toMatch(re);
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.stringMatching(/^[A-Za-z0-9_-]{0,200}\.[A-Za-z0-9_-]{0,120}$/), fc.anything()), (junk) => {
        expect(verifyDecisionToken(junk, keys, expected()).ok).toBe(false);
      }),
    );
  });

  it('refuses a token over 2 KB before decoding it', () => {
    const big = signDecision(ada.key, payload({ runId: 'r'.repeat(MAX_TOKEN_LENGTH) }));
    expect(big.length).toBeGreaterThan(MAX_TOKEN_LENGTH);
    expect(reason(verifyDecisionToken(big, { 'dr-ada': [ada.pub] }, expected({ runId: 'r'.repeat(MAX_TOKEN_LENGTH) })))).toBe(`token too long: ${big.length} characters, at most ${MAX_TOKEN_LENGTH}`);
    expect(reason(verifyDecisionToken('x'.repeat(1_000_000), keys, expected()))).toMatch(/^token too long: 1000000 characters/);
  });

  it('escapes and bounds what a refusal quotes from the token', () => {
    const token = signDecision(ada.key, payload({ reviewer: `evil\u202e${'x'.repeat(500)}` }));
    const r = reason(verifyDecisionToken(token, keys, expected()));
    expect(r).toContain('evil\\u202e');
    expect(r).not.toContain('\u202e');
    expect(r.length).toBeLessThan(400);
  });

  it('refuses to sign a malformed payload', () => {
    expect(() => signDecision(ada.key, payload({ modelSha256: 'abc' }))).toThrow(/cannot sign this decision: "modelSha256"/);
  });

  it('verifies a signature made outside Bosun over the documented bytes (any ed25519 tool can sign)', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const bytes = encodeDecisionPayload(payload());
    const token = formatDecisionToken(bytes, new Uint8Array(sign(null, bytes, privateKey)));
    const pub = parsePublicKey(publicKey.export({ type: 'spki', format: 'pem' }).toString(), 'test');
    expect(pub).toBe(publicKeyOf(privateKey));
    expect(verifyDecisionToken(token, { 'dr-ada': [pub] }, expected()).ok).toBe(true);
    expect(decodeDecisionToken(token)).toMatchObject({ ok: true, payload: payload() });
  });

  it('reads public keys as PEM (public or private) or raw base64, and refuses other key types', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const raw = publicKeyOf(privateKey);
    expect(raw).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(parsePublicKey(publicKey.export({ type: 'spki', format: 'pem' }).toString(), 'f')).toBe(raw);
    expect(parsePublicKey(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), 'f')).toBe(raw);
    expect(parsePublicKey(`  ${raw}\n`, 'f')).toBe(raw);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(() => parsePublicKey(rsa, 'me.pub')).toThrow('me.pub: a rsa key; reviewer keys are ed25519');
    expect(() => parsePublicKey('hello', 'me.pub')).toThrow(/^me.pub: not an ed25519 public key/);
  });
});
