// Reviewer keys registered with Bosun, through the CLI's own functions, on real PostgreSQL and on PGlite:
// what `loadReviewerKeys` hands the workflow is exactly the active keys, and a revoked key's tokens stop counting.
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { openApp, type AppDeps } from '../../src/app';
import { verifyDecisionToken, type DecisionTokenPayload } from '../../src/approval/identity';
import { addReviewerKey, loadReviewerKeys } from '../../src/approval/reviewerKeys';
import { parsePrivateKey, publicKeyOf, signDecision } from '../../src/approval/sign';
import { reviewersAdd, reviewersListCommand, reviewersRevokeCommand } from '../../src/cli/reviewers';
import { createTestDatabase, testConfig, uniqueName } from './support/stack';

const SHA = 'ef'.repeat(32);

describe.each(['postgres', 'pglite'] as const)('reviewer keys on %s', (kind) => {
  let app: AppDeps;
  let home: string;
  beforeAll(async () => {
    home = mkdtempSync(path.join(os.tmpdir(), 'bosun-reviewers-'));
    const config = testConfig({ home, databaseUrl: kind === 'postgres' ? await createTestDatabase() : undefined });
    app = await openApp({ ...config, user: 'security-admin' });
  });
  afterAll(async () => {
    await app?.close();
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  /** What a command printed (console.log), as one string. */
  async function printed(fn: () => Promise<unknown>): Promise<string> {
    const lines: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void lines.push(a.join(' ')));
    await fn();
    vi.restoreAllMocks();
    return lines.join('\n');
  }

  const tokenFor = (pem: string, reviewer: string, runId: string) => {
    const p: DecisionTokenPayload = { v: 1, runId, decision: 'approve', reviewer, modelVersion: '1', modelSha256: SHA, issuedAt: new Date().toISOString() };
    return signDecision(parsePrivateKey(pem, 'test'), p);
  };

  it('add without --public-key writes a 0600 private key under BOSUN_HOME/keys and registers its public half', async () => {
    const ada = uniqueName('ada');
    const { key, privateKeyFile } = await reviewersAdd(app, ada);
    expect(privateKeyFile).toBe(path.join(home, 'keys', `${ada}.key`));
    expect(statSync(privateKeyFile!).mode & 0o777).toBe(0o600);
    expect(statSync(path.dirname(privateKeyFile!)).mode & 0o077).toBe(0);
    const pem = readFileSync(privateKeyFile!, 'utf8');
    expect(key).toMatchObject({ reviewer: ada, publicKey: publicKeyOf(parsePrivateKey(pem, 'f')), addedBy: 'security-admin', revokedAt: null });
    expect(await loadReviewerKeys(app.db, [ada])).toEqual({ [ada]: [key.publicKey] });
    // The key file signs tokens the loaded keys verify.
    const verdict = verifyDecisionToken(tokenFor(pem, ada, 'r-1'), await loadReviewerKeys(app.db, [ada]), { runId: 'r-1', decision: 'approve', modelVersion: '1', modelSha256: SHA });
    expect(verdict).toEqual({ ok: true, reviewer: ada });
    // A second `add` never overwrites the key file, and registers nothing.
    await expect(reviewersAdd(app, ada)).rejects.toThrow(`${privateKeyFile} already exists`);
    expect((await loadReviewerKeys(app.db, [ada]))[ada]).toHaveLength(1);
    expect(readFileSync(privateKeyFile!, 'utf8')).toBe(pem);
  });

  it('add --public-key takes a PEM a reviewer made elsewhere; several keys per reviewer; revoke one or all', async () => {
    const bob = uniqueName('bob');
    const carol = uniqueName('carol');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'bosun-pub-'));
    const pairs = [0, 1, 2].map(() => generateKeyPairSync('ed25519'));
    const files = pairs.map((p, i) => {
      const f = path.join(dir, `k${i}.pub`);
      writeFileSync(f, p.publicKey.export({ type: 'spki', format: 'pem' }).toString());
      return f;
    });
    const k0 = (await reviewersAdd(app, bob, { publicKeyFile: files[0] })).key;
    const k1 = (await reviewersAdd(app, bob, { publicKeyFile: files[1] })).key;
    const k2 = (await reviewersAdd(app, carol, { publicKeyFile: files[2] })).key;
    expect(k0.publicKey).toBe(publicKeyOf(pairs[0].privateKey));
    expect(await loadReviewerKeys(app.db, [bob, carol, 'nobody-has-this-id'])).toEqual({ [bob]: [k0.publicKey, k1.publicKey], [carol]: [k2.publicKey] });
    expect(await loadReviewerKeys(app.db, [carol, carol])).toEqual({ [carol]: [k2.publicKey] });
    expect(await loadReviewerKeys(app.db, [])).toEqual({});

    // The same key cannot be registered again, for anyone.
    await expect(reviewersAdd(app, carol, { publicKeyFile: files[0] })).rejects.toThrow(`this public key is already registered (key ${k0.id}, reviewer "${bob}", active)`);

    const out = await printed(() => reviewersRevokeCommand(app, bob, { keyId: k0.id }));
    expect(out).toBe(`revoked key ${k0.id} of ${bob}: tokens they sign are refused from now on`);
    expect(await loadReviewerKeys(app.db, [bob, carol])).toEqual({ [bob]: [k1.publicKey], [carol]: [k2.publicKey] });
    // A token signed with the revoked key no longer verifies against what the workflow would be given; the other key's does.
    const pem = (i: number) => pairs[i].privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const expected = { runId: 'r-2', decision: 'approve' as const, modelVersion: '1', modelSha256: SHA };
    const loaded = await loadReviewerKeys(app.db, [bob]);
    expect(verifyDecisionToken(tokenFor(pem(0), bob, 'r-2'), loaded, expected)).toMatchObject({ ok: false, reason: expect.stringMatching(/^bad signature/) });
    expect(verifyDecisionToken(tokenFor(pem(1), bob, 'r-2'), loaded, expected)).toEqual({ ok: true, reviewer: bob });
    // A revoked key stays registered: it cannot be re-added under another name.
    await expect(addReviewerKey(app.db, { reviewer: carol, publicKey: k0.publicKey, addedBy: 'x' })).rejects.toThrow(/already registered .* revoked on /);

    await printed(() => reviewersRevokeCommand(app, bob, {}));
    expect(await loadReviewerKeys(app.db, [bob, carol])).toEqual({ [carol]: [k2.publicKey] });
    expect(verifyDecisionToken(tokenFor(pem(1), bob, 'r-2'), await loadReviewerKeys(app.db, [bob]), expected)).toMatchObject({ ok: false, reason: expect.stringMatching(/^unknown reviewer key/) });
    await expect(reviewersRevokeCommand(app, bob, {})).rejects.toThrow(`reviewer "${bob}" has no active key; see \`bosun reviewers list\``);

    // Every reviewer's active keys when no approver list limits them.
    const all = await loadReviewerKeys(app.db, undefined);
    expect(all[carol]).toEqual([k2.publicKey]);
    expect(all[bob]).toBeUndefined();
  });

  it('list shows active keys, --all also the revoked ones with who revoked them, --json for scripts', async () => {
    const dave = uniqueName('dave');
    const { key: a } = await reviewersAdd(app, dave);
    const { key: b } = await reviewersAdd(app, dave, { publicKeyFile: writePub() });
    await printed(() => reviewersRevokeCommand(app, dave, { keyId: a.id }));
    const active = JSON.parse(await printed(() => reviewersListCommand(app, { json: true })));
    expect(active.filter((r: { reviewer: string }) => r.reviewer === dave).map((r: { id: number }) => r.id)).toEqual([b.id]);
    const all = JSON.parse(await printed(() => reviewersListCommand(app, { json: true, all: true }))).filter((r: { reviewer: string }) => r.reviewer === dave);
    expect(all.map((r: { id: number; revokedBy: string | null }) => [r.id, r.revokedBy])).toEqual([
      [a.id, 'security-admin'],
      [b.id, null],
    ]);
    expect(all[0].revoked).not.toBeNull();
    const table = await printed(() => reviewersListCommand(app, { all: true }));
    expect(table.split('\n')[0]).toMatch(/^ID\s+REVIEWER\s+PUBLICKEY\s+ADDEDBY\s+CREATED\s+REVOKED/);
    expect(table).toContain(b.publicKey);
  });

  it('refuses ids a decision could not carry, ids that cannot name a key file, and things that are not keys', async () => {
    await expect(reviewersAdd(app, 'eve\u202egro', { publicKeyFile: writePub() })).rejects.toThrow(/reviewer id "eve\\u202egro": contains the control or formatting character U\+202E/);
    await expect(reviewersAdd(app, ' spaced', { publicKeyFile: writePub() })).rejects.toThrow(/leading or trailing spaces/);
    await expect(reviewersAdd(app, '../etc/passwd')).rejects.toThrow(/cannot name a key file; .* register it with --public-key/);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'bosun-bad-'));
    const junk = path.join(dir, 'junk.pub');
    writeFileSync(junk, 'not a key');
    await expect(reviewersAdd(app, uniqueName('frank'), { publicKeyFile: junk })).rejects.toThrow(`--public-key ${junk}: not an ed25519 public key`);
    await expect(reviewersAdd(app, uniqueName('frank'), { publicKeyFile: path.join(dir, 'missing.pub') })).rejects.toThrow(/cannot read it \(ENOENT\)/);
    await expect(addReviewerKey(app.db, { reviewer: 'frank', publicKey: Buffer.alloc(32, 0xff).toString('base64'), addedBy: 'x' })).rejects.toThrow(/not a valid ed25519 point/);
    await expect(addReviewerKey(app.db, { reviewer: 'frank', publicKey: Buffer.alloc(31).toString('base64'), addedBy: 'x' })).rejects.toThrow('the public key is 31 bytes; an ed25519 public key is 32');
    expect(await loadReviewerKeys(app.db, ['frank'])).toEqual({});
  });
});

function writePub(): string {
  const f = path.join(mkdtempSync(path.join(os.tmpdir(), 'bosun-pub-')), 'k.pub');
  writeFileSync(f, generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString());
  return f;
}
