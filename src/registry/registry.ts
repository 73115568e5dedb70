/**
 * The model registry: versions, and the aliases that point at them. Promotion moves the production alias
 * and archives the version it pointed at in one transaction, under a per-model lock, so concurrent
 * promotions serialise and no reader ever sees no production model or two.
 */
import { and, desc, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { deployments, modelAliases, modelVersions } from '../db/schema';

export type ModelVersion = typeof modelVersions.$inferSelect;

/** A registry request that cannot be met as asked (unknown version, nothing to roll back to). */
export class RegistryError extends Error {
  override name = 'RegistryError';
}

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

export interface PromoteResult {
  version: number;
  previousVersion: number | null;
}

export async function promote(db: Db, modelName: string, version: number, o: { runId?: string; strategy?: string; reason?: string } = {}): Promise<PromoteResult> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${'model:' + modelName}))`);
    const [target] = await tx.select().from(modelVersions).where(and(eq(modelVersions.modelName, modelName), eq(modelVersions.version, version)));
    if (!target) throw new RegistryError(`model "${modelName}" has no version ${version}; see \`bosun models list\``);
    const [current] = await tx.select().from(modelAliases).where(and(eq(modelAliases.modelName, modelName), eq(modelAliases.alias, 'production')));
    if (current?.versionId === target.id) return { version, previousVersion: version };
    let previousVersion: number | null = null;
    if (current) {
      const [prev] = await tx.update(modelVersions).set({ status: 'archived' }).where(eq(modelVersions.id, current.versionId)).returning();
      previousVersion = prev.version;
      await tx.update(deployments).set({ status: 'superseded', finishedAt: new Date() }).where(and(eq(deployments.versionId, current.versionId), eq(deployments.status, 'live')));
    }
    await tx
      .insert(modelAliases)
      .values({ modelName, alias: 'production', versionId: target.id })
      .onConflictDoUpdate({ target: [modelAliases.modelName, modelAliases.alias], set: { versionId: target.id, updatedAt: new Date() } });
    await tx.update(modelVersions).set({ status: 'production' }).where(eq(modelVersions.id, target.id));
    await tx.insert(deployments).values({ modelName, versionId: target.id, runId: o.runId ?? null, strategy: o.strategy ?? 'direct', status: 'live', reason: o.reason ?? null });
    return { version, previousVersion };
  });
}

/** Restores the production version that came before the current one. */
export async function rollback(db: Db, modelName: string, reason = 'manual rollback'): Promise<PromoteResult> {
  const history = await db
    .select({ version: modelVersions.version, status: deployments.status })
    .from(deployments)
    .innerJoin(modelVersions, eq(deployments.versionId, modelVersions.id))
    .where(eq(deployments.modelName, modelName))
    .orderBy(desc(deployments.id));
  const current = await getAlias(db, modelName, 'production');
  if (!current) throw new RegistryError(`model "${modelName}" has no production version to roll back`);
  const previous = history.find((h) => h.version !== current.version);
  if (!previous) throw new RegistryError(`model "${modelName}" has no earlier production version than v${current.version}`);
  const res = await promote(db, modelName, previous.version, { strategy: 'rollback', reason });
  await db.update(deployments).set({ status: 'rolled_back', reason, finishedAt: new Date() }).where(and(eq(deployments.versionId, current.id), eq(deployments.status, 'superseded')));
  return res;
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

export async function getRouting(db: Db, modelName: string): Promise<Routing> {
  const production = (await getAlias(db, modelName, 'production')) ?? null;
  const [verifying] = await db
    .select({ d: deployments, v: modelVersions })
    .from(deployments)
    .innerJoin(modelVersions, eq(deployments.versionId, modelVersions.id))
    .where(and(eq(deployments.modelName, modelName), eq(deployments.status, 'verifying')))
    .orderBy(desc(deployments.id))
    .limit(1);
  const challenger =
    verifying && (verifying.d.strategy === 'canary' || verifying.d.strategy === 'shadow')
      ? { version: verifying.v, deploymentId: verifying.d.id, strategy: verifying.d.strategy as 'canary' | 'shadow', trafficPercent: verifying.d.trafficPercent ?? 0 }
      : null;
  return { modelName, production, challenger };
}

/** Names of models with a production version (what a serving process loads). */
export async function servedModels(db: Db): Promise<string[]> {
  const rows = await db.selectDistinct({ name: modelAliases.modelName }).from(modelAliases).where(eq(modelAliases.alias, 'production'));
  return rows.map((r) => r.name);
}

/**
 * Puts a candidate beside production for verification (canary: it answers `trafficPercent`% of requests;
 * shadow: it scores every request but never answers). Idempotent per run.
 */
export async function startVerification(db: Db, modelName: string, version: number, o: { strategy: 'canary' | 'shadow'; trafficPercent: number; runId: string }): Promise<number> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${'model:' + modelName}))`);
    const [target] = await tx.select().from(modelVersions).where(and(eq(modelVersions.modelName, modelName), eq(modelVersions.version, version)));
    if (!target) throw new RegistryError(`model "${modelName}" has no version ${version}`);
    const [mine] = await tx.select().from(deployments).where(and(eq(deployments.runId, o.runId), eq(deployments.versionId, target.id), eq(deployments.strategy, o.strategy)));
    if (mine) return mine.id;
    // One verification at a time: an older one still open is superseded by this newer candidate.
    await tx.update(deployments).set({ status: 'rolled_back', reason: 'superseded by a newer candidate', finishedAt: new Date() }).where(and(eq(deployments.modelName, modelName), eq(deployments.status, 'verifying')));
    await tx
      .insert(modelAliases)
      .values({ modelName, alias: 'staging', versionId: target.id })
      .onConflictDoUpdate({ target: [modelAliases.modelName, modelAliases.alias], set: { versionId: target.id, updatedAt: new Date() } });
    await tx.update(modelVersions).set({ status: 'staging' }).where(eq(modelVersions.id, target.id));
    const [d] = await tx
      .insert(deployments)
      .values({ modelName, versionId: target.id, runId: o.runId, strategy: o.strategy, status: 'verifying', trafficPercent: o.strategy === 'canary' ? o.trafficPercent : 0 })
      .returning();
    return d.id;
  });
}

/** Ends a verification: promote the challenger, or roll it back with the reason. */
export async function concludeVerification(db: Db, deploymentId: number, outcome: { promote: boolean; reason: string }): Promise<PromoteResult | null> {
  const [d] = await db.select({ d: deployments, v: modelVersions }).from(deployments).innerJoin(modelVersions, eq(deployments.versionId, modelVersions.id)).where(eq(deployments.id, deploymentId));
  if (!d) throw new RegistryError(`no deployment ${deploymentId}`);
  if (d.d.status !== 'verifying') return null; // already concluded (a retried activity)
  if (outcome.promote) {
    await db.update(deployments).set({ status: 'superseded', reason: outcome.reason, finishedAt: new Date() }).where(eq(deployments.id, deploymentId));
    await db.delete(modelAliases).where(and(eq(modelAliases.modelName, d.d.modelName), eq(modelAliases.alias, 'staging')));
    return promote(db, d.d.modelName, d.v.version, { runId: d.d.runId ?? undefined, strategy: d.d.strategy, reason: outcome.reason });
  }
  await db.transaction(async (tx) => {
    await tx.update(deployments).set({ status: 'rolled_back', reason: outcome.reason, finishedAt: new Date() }).where(eq(deployments.id, deploymentId));
    await tx.delete(modelAliases).where(and(eq(modelAliases.modelName, d.d.modelName), eq(modelAliases.alias, 'staging')));
    await tx.update(modelVersions).set({ status: 'rejected' }).where(eq(modelVersions.id, d.v.id));
  });
  return null;
}
