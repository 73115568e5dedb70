/**
 * The model registry: versions, and the aliases that point at them. Every move of production — direct
 * promotion, canary promotion, rollback — is ONE transaction under a per-model lock that moves the alias,
 * the version statuses, the deployment records and appends the audit record together: a process killed
 * at any point leaves production at exactly one version, and retrying the same call finishes the move.
 *
 * No back door: a version reaches production (or a canary) only with an accepted approval from its run,
 * or by an explicit break-glass promotion with a reason, which the audit records as such.
 */
import { and, asc, desc, eq, sql } from 'drizzle-orm';
import { appendAudit } from '../audit/log';
import type { Db } from '../db/client';
import { approvals, deployments, modelAliases, modelVersions } from '../db/schema';
import { chooseRollbackTarget, judgeApprovals, type Authority } from './authority';
import { UserError } from '../errors';

export type ModelVersion = typeof modelVersions.$inferSelect;

/** A registry request that cannot be met as asked (unknown version, nothing to roll back to). */
export class RegistryError extends UserError {
  override name = 'RegistryError';
}

/** A promotion refused because the version has no accepted approval (the refusal is in the audit). */
export class PromotionRefusedError extends RegistryError {}

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

export interface NewVersion {
  modelName: string;
  runId: string;
  featureSetId: number | null;
  algorithm: string;
  params: Record<string, unknown>;
  seed: number;
  artifactHash: string;
  profileHash: string | null;
  metrics: Record<string, unknown> | null;
}

/** Registers a version once per run (a retried train step gets the same row back). */
export async function registerVersion(db: Db, v: NewVersion): Promise<ModelVersion> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${'model:' + v.modelName}))`);
    const [existing] = await tx.select().from(modelVersions).where(eq(modelVersions.runId, v.runId));
    if (existing) return existing;
    const [{ next }] = await tx
      .select({ next: sql<number>`coalesce(max(${modelVersions.version}), 0) + 1` })
      .from(modelVersions)
      .where(eq(modelVersions.modelName, v.modelName));
    const [row] = await tx.insert(modelVersions).values({ ...v, version: Number(next) }).returning();
    return row;
  });
}

export async function getVersion(db: Db, modelName: string, version: number): Promise<ModelVersion | undefined> {
  const [row] = await db.select().from(modelVersions).where(and(eq(modelVersions.modelName, modelName), eq(modelVersions.version, version)));
  return row;
}

export async function getAlias(db: Db, modelName: string, alias: 'production' | 'staging'): Promise<ModelVersion | undefined> {
  const [row] = await db
    .select({ v: modelVersions })
    .from(modelAliases)
    .innerJoin(modelVersions, eq(modelAliases.versionId, modelVersions.id))
    .where(and(eq(modelAliases.modelName, modelName), eq(modelAliases.alias, alias)));
  return row?.v;
}

export interface PromoteOptions {
  /** The run that deploys it (the deploy stage); recorded on the deployment. */
  runId?: string;
  /** direct, canary, manual… (recorded on the deployment; break-glass promotions record 'break_glass'). */
  strategy?: string;
  reason?: string;
  /** Who asks: a user, or 'bosun' for the pipeline. */
  actor?: string;
  /** Promote even without an accepted approval; needs a reason, and is audited as break-glass. */
  breakGlass?: boolean;
}

export interface PromoteResult {
  version: number;
  previousVersion: number | null;
  /** Why the move was allowed (who approved it), or why this target was chosen (rollback). */
  why?: string;
  /** Rollback: newer versions passed over, with the reason. */
  skipped?: { version: number; why: string }[];
  /** True when production was already where the call wanted it (a retry after the move committed). */
  unchanged?: boolean;
  /** True when this promotion went ahead without an approval, by break-glass. */
  breakGlass?: boolean;
}

async function lockModel(tx: Tx, modelName: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${'model:' + modelName}))`);
}

async function findVersion(tx: Tx | Db, modelName: string, version: number): Promise<ModelVersion> {
  const [target] = await tx.select().from(modelVersions).where(and(eq(modelVersions.modelName, modelName), eq(modelVersions.version, version)));
  if (!target) throw new RegistryError(`model "${modelName}" has no version ${version}; see \`bosun models list ${modelName}\``);
  return target;
}

/** Whether a version's own run approved it (see authority.ts for the rule). */
export async function approvalOf(db: Tx | Db, v: ModelVersion): Promise<Authority> {
  const rows = await db
    .select({ decision: approvals.decision, accepted: approvals.accepted, reviewer: approvals.reviewer, reason: approvals.reason, modelVersion: approvals.modelVersion, outcome: approvals.outcome })
    .from(approvals)
    .where(eq(approvals.runId, v.runId))
    .orderBy(asc(approvals.seq));
  return judgeApprovals(v.version, v.runId, rows);
}

function refusal(modelName: string, v: ModelVersion, authority: Authority, what: string): string {
  return (
    `${what} of model "${modelName}" v${v.version} refused: it has no accepted approval (${authority.why}). ` +
    `Approve it through a pipeline run (\`bosun approve <run> --reviewer <id> --model-version ${v.version}\` while the run waits), ` +
    `or, in an emergency, \`bosun models promote ${modelName} ${v.version} --break-glass --reason "<why>"\` (recorded as break-glass in the audit and notified).`
  );
}

/** Refusals are audited even though the move is not made: in their own transaction, after the move's rolled back. */
async function refuse(db: Db, modelName: string, v: ModelVersion, authority: Authority, what: string, o: { actor?: string; runId?: string }): Promise<never> {
  const message = refusal(modelName, v, authority, what);
  await appendAudit(db, modelName, { kind: 'refusal', actor: o.actor ?? 'unknown', modelVersion: v.version, runId: o.runId ?? null, detail: { what, reason: authority.why } });
  throw new PromotionRefusedError(message);
}

/**
 * Moves production to `target` inside the caller's transaction: the old version is archived and its live
 * deployment superseded, the alias and statuses move, and `deployment` becomes the live record (an
 * existing row — a canary's — is updated, else one is inserted). Returns the previous version.
 */
async function moveProduction(
  tx: Tx,
  modelName: string,
  target: ModelVersion,
  deployment: { existingId?: number; runId: string | null; strategy: string; reason: string | null },
  o: { archiveAs?: 'archived' | 'rejected'; endCurrentAs?: { status: 'superseded' | 'rolled_back'; reason?: string; failedVerification?: boolean } } = {},
): Promise<number | null> {
  const [current] = await tx.select().from(modelAliases).where(and(eq(modelAliases.modelName, modelName), eq(modelAliases.alias, 'production')));
  let previousVersion: number | null = null;
  if (current && current.versionId !== target.id) {
    const [prev] = await tx.update(modelVersions).set({ status: o.archiveAs ?? 'archived' }).where(eq(modelVersions.id, current.versionId)).returning();
    previousVersion = prev.version;
    const end = o.endCurrentAs ?? { status: 'superseded' };
    await tx
      .update(deployments)
      .set({ status: end.status, finishedAt: new Date(), ...(end.reason ? { reason: end.reason } : {}), ...(end.failedVerification ? { failedVerification: true } : {}) })
      .where(and(eq(deployments.versionId, current.versionId), eq(deployments.status, 'live')));
  }
  await tx
    .insert(modelAliases)
    .values({ modelName, alias: 'production', versionId: target.id })
    .onConflictDoUpdate({ target: [modelAliases.modelName, modelAliases.alias], set: { versionId: target.id, updatedAt: new Date() } });
  await tx.update(modelVersions).set({ status: 'production' }).where(eq(modelVersions.id, target.id));
  if (deployment.existingId !== undefined) {
    await tx.update(deployments).set({ status: 'live', reason: deployment.reason, finishedAt: null }).where(eq(deployments.id, deployment.existingId));
  } else {
    await tx.insert(deployments).values({ modelName, versionId: target.id, runId: deployment.runId, strategy: deployment.strategy, status: 'live', reason: deployment.reason });
  }
  return previousVersion;
}

/**
 * Makes a version production. Refused (and audited) without an accepted approval from the version's run,
 * unless `breakGlass` is set with a reason. Idempotent: when the version is already production nothing
 * changes, so a retry after a crash finishes the move or finds it done.
 */
export async function promote(db: Db, modelName: string, version: number, o: PromoteOptions = {}): Promise<PromoteResult> {
  if (o.breakGlass && !o.reason?.trim()) {
    throw new RegistryError(`a break-glass promotion of "${modelName}" v${version} needs a reason: add --reason "<why this cannot wait for an approval>"`);
  }
  const outcome = await db.transaction(async (tx) => {
    await lockModel(tx, modelName);
    const target = await findVersion(tx, modelName, version);
    const [current] = await tx.select().from(modelAliases).where(and(eq(modelAliases.modelName, modelName), eq(modelAliases.alias, 'production')));
    const authority = await approvalOf(tx, target);
    if (current?.versionId === target.id) return { result: { version, previousVersion: version, why: authority.why, unchanged: true } };
    if (!authority.approved && !o.breakGlass) return { refused: { target, authority } };
    const breakGlass = !authority.approved;
    const strategy = breakGlass ? 'break_glass' : (o.strategy ?? 'direct');
    const why = breakGlass ? `break-glass by ${o.actor ?? 'unknown'}: ${o.reason}` : authority.why;
    const previousVersion = await moveProduction(tx, modelName, target, { runId: o.runId ?? null, strategy, reason: o.reason ?? why });
    await appendAudit(tx as unknown as Db, modelName, {
      kind: breakGlass ? 'break_glass' : 'promotion',
      actor: o.actor ?? 'unknown',
      modelVersion: version,
      runId: o.runId ?? target.runId,
      detail: { from: previousVersion, to: version, strategy, reason: o.reason ?? null, authority: authority.why, artifactHash: target.artifactHash },
    });
    return { result: { version, previousVersion, why, breakGlass } };
  });
  if ('refused' in outcome && outcome.refused) return refuse(db, modelName, outcome.refused.target, outcome.refused.authority, 'promotion', o);
  return outcome.result!;
}

export interface RollbackOptions {
  reason?: string;
  actor?: string;
  /**
   * The version being rolled back. When production is no longer that version the rollback already
   * happened (a retry after the move committed) and nothing changes.
   */
  from?: number;
  /** The version being left failed its verification: it is never a rollback target again. */
  failedVerification?: boolean;
}

/**
 * Restores the most recent earlier production version that is approved (or was promoted by break-glass)
 * and never failed verification, in one transaction; says which one it chose, why, and what it skipped.
 */
export async function rollback(db: Db, modelName: string, reasonOrOptions: string | RollbackOptions = {}): Promise<PromoteResult> {
  const o: RollbackOptions = typeof reasonOrOptions === 'string' ? { reason: reasonOrOptions } : reasonOrOptions;
  const reason = o.reason ?? 'manual rollback';
  return db.transaction(async (tx) => {
    await lockModel(tx, modelName);
    const [alias] = await tx.select({ v: modelVersions }).from(modelAliases).innerJoin(modelVersions, eq(modelAliases.versionId, modelVersions.id)).where(and(eq(modelAliases.modelName, modelName), eq(modelAliases.alias, 'production')));
    const current = alias?.v;
    if (!current) throw new RegistryError(`model "${modelName}" has no production version to roll back`);
    if (o.from !== undefined && current.version !== o.from) {
      return { version: current.version, previousVersion: o.from, why: `production is already v${current.version}, no longer v${o.from}`, unchanged: true };
    }
    const history = await tx
      .select({ id: deployments.id, version: modelVersions.version, strategy: deployments.strategy, status: deployments.status, failedVerification: deployments.failedVerification, reason: deployments.reason, v: modelVersions })
      .from(deployments)
      .innerJoin(modelVersions, eq(deployments.versionId, modelVersions.id))
      .where(eq(deployments.modelName, modelName))
      .orderBy(desc(deployments.id));
    const authorities = new Map<number, Authority>();
    for (const h of history) if (h.version !== current.version && !authorities.has(h.version)) authorities.set(h.version, await approvalOf(tx, h.v));
    const choice = chooseRollbackTarget(current.version, history, (v) => authorities.get(v)!);
    if (choice.version === null) {
      const passed = choice.skipped.map((s) => `v${s.version} ${s.why}`).join('; ');
      throw new RegistryError(
        `model "${modelName}" has no version to roll back to from v${current.version}: a rollback target must have been production before, be approved (or break-glass promoted) and never have failed verification${passed ? ` (${passed})` : ''}. Promote a version explicitly with \`bosun models promote ${modelName} <version>\`.`,
      );
    }
    const target = history.find((h) => h.version === choice.version)!.v;
    const previousVersion = await moveProduction(
      tx,
      modelName,
      target,
      { runId: null, strategy: 'rollback', reason: `${reason} (restored v${target.version}: ${choice.why})` },
      { archiveAs: o.failedVerification ? 'rejected' : 'archived', endCurrentAs: { status: 'rolled_back', reason, failedVerification: o.failedVerification } },
    );
    await appendAudit(tx as unknown as Db, modelName, {
      kind: 'rollback',
      actor: o.actor ?? 'unknown',
      modelVersion: target.version,
      detail: { from: previousVersion, to: target.version, reason, failedVerification: !!o.failedVerification, why: choice.why, skipped: choice.skipped },
    });
    return { version: target.version, previousVersion, why: choice.why, skipped: choice.skipped };
  });
}

export async function listVersions(db: Db, modelName?: string): Promise<ModelVersion[]> {
  const q = db.select().from(modelVersions);
  return (modelName ? q.where(eq(modelVersions.modelName, modelName)) : q).orderBy(modelVersions.modelName, desc(modelVersions.version));
}

/** What serving should do for a model right now: who answers, and who is being verified beside it. */
export interface Routing {
  modelName: string;
  production: ModelVersion | null;
  challenger: { version: ModelVersion; deploymentId: number; strategy: 'canary' | 'shadow'; trafficPercent: number } | null;
}

/** The challenger a verifying deployment puts beside production (canary and shadow ones do). */
function challengerOf(verifying: { d: typeof deployments.$inferSelect; v: ModelVersion } | undefined): Routing['challenger'] {
  return verifying && (verifying.d.strategy === 'canary' || verifying.d.strategy === 'shadow')
    ? { version: verifying.v, deploymentId: verifying.d.id, strategy: verifying.d.strategy, trafficPercent: verifying.d.trafficPercent ?? 0 }
    : null;
}

/**
 * The routing of every model with a production version (what a serving process loads), in two queries whatever the
 * number of models: the serving process polls this every second, and on the embedded PGlite each query runs on the
 * serving thread (three per model took ~4 ms there, a stall in the latency tail).
 */
export async function servedRoutings(db: Db): Promise<Routing[]> {
  const production = await db
    .select({ name: modelAliases.modelName, v: modelVersions })
    .from(modelAliases)
    .innerJoin(modelVersions, eq(modelAliases.versionId, modelVersions.id))
    .where(eq(modelAliases.alias, 'production'));
  const verifying = await db
    .select({ d: deployments, v: modelVersions })
    .from(deployments)
    .innerJoin(modelVersions, eq(deployments.versionId, modelVersions.id))
    .where(eq(deployments.status, 'verifying'))
    .orderBy(desc(deployments.id));
  // Newest first: with several verifying (a superseded one not yet closed), the newest is the challenger.
  const latest = new Map<string, (typeof verifying)[number]>();
  for (const row of verifying) if (!latest.has(row.d.modelName)) latest.set(row.d.modelName, row);
  return production.map((p) => ({ modelName: p.name, production: p.v, challenger: challengerOf(latest.get(p.name)) }));
}

/**
 * Puts an approved candidate beside production for verification (canary: it answers `trafficPercent`% of
 * requests; shadow: it scores every request but never answers). Idempotent per run.
 */
export async function startVerification(db: Db, modelName: string, version: number, o: { strategy: 'canary' | 'shadow'; trafficPercent: number; runId: string; actor?: string }): Promise<number> {
  const outcome = await db.transaction(async (tx) => {
    await lockModel(tx, modelName);
    const target = await findVersion(tx, modelName, version);
    const [mine] = await tx.select().from(deployments).where(and(eq(deployments.runId, o.runId), eq(deployments.versionId, target.id), eq(deployments.strategy, o.strategy)));
    if (mine) return { id: mine.id };
    const authority = await approvalOf(tx, target);
    if (!authority.approved) return { refused: { target, authority } };
    // One verification at a time: an older one still open is superseded by this newer candidate.
    const superseded = await tx
      .update(deployments)
      .set({ status: 'rolled_back', reason: 'superseded by a newer candidate', finishedAt: new Date() })
      .where(and(eq(deployments.modelName, modelName), eq(deployments.status, 'verifying')))
      .returning({ id: deployments.id });
    await tx
      .insert(modelAliases)
      .values({ modelName, alias: 'staging', versionId: target.id })
      .onConflictDoUpdate({ target: [modelAliases.modelName, modelAliases.alias], set: { versionId: target.id, updatedAt: new Date() } });
    await tx.update(modelVersions).set({ status: 'staging' }).where(eq(modelVersions.id, target.id));
    const trafficPercent = o.strategy === 'canary' ? o.trafficPercent : 0;
    const [d] = await tx.insert(deployments).values({ modelName, versionId: target.id, runId: o.runId, strategy: o.strategy, status: 'verifying', trafficPercent }).returning();
    await appendAudit(tx as unknown as Db, modelName, {
      kind: 'verification',
      actor: o.actor ?? 'bosun',
      modelVersion: version,
      runId: o.runId,
      detail: { strategy: o.strategy, trafficPercent, deploymentId: d.id, authority: authority.why, artifactHash: target.artifactHash, supersededDeployments: superseded.map((s) => s.id) },
    });
    return { id: d.id };
  });
  if (outcome.refused) return refuse(db, modelName, outcome.refused.target, outcome.refused.authority, `${o.strategy} verification`, { actor: o.actor ?? 'bosun', runId: o.runId });
  return outcome.id!;
}

/**
 * Ends a verification in one transaction: promote the challenger (the verifying deployment becomes the
 * live one), or roll it back as failed verification with the reason. A retry after it committed changes
 * nothing and returns null.
 */
export async function concludeVerification(db: Db, deploymentId: number, outcome: { promote: boolean; reason: string; actor?: string }): Promise<PromoteResult | null> {
  const [first] = await db.select({ modelName: deployments.modelName }).from(deployments).where(eq(deployments.id, deploymentId));
  if (!first) throw new RegistryError(`no deployment ${deploymentId}`);
  const modelName = first.modelName;
  const result = await db.transaction(async (tx) => {
    await lockModel(tx, modelName);
    const [d] = await tx.select({ d: deployments, v: modelVersions }).from(deployments).innerJoin(modelVersions, eq(deployments.versionId, modelVersions.id)).where(eq(deployments.id, deploymentId));
    if (d.d.status !== 'verifying') return { done: null }; // already concluded (a retried activity)
    const dropStaging = () => tx.delete(modelAliases).where(and(eq(modelAliases.modelName, modelName), eq(modelAliases.alias, 'staging')));
    if (outcome.promote) {
      const authority = await approvalOf(tx, d.v);
      if (!authority.approved) return { refused: { target: d.v, authority, strategy: d.d.strategy } };
      await dropStaging();
      const previousVersion = await moveProduction(tx, modelName, d.v, { existingId: deploymentId, runId: d.d.runId, strategy: d.d.strategy, reason: outcome.reason });
      await appendAudit(tx as unknown as Db, modelName, {
        kind: 'promotion',
        actor: outcome.actor ?? 'bosun',
        modelVersion: d.v.version,
        runId: d.d.runId,
        detail: { from: previousVersion, to: d.v.version, strategy: d.d.strategy, deploymentId, reason: outcome.reason, authority: authority.why, artifactHash: d.v.artifactHash },
      });
      return { done: { version: d.v.version, previousVersion, why: authority.why } };
    }
    await dropStaging();
    await tx.update(deployments).set({ status: 'rolled_back', reason: outcome.reason, failedVerification: true, finishedAt: new Date() }).where(eq(deployments.id, deploymentId));
    await tx.update(modelVersions).set({ status: 'rejected' }).where(eq(modelVersions.id, d.v.id));
    await appendAudit(tx as unknown as Db, modelName, {
      kind: 'rollback',
      actor: outcome.actor ?? 'bosun',
      modelVersion: d.v.version,
      runId: d.d.runId,
      detail: { what: `${d.d.strategy} of v${d.v.version}`, deploymentId, reason: outcome.reason, failedVerification: true },
    });
    return { done: null };
  });
  if (result.refused) return refuse(db, modelName, result.refused.target, result.refused.authority, `${result.refused.strategy} promotion`, { actor: outcome.actor ?? 'bosun' });
  return result.done ?? null;
}

/**
 * Records that a live deployment failed its verification but could not be rolled back (nothing eligible to
 * go back to): it stays live, and is never chosen as a rollback target later.
 */
export async function markVerificationFailed(db: Db, deploymentId: number, reason: string): Promise<void> {
  await db.update(deployments).set({ failedVerification: true, reason }).where(eq(deployments.id, deploymentId));
}
