/**
 * `bosun reviewers add|list|revoke`: the public keys whose signatures prove who approved. Registering a key
 * is the trust decision, so it is recorded with who made it (BOSUN_USER) and never deleted.
 */
import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { AppDeps } from '../app';
import { addReviewerKey, listReviewerKeys, revokeReviewerKeys, type ReviewerKeyRow } from '../approval/reviewerKeys';
import { generateReviewerKeyPair, KeyFileError, parsePublicKey } from '../approval/sign';
import { CliError, printJson, printTable } from './output';

type App = Pick<AppDeps, 'db' | 'config'>;

/** Where `reviewers add` writes a generated private key and where `approve` looks for one. */
export function defaultKeyFile(home: string, reviewer: string): string {
  return path.join(home, 'keys', `${reviewer}.key`);
}

/** A reviewer id that is also a safe file name (no separators, no leading dot), so it can name a key file. */
export function isFileSafeId(reviewer: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9._@+-]*$/.test(reviewer) && reviewer.length <= 128;
}

export interface AddResult {
  key: ReviewerKeyRow;
  /** Set when Bosun generated the pair: where the private key was written. */
  privateKeyFile?: string;
}

/**
 * Registers a reviewer's public key from `publicKeyFile`, or generates a key pair, writes the private half
 * to BOSUN_HOME/keys/<id>.key (mode 0600, never overwritten) and registers the public half.
 */
export async function reviewersAdd(app: App, reviewer: string, o: { publicKeyFile?: string } = {}): Promise<AddResult> {
  const addedBy = app.config.user;
  if (o.publicKeyFile !== undefined) {
    let text: string;
    try {
      text = readFileSync(o.publicKeyFile, 'utf8');
    } catch (err) {
      throw new CliError(`--public-key ${o.publicKeyFile}: cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
    const publicKey = asCliError(() => parsePublicKey(text, `--public-key ${o.publicKeyFile}`));
    return { key: await addReviewerKey(app.db, { reviewer, publicKey, addedBy }) };
  }
  if (!isFileSafeId(reviewer)) {
    throw new CliError(`reviewer id "${reviewer}" cannot name a key file; have the reviewer make a key (\`openssl genpkey -algorithm ed25519 -out me.key && openssl pkey -in me.key -pubout -out me.pub\`) and register it with --public-key me.pub`);
  }
  const file = defaultKeyFile(app.config.home, reviewer);
  const { privateKeyPem, publicKey } = generateReviewerKeyPair();
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  try {
    // 'wx': never overwrite a key someone may still be signing with.
    writeFileSync(file, privateKeyPem, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new CliError(`${file} already exists; use it (\`bosun approve … --key ${file}\`), or move it away and revoke its key first (\`bosun reviewers revoke ${reviewer}\`)`);
    }
    throw err;
  }
  try {
    return { key: await addReviewerKey(app.db, { reviewer, publicKey, addedBy }), privateKeyFile: file };
  } catch (err) {
    unlinkSync(file); // not registered: a key file nobody can verify would only mislead
    throw err;
  }
}

export async function reviewersAddCommand(app: App, reviewer: string, o: { publicKey?: string }): Promise<void> {
  const { key, privateKeyFile } = await reviewersAdd(app, reviewer, { publicKeyFile: o.publicKey });
  console.log(`registered key ${key.id} for ${key.reviewer} (ed25519 ${key.publicKey})`);
  if (privateKeyFile) {
    console.log(`private key: ${privateKeyFile} (mode 0600). It proves ${key.reviewer}'s approvals, so only they may hold it: if this is not their machine, move it to theirs (BOSUN_HOME/keys/, or point BOSUN_REVIEWER_KEY at it) and delete it here.`);
  }
}

export async function reviewersListCommand(app: App, o: { json?: boolean; all?: boolean }): Promise<void> {
  const rows = (await listReviewerKeys(app.db, { includeRevoked: o.all })).map((k) => ({
    id: k.id,
    reviewer: k.reviewer,
    publicKey: k.publicKey,
    addedBy: k.addedBy,
    created: k.createdAt,
    revoked: k.revokedAt,
    ...(o.json ? { revokedBy: k.revokedBy } : {}),
  }));
  if (o.json) printJson(rows);
  else printTable(rows, ['id', 'reviewer', 'publicKey', 'addedBy', 'created', ...(o.all ? ['revoked'] : [])]);
}

export async function reviewersRevokeCommand(app: App, reviewer: string, o: { keyId?: number }): Promise<ReviewerKeyRow[]> {
  if (o.keyId !== undefined && !Number.isSafeInteger(o.keyId)) throw new CliError('--key-id must be a key id from `bosun reviewers list`');
  const rows = await revokeReviewerKeys(app.db, reviewer, { revokedBy: app.config.user, keyId: o.keyId });
  console.log(`revoked ${rows.length === 1 ? 'key' : 'keys'} ${rows.map((r) => r.id).join(', ')} of ${reviewer}: tokens they sign are refused from now on`);
  return rows;
}

function asCliError<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof KeyFileError) throw new CliError(err.message);
    throw err;
  }
}
