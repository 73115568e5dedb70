/**
 * Reviewers' public keys registered with Bosun (table `reviewer_keys`). The workflow verifies decision
 * tokens against what `loadReviewerKeys` returns (an activity reads it; the workflow stays pure).
 * Keys are never deleted: revoking stamps `revoked_at`, and only unrevoked keys are ever loaded.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { base64 } from '@scure/base';
import { and, asc, eq, inArray, isNull } from 'drizzle-orm';
import type { Db } from '../db/client';
import { reviewerKeys } from '../db/schema';
import { BadInputError } from '../pipeline/errors';
import { parseDecision } from './decisionPayload';

export type ReviewerKeyRow = typeof reviewerKeys.$inferSelect;

/**
 * Active public keys (base64, raw 32 bytes) of the named reviewers, oldest first: exactly the `keys`
 * argument of verifyDecisionToken. A reviewer with no active key is absent. `undefined` loads every
 * reviewer's keys (a policy with no approver list lets anyone decide); an empty list loads none.
 */
export async function loadReviewerKeys(db: Db, reviewerIds: readonly string[] | undefined): Promise<Record<string, string[]>> {
  if (reviewerIds !== undefined && reviewerIds.length === 0) return {};
  const active = isNull(reviewerKeys.revokedAt);
  const rows = await db
    .select({ reviewer: reviewerKeys.reviewer, publicKey: reviewerKeys.publicKey })
    .from(reviewerKeys)
    .where(reviewerIds === undefined ? active : and(active, inArray(reviewerKeys.reviewer, [...new Set(reviewerIds)])))
    .orderBy(asc(reviewerKeys.id));
  const out: Record<string, string[]> = {};
  for (const r of rows) (out[r.reviewer] ??= []).push(r.publicKey);
  return out;
}

/** Registers a public key for a reviewer. Refuses an id a decision could not carry, a non-key, and a key already registered. */
export async function addReviewerKey(db: Db, o: { reviewer: string; publicKey: string; addedBy: string }): Promise<ReviewerKeyRow> {
  const reviewer = checkReviewerId(o.reviewer);
  const publicKey = checkPublicKey(o.publicKey);
  const [existing] = await db.select().from(reviewerKeys).where(eq(reviewerKeys.publicKey, publicKey));
  if (existing) {
    const state = existing.revokedAt ? `revoked on ${existing.revokedAt.toISOString()}` : 'active';
    throw new BadInputError(`this public key is already registered (key ${existing.id}, reviewer "${existing.reviewer}", ${state}); a key belongs to one reviewer and is never reused: generate a new one`);
  }
  const [row] = await db.insert(reviewerKeys).values({ reviewer, publicKey, addedBy: o.addedBy }).returning();
  return row;
}

/**
 * Revokes a reviewer's active keys (all of them, or only key `keyId`); returns the rows revoked. Tokens
 * signed by a revoked key are refused from then on, also in runs already waiting at the gate.
 */
export async function revokeReviewerKeys(db: Db, reviewer: string, o: { revokedBy: string; keyId?: number }): Promise<ReviewerKeyRow[]> {
  const where = and(eq(reviewerKeys.reviewer, reviewer), isNull(reviewerKeys.revokedAt), o.keyId === undefined ? undefined : eq(reviewerKeys.id, o.keyId));
  const rows = await db.update(reviewerKeys).set({ revokedAt: new Date(), revokedBy: o.revokedBy }).where(where).returning();
  if (rows.length === 0) {
    const what = o.keyId === undefined ? `reviewer "${reviewer}" has no active key` : `reviewer "${reviewer}" has no active key ${o.keyId}`;
    throw new BadInputError(`${what}; see \`bosun reviewers list\``);
  }
  return rows;
}

/** Every registered key, newest first; revoked ones only when asked. */
export async function listReviewerKeys(db: Db, o: { includeRevoked?: boolean } = {}): Promise<ReviewerKeyRow[]> {
  const q = db.select().from(reviewerKeys);
  return (o.includeRevoked ? q : q.where(isNull(reviewerKeys.revokedAt))).orderBy(asc(reviewerKeys.reviewer), asc(reviewerKeys.id));
}

/** The same rules as the `reviewer` of a decision (decisionPayload.ts), so every registered id can sign. */
function checkReviewerId(id: string): string {
  const parsed = parseDecision({ reviewer: id });
  if (!parsed.ok) throw new BadInputError(`reviewer id "${parsed.reviewer}": ${parsed.reason.replace(/^malformed: "reviewer" /, '')}`);
  if (parsed.decision.reviewer !== id) throw new BadInputError(`reviewer id ${JSON.stringify(id)} has leading or trailing spaces; register "${parsed.decision.reviewer}"`);
  return id;
}

/** Base64 of 32 bytes that decode to a point on the curve: anything else could never verify a token. */
function checkPublicKey(key: string): string {
  let bytes: Uint8Array;
  try {
    bytes = base64.decode(key.trim());
  } catch {
    throw new BadInputError('the public key is not base64; give the 44-character base64 of the raw 32-byte ed25519 key, or a PEM file');
  }
  if (bytes.length !== 32) throw new BadInputError(`the public key is ${bytes.length} bytes; an ed25519 public key is 32`);
  try {
    ed25519.Point.fromBytes(bytes);
  } catch {
    throw new BadInputError('the public key is 32 bytes but not a valid ed25519 point; was it copied whole?');
  }
  return base64.encode(bytes);
}
