/** Registry test fixtures: versions registered the way train does, and approvals recorded the way runs.ts does. */
import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../../../src/db/client';
import { approvals, deployments, modelAliases, modelVersions } from '../../../src/db/schema';
import { verifyAudit } from '../../../src/audit';
import { registerVersion, type ModelVersion } from '../../../src/registry/registry';

export function addVersion(db: Db, model: string, runId: string): Promise<ModelVersion> {
  return registerVersion(db, { modelName: model, runId, featureSetId: null, algorithm: 'gbdt', params: {}, seed: 1, artifactHash: 'a'.repeat(64), profileHash: null, metrics: null });
}

/** An accepted approval of the version in its run (what recordApproval writes when a reviewer approves). */
export async function approve(db: Db, v: ModelVersion, reviewer = 'dr-ada'): Promise<void> {
  const [{ n }] = await db.select({ n: sql<number>`count(*)` }).from(approvals).where(eq(approvals.runId, v.runId));
  await db.insert(approvals).values({ runId: v.runId, seq: Number(n), modelVersion: String(v.version), decision: 'approve', reviewer, accepted: true, reason: 'approval 1 of 1 required' });
}

export async function addApproved(db: Db, model: string, runId: string): Promise<ModelVersion> {
  const v = await addVersion(db, model, runId);
  await approve(db, v);
  return v;
}

/** The registry's invariants for one model; returns the production version (null if none). */
export async function registryState(db: Db, model: string) {
  const aliases = await db.select({ version: modelVersions.version }).from(modelAliases).innerJoin(modelVersions, eq(modelAliases.versionId, modelVersions.id)).where(and(eq(modelAliases.modelName, model), eq(modelAliases.alias, 'production')));
  const productionStatus = await db.select({ version: modelVersions.version }).from(modelVersions).where(and(eq(modelVersions.modelName, model), eq(modelVersions.status, 'production')));
  const live = await db.select({ version: modelVersions.version, strategy: deployments.strategy }).from(deployments).innerJoin(modelVersions, eq(deployments.versionId, modelVersions.id)).where(and(eq(deployments.modelName, model), eq(deployments.status, 'live')));
  const verifying = await db.select({ id: deployments.id }).from(deployments).where(and(eq(deployments.modelName, model), eq(deployments.status, 'verifying')));
  const [audit] = await verifyAudit(db, model);
  return {
    production: aliases.map((a) => a.version),
    productionStatus: productionStatus.map((a) => a.version),
    live: live.map((l) => l.version),
    verifying: verifying.length,
    auditOk: audit.ok,
    auditCount: audit.count,
  };
}
