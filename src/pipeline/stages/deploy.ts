/**
 * Deploy: put the approved version in front of traffic, then (after the workflow's verification window)
 * judge it on what it served. direct: promote now, roll back to the previous version if it fails;
 * canary / shadow: run beside production, then promote or drop it. Serving watches the registry and
 * hot-swaps; every outcome is recorded in the deployments table with its checks as text, and every move in the
 * model's audit chain. The registry refuses a version its run did not approve: that is bad input here.
 */
import { and, eq } from 'drizzle-orm';
import { approvals, deployments } from '../../db/schema';
import { ArtifactCorruptError, ArtifactNotFoundError } from '../../storage/artifactStore';
import { verifyVersion } from '../../deploy/verify';
import { notify } from '../../notify/webhook';
import { concludeVerification, getVersion, markVerificationFailed, promote, PromotionRefusedError, RegistryError, rollback, startVerification, type PromoteResult } from '../../registry/registry';
import { failedReasons, renderChecks } from '../../contract/checks';
import type { Check, DeployResult, DeployStarted, StepContext, TrainResult } from '../../contract/types';
import type { StageDeps } from '../deps';
import { BadInputError } from '../errors';
import { link } from '../records';
import { loadSpec } from '../specStore';

/** Who the registry and the audit record as acting for the pipeline. */
const ACTOR = 'bosun';

/** A refused promotion will be refused on every retry: make it non-retryable, with the registry's message. */
async function refusedIsBadInput<T>(move: () => Promise<T>): Promise<T> {
  try {
    return await move();
  } catch (err) {
    if (err instanceof PromotionRefusedError) throw new BadInputError(err.message);
    throw err;
  }
}

/**
 * The approval binds to bytes, not to a version number: before anything goes live, the registry row must
 * still name the artifact the run trained and the approver was shown, and the artifact store must still
 * hold exactly those bytes (reading verifies the sha256). An artifact swapped on disk or in S3, or a
 * registry row edited to point elsewhere, after approval is refused here, and nothing moves.
 */
async function checkApprovedArtifact(deps: StageDeps, ctx: StepContext, trained: TrainResult): Promise<void> {
  const version = await getVersion(deps.db, trained.modelName, trained.version);
  if (!version) throw new BadInputError(`model "${trained.modelName}" v${trained.version} is not in the registry: refusing to deploy`);
  const approvedHashes = (await deps.db.select({ hash: approvals.artifactHash }).from(approvals).where(and(eq(approvals.runId, ctx.runId), eq(approvals.accepted, true))))
    .map((r) => r.hash)
    .filter((h): h is string => !!h);
  const expected = approvedHashes.at(-1) ?? trained.artifactHash;
  if (version.artifactHash !== expected || trained.artifactHash !== expected) {
    throw new BadInputError(
      `${trained.modelName} v${trained.version}: the registry names artifact sha256:${version.artifactHash} but the approval in run ${ctx.runId} was for sha256:${expected}: refusing to deploy an artifact nobody approved`,
    );
  }
  try {
    await deps.store.get(expected);
  } catch (err) {
    if (err instanceof ArtifactCorruptError || err instanceof ArtifactNotFoundError) {
      throw new BadInputError(`${trained.modelName} v${trained.version}: the approved artifact sha256:${expected} is not intact in ${deps.store.location} (${err.message.split('. ')[0]}): refusing to deploy`);
    }
    throw err;
  }
}

export async function beginDeploy(deps: StageDeps, ctx: StepContext, trained: TrainResult): Promise<DeployStarted> {
  await checkApprovedArtifact(deps, ctx, trained);
  const spec = await loadSpec(deps.store, ctx.specHash);
  const d = spec.deploy;
  if (d.strategy === 'direct') {
    const res = await refusedIsBadInput(() =>
      promote(deps.db, trained.modelName, trained.version, { runId: ctx.runId, strategy: 'direct', reason: `approved in run ${ctx.runId}`, actor: ACTOR }),
    );
    const [row] = await deps.db.select().from(deployments).where(eq(deployments.runId, ctx.runId));
    if (row) await link(deps.db, ['model_version', trained.modelVersionId], ['deployment', row.id], 'deployed_as');
    return { strategy: 'direct', deploymentId: row?.id ?? null, since: (row?.createdAt ?? new Date()).toISOString(), previousVersion: res.previousVersion === res.version ? null : res.previousVersion };
  }
  const strategy = d.strategy;
  const id = await refusedIsBadInput(() => startVerification(deps.db, trained.modelName, trained.version, { strategy, trafficPercent: d.canaryPercent, runId: ctx.runId, actor: ACTOR }));
  const [row] = await deps.db.select().from(deployments).where(eq(deployments.id, id));
  await link(deps.db, ['model_version', trained.modelVersionId], ['deployment', id], 'deployed_as');
  return { strategy: d.strategy, deploymentId: id, since: row.createdAt.toISOString(), previousVersion: null };
}

export async function concludeDeploy(deps: StageDeps, ctx: StepContext, trained: TrainResult, started: DeployStarted): Promise<DeployResult> {
  const spec = await loadSpec(deps.store, ctx.specHash);
  const d = spec.deploy;
  const version = await getVersion(deps.db, trained.modelName, trained.version);
  if (!version) throw new BadInputError(`model "${trained.modelName}" v${trained.version} disappeared from the registry`);
  const verdict =
    d.verifyWindow === '0s'
      ? null
      : await verifyVersion(deps, version, new Date(started.since), d, { shadow: started.strategy === 'shadow' });
  const checks: Check[] = verdict?.checks ?? [{ kind: 'note', metric: 'verification', value: null, limit: null, op: null, passed: true, message: 'no verification window configured' }];
  const base = { modelName: trained.modelName, version: trained.version, strategy: started.strategy, reasons: renderChecks(checks), checks };
  const failed = failedReasons({ checks }).join('; ');

  if (started.strategy === 'direct') {
    if (!verdict || verdict.ok) return { ...base, previousVersion: started.previousVersion, outcome: 'live' };
    const why = `automatic rollback of v${trained.version}: ${failed}`;
    // The rollback target is chosen by the registry's rule (approved, never failed verification); `from`
    // makes a retried activity find the rollback done instead of rolling back a second time.
    let back: PromoteResult | null = null;
    let nowhere = '';
    try {
      back = await rollback(deps.db, trained.modelName, { reason: why, from: trained.version, failedVerification: true, actor: ACTOR });
    } catch (err) {
      if (!(err instanceof RegistryError)) throw err;
      nowhere = err.message;
      if (started.deploymentId !== null) await markVerificationFailed(deps.db, started.deploymentId, why);
    }
    await notify(
      deps,
      ctx,
      back ? 'rollback' : 'verification_failed',
      back
        ? `${trained.modelName} rolled back to v${back.version}: ${why}; ${back.why}`
        : `${trained.modelName} v${trained.version} failed verification (${failed}) but stays live: ${nowhere}`,
    );
    return { ...base, previousVersion: started.previousVersion, outcome: back ? 'rolled_back' : 'live' };
  }

  const ok = !verdict || verdict.ok;
  const why = ok ? `verified by ${started.strategy}: ${base.reasons.join('; ')}` : `${started.strategy} of v${trained.version} failed verification: ${failed}`;
  const promoted = await refusedIsBadInput(() => concludeVerification(deps.db, started.deploymentId!, { promote: ok, reason: why, actor: ACTOR }));
  if (!ok) await notify(deps, ctx, 'rollback', `${trained.modelName}: ${why}`);
  return { ...base, previousVersion: promoted?.previousVersion ?? null, outcome: ok ? 'live' : 'rolled_back' };
}
