/**
 * The audit hash chain, as pure functions: how a record is hashed, and how a model's chain is checked.
 * A record's hash covers every field a person reads plus the previous record's hash, so changing any
 * field, removing a record or reordering them shows up as the first link that no longer holds.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../pipeline/canonical';

/** prevHash of a model's first record. */
export const GENESIS_HASH = '0'.repeat(64);

export type AuditKind = 'approval' | 'refusal' | 'promotion' | 'rollback' | 'break_glass' | 'verification';

/** The hashed fields of one audit record, as stored. */
export interface ChainedRecord {
  modelName: string;
  seq: number;
  kind: string;
  actor: string;
  modelVersion: number | null;
  runId: string | null;
  key: string | null;
  detail: unknown;
  createdAt: Date;
  prevHash: string;
}

/** sha256 (hex) over the canonical JSON of the record's fields, prevHash included. Versioned so the format can evolve. */
export function recordHash(r: ChainedRecord): string {
  const body = canonicalJson({
    v: 1,
    modelName: r.modelName,
    seq: r.seq,
    kind: r.kind,
    actor: r.actor,
    modelVersion: r.modelVersion,
    runId: r.runId,
    key: r.key,
    detail: r.detail,
    createdAt: r.createdAt.toISOString(),
    prevHash: r.prevHash,
  });
  return createHash('sha256').update(body).digest('hex');
}

/**
 * What JSON storage (jsonb) gives back for a value: keys with undefined dropped, Dates as strings. Detail
 * is normalised with this before hashing, so the hash recomputed from the stored row is the one written.
 */
export function jsonSafe(value: unknown): unknown {
  return value === undefined ? null : JSON.parse(JSON.stringify(value));
}

export interface BrokenLink {
  modelName: string;
  /** The first record (or the expected position) where the chain does not hold. */
  seq: number;
  problem: string;
}

export interface ChainCheck {
  modelName: string;
  ok: boolean;
  count: number;
  headHash: string;
  broken?: BrokenLink;
}

/**
 * Checks one model's records, ordered by seq, against the chain rules and against the recorded head (the
 * last seq and hash the appender wrote, or undefined if there is none). Stops at the first broken link.
 */
export function checkChain(modelName: string, records: (ChainedRecord & { hash: string })[], head?: { seq: number; hash: string }): ChainCheck {
  let prev = GENESIS_HASH;
  let expected = 1;
  const fail = (seq: number, problem: string): ChainCheck => ({ modelName, ok: false, count: records.length, headHash: prev, broken: { modelName, seq, problem } });
  for (const r of records) {
    if (r.seq !== expected) {
      return fail(
        expected,
        r.seq > expected
          ? `record ${expected}${r.seq - expected > 1 ? `–${r.seq - 1}` : ''} is missing (the next record is seq ${r.seq}): a record was deleted`
          : `seq ${r.seq} appears out of order after seq ${expected - 1}`,
      );
    }
    if (r.prevHash !== prev) {
      return fail(
        r.seq,
        r.seq === 1
          ? `prev_hash is ${short(r.prevHash)} but a first record must name ${short(GENESIS_HASH)}`
          : `prev_hash is ${short(r.prevHash)} but record ${r.seq - 1} hashes to ${short(prev)}: record ${r.seq - 1} was rewritten (or replaced)`,
      );
    }
    const actual = recordHash(r);
    if (actual !== r.hash) {
      return fail(r.seq, `its fields hash to ${short(actual)} but the stored hash is ${short(r.hash)}: a field of this record (${r.kind} by ${r.actor}) was changed after it was written`);
    }
    prev = r.hash;
    expected++;
  }
  const last = records.length;
  if (!head && last > 0) return fail(last, `the chain has ${last} records but no head row (audit_heads): the head was deleted`);
  if (head && (head.seq !== last || head.hash !== prev)) {
    return fail(
      Math.min(head.seq, last + 1),
      head.seq > last
        ? `the chain head says ${head.seq} records (last ${short(head.hash)}) but only ${last} remain: the last ${head.seq - last} record(s) were deleted`
        : `the chain head (seq ${head.seq}, ${short(head.hash)}) disagrees with the last record (seq ${last}, ${short(prev)})`,
    );
  }
  return { modelName, ok: true, count: last, headHash: prev };
}

function short(hash: string): string {
  return `${hash.slice(0, 12)}…`;
}
