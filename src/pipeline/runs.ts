/** The run record and the approval audit in the metadata database (idempotent: activities may retry). */
import { eq } from 'drizzle-orm';
import { approvals, pipelines, runs } from '../db/schema';
import type { AuditEntry } from '../contract/messages';
import type { StepContext } from '../contract/types';
import type { StageDeps } from './deps';
import { appendAudit, approvalAuditRecord } from '../audit';
import { runEnvironment } from './environment';

export async function startRun(deps: StageDeps, ctx: StepContext, info: { startedBy: string; trigger: string; codeVersion: string | null }): Promise<void> {
  await deps.db.insert(pipelines).values({ name: ctx.pipeline, latestSpecHash: ctx.specHash }).onConflictDoUpdate({ target: pipelines.name, set: { latestSpecHash: ctx.specHash } });
  const [p] = await deps.db.select().from(pipelines).where(eq(pipelines.name, ctx.pipeline));
  await deps.db
    .insert(runs)
    // The worker's environment: it is what trains, so it is what `bosun reproduce` compares.
    .values({ id: ctx.runId, pipelineId: p.id, startedBy: info.startedBy, specHash: ctx.specHash, codeVersion: info.codeVersion, trigger: info.trigger, environment: runEnvironment() })
    .onConflictDoNothing();
}

export type RunEnd = 'succeeded' | 'failed' | 'rejected';

export async function finishRun(deps: StageDeps, ctx: StepContext, status: RunEnd, error: string | null): Promise<void> {
  await deps.db.update(runs).set({ status, error, stage: status, finishedAt: new Date() }).where(eq(runs.id, ctx.runId));
}

/**
 * Appends one approval attempt to the audit. `seq` is the entry's position in the workflow's audit, so a
 * retried call finds its row instead of appending twice.
 */
export async function recordApproval(deps: StageDeps, ctx: StepContext, entry: AuditEntry, candidateVersion: string | null, seq: number): Promise<void> {
  const inserted = await deps.db.insert(approvals).values({
    runId: ctx.runId,
    seq,
    modelVersion: candidateVersion,
    decision: entry.decision,
    reviewer: entry.reviewer,
    comment: entry.comment ?? null,
    accepted: entry.accepted,
    reason: entry.reason,
    outcome: entry.outcome ?? null,
    artifactHash: entry.artifactHash ?? null,
    createdAt: new Date(entry.at),
  }).onConflictDoNothing().returning({ id: approvals.id });
  // Also into the model's hash chain, even when the row already existed: a crash between the two writes is
  // repaired by the retry, and the key makes the chain record happen once.
  await appendAudit(deps.db, ctx.pipeline, approvalAuditRecord(ctx.runId, seq, entry, candidateVersion));
  if (inserted.length === 0) return;
  if (entry.accepted && candidateVersion && (entry.decision === 'approve' || entry.decision === 'auto')) {
    await deps.db.update(runs).set({ stage: 'approved' }).where(eq(runs.id, ctx.runId));
  }
  if (!entry.accepted) return;
  if (entry.decision === 'reject' || entry.decision === 'timeout') await deps.db.update(runs).set({ status: 'rejected' }).where(eq(runs.id, ctx.runId));
}
