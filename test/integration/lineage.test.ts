// `bosun lineage` after a deployed run, on PostgreSQL and PGlite: every link (dataset → features → model →
// evaluation → approval → deployment) is there with the hashes the run recorded, and the deploy edge exists.
import { and, eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { lineageCommand } from '../../src/cli/lineage';
import { datasetVersions, deployments, featureSets, lineageEdges, modelVersions, steps } from '../../src/db/schema';
import type { EvaluateResult, IngestResult } from '../../src/contract/types';
import { breastCancerSpec, startHarness, type Harness } from './support/pipelineHarness';
import { uniqueName } from './support/stack';

describe.each(['postgres', 'pglite'] as const)('bosun lineage on %s', (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ postgres: kind === 'postgres' });
  });
  afterAll(async () => h?.close());
  afterEach(() => vi.restoreAllMocks());

  it('prints dataset → features → model → evaluation → approval → deployment with the recorded hashes', async () => {
    const spec = breastCancerSpec(uniqueName('bc-lineage'), { approvers: ['risk-lead'], required: 1 });
    const handle = await h.submit(spec, { startedBy: 'data-scientist' });
    const waiting = await h.waitForStage(handle, 'awaiting_approval');
    const version = (waiting.evidence as { candidateVersion: number }).candidateVersion;
    await handle.signal('approve', { reviewer: 'risk-lead', comment: 'metrics reviewed', modelVersion: String(version) });
    expect(await handle.result()).toMatchObject({ status: 'succeeded', deployed: true });

    const db = h.app.db;
    const [mv] = await db.select().from(modelVersions).where(eq(modelVersions.modelName, spec.name));
    const [fs] = await db.select().from(featureSets).where(eq(featureSets.id, mv.featureSetId!));
    const [dsv] = await db.select().from(datasetVersions).where(eq(datasetVersions.id, fs.datasetVersionId));
    const stepOut = async (name: string) => (await db.select().from(steps).where(and(eq(steps.runId, handle.workflowId), eq(steps.name, name))))[0].output;
    const ingest = (await stepOut('ingest')) as IngestResult;
    const evaluate = (await stepOut('evaluate')) as EvaluateResult;
    const [dep] = await db.select().from(deployments).where(eq(deployments.versionId, mv.id));
    // The deploy edge is recorded, not inferred.
    expect(await db.select().from(lineageEdges).where(and(eq(lineageEdges.fromKind, 'model_version'), eq(lineageEdges.fromId, String(mv.id)), eq(lineageEdges.toKind, 'deployment'))))
      .toEqual([expect.objectContaining({ toId: String(dep.id), relation: 'deployed_as' })]);

    const out: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((line: string) => void out.push(line));
    const l = await lineageCommand(h.app, spec.name, version);
    expect(l.dataset).toMatchObject({ datasetVersionId: ingest.datasetVersionId, contentSha256: ingest.contentHash, tableSha256: dsv.tableHash, rows: 569 });
    expect(l.dataset!.source).toMatch(/breast_cancer\.csv$/);
    expect(l.features).toEqual({ featureSetId: fs.id, fittedSha256: fs.fittedHash, trainSha256: fs.trainHash, testSha256: fs.testHash });
    expect(l.model).toMatchObject({ name: spec.name, version, artifactSha256: mv.artifactHash, algorithm: 'logistic_regression', seed: mv.seed, runId: handle.workflowId, status: 'production' });
    expect(l.evaluation).toMatchObject({ runId: handle.workflowId, blessed: true, reportSha256: evaluate.reportHash, metrics: evaluate.metrics });
    expect(l.approvals).toEqual([expect.objectContaining({ reviewer: 'risk-lead', decision: 'approve', outcome: 'approved', artifactSha256: mv.artifactHash, matchesModel: true })]);
    expect(l.deployments).toEqual([expect.objectContaining({ id: dep.id, strategy: 'direct', status: 'live' })]);

    expect(out).toHaveLength(6);
    expect(out[0]).toContain(`content sha256 ${ingest.contentHash}`);
    expect(out[1]).toBe(`features    feature set ${fs.id}  fitted sha256 ${fs.fittedHash}`);
    expect(out[2]).toContain(`artifact sha256 ${mv.artifactHash}`);
    expect(out[3]).toContain(`report sha256 ${evaluate.reportHash}`);
    expect(out[4]).toMatch(new RegExp(`^approval    approve by risk-lead \\(approved\\) for sha256 ${mv.artifactHash}  `));
    expect(out[5]).toMatch(new RegExp(`^deployment  #${dep.id} direct live `));
  });
});
