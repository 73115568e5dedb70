/**
 * The audit log in the database: one append-only hash chain per model (see chain.ts for the hashing).
 * Appends serialise per model on the model's chain-head row (SELECT … FOR UPDATE inside one transaction),
 * so concurrent writers — approvals arriving while a promotion commits — never fork the chain.
 */
import { and, asc, eq, gt } from 'drizzle-orm';
import type { Db } from '../db/client';
import { auditHeads, auditLog } from '../db/schema';
import { checkChain, GENESIS_HASH, jsonSafe, recordHash, type AuditKind, type ChainCheck } from './chain';

export type AuditRow = typeof auditLog.$inferSelect;

/** One thing that happened to a model, as the caller describes it; the chain fields are added here. */
export interface AuditRecord {
  kind: AuditKind;
  /** Who did it: the reviewer, the user running the command, or 'bosun' for the pipeline itself. */
  actor: string;
  modelVersion?: number | null;
  runId?: string | null;
  /** Idempotency key: when the model's chain already holds a record with this key, that record is returned. */
  key?: string | null;
  /** What a reader needs to know (decision, reason, from/to versions…); stored as JSON. */
  detail?: Record<string, unknown>;
  /** When it happened (default: now). */
  at?: Date;
}

/**
 * Appends a record to the model's chain and returns it. Pass a transaction to make the record part of a
 * larger change (a promotion and its audit record commit together or not at all): the append then runs
 * in a savepoint of it.
 */
export async function appendAudit(db: Db, modelName: string, record: AuditRecord): Promise<AuditRow> {
  return db.transaction(async (tx) => {
    await tx.insert(auditHeads).values({ modelName, seq: 0, hash: GENESIS_HASH }).onConflictDoNothing();
    const [head] = await tx.select().from(auditHeads).where(eq(auditHeads.modelName, modelName)).for('update');
    if (record.key) {
      const [existing] = await tx.select().from(auditLog).where(and(eq(auditLog.modelName, modelName), eq(auditLog.key, record.key)));
      if (existing) return existing;
    }
    const fields = {
      modelName,
      seq: head.seq + 1,
      kind: record.kind,
      actor: record.actor,
      modelVersion: record.modelVersion ?? null,
      runId: record.runId ?? null,
      key: record.key ?? null,
      detail: jsonSafe(record.detail ?? {}),
      createdAt: new Date((record.at ?? new Date()).getTime()),
      prevHash: head.hash,
    };
    const hash = recordHash(fields);
    const [row] = await tx.insert(auditLog).values({ ...fields, hash }).returning();
    await tx.update(auditHeads).set({ seq: fields.seq, hash, updatedAt: new Date() }).where(eq(auditHeads.modelName, modelName));
    return row;
  });
}

/**
 * The audit record of one approval decision (accepted or refused), keyed by the run and the decision's
 * position in the run's audit, so a retried `recordApproval` appends it once.
 */
export function approvalAuditRecord(
  runId: string,
  seq: number,
  entry: { at: string; decision: string; reviewer: string; comment?: string; accepted: boolean; reason: string; outcome?: string; artifactHash?: string },
  candidateVersion: string | null,
): AuditRecord {
  return {
    kind: entry.accepted ? 'approval' : 'refusal',
    actor: entry.reviewer,
    runId,
    modelVersion: candidateVersion === null || !/^\d+$/.test(candidateVersion) ? null : Number(candidateVersion),
    key: `approval:${runId}:${seq}`,
    at: new Date(entry.at),
    detail: { decision: entry.decision, accepted: entry.accepted, reason: entry.reason, comment: entry.comment ?? null, candidateVersion, outcome: entry.outcome ?? null, artifactHash: entry.artifactHash ?? null },
  };
}

/** A model's records in chain order. */
export async function readAudit(db: Db, modelName: string): Promise<AuditRow[]> {
  return db.select().from(auditLog).where(eq(auditLog.modelName, modelName)).orderBy(asc(auditLog.seq));
}

/**
 * Recomputes the chain of one model, or of every model with an audit, and reports the first broken link
 * of each. Reads in pages so a long history is not one huge query.
 */
export async function verifyAudit(db: Db, modelName?: string): Promise<ChainCheck[]> {
  const names = modelName ? [modelName] : await auditedModels(db);
  const results: ChainCheck[] = [];
  for (const name of names) {
    const [head] = await db.select().from(auditHeads).where(eq(auditHeads.modelName, name));
    const records: AuditRow[] = [];
    for (let after = -Infinity; ; ) {
      const page = await db
        .select()
        .from(auditLog)
        .where(and(eq(auditLog.modelName, name), Number.isFinite(after) ? gt(auditLog.seq, after) : undefined))
        .orderBy(asc(auditLog.seq))
        .limit(1000);
      records.push(...page);
      if (page.length < 1000) break;
      after = page[page.length - 1].seq;
    }
    results.push(checkChain(name, records, head ? { seq: head.seq, hash: head.hash } : undefined));
  }
  return results;
}

async function auditedModels(db: Db): Promise<string[]> {
  const [fromLog, fromHeads] = await Promise.all([
    db.selectDistinct({ name: auditLog.modelName }).from(auditLog),
    db.select({ name: auditHeads.modelName }).from(auditHeads),
  ]);
  return [...new Set([...fromLog, ...fromHeads].map((r) => r.name))].sort();
}
