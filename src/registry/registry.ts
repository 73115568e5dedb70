/**
 * The model registry: versions, and the aliases that point at them. Promotion moves the production alias
 * and archives the version it pointed at in one transaction, under a per-model lock, so concurrent
 * promotions serialise and no reader ever sees no production model or two.
 */
import { and, desc, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { deployments, modelAliases, modelVersions } from '../db/schema';

export type ModelVersion = typeof modelVersions.$inferSelect;

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
    if (!target) throw new Error(`model "${modelName}" has no version ${version}; see \`bosun models list\``);
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
  if (!current) throw new Error(`model "${modelName}" has no production version to roll back`);
  const previous = history.find((h) => h.version !== current.version);
  if (!previous) throw new Error(`model "${modelName}" has no earlier production version than v${current.version}`);
  const res = await promote(db, modelName, previous.version, { strategy: 'rollback', reason });
  await db.update(deployments).set({ status: 'rolled_back', reason, finishedAt: new Date() }).where(and(eq(deployments.versionId, current.id), eq(deployments.status, 'superseded')));
  return res;
}

export async function listVersions(db: Db, modelName?: string): Promise<ModelVersion[]> {
  const q = db.select().from(modelVersions);
  return (modelName ? q.where(eq(modelVersions.modelName, modelName)) : q).orderBy(modelVersions.modelName, desc(modelVersions.version));
}
