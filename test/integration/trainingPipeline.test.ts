import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTable } from '../../src/data/read';
import { takeRows } from '../../src/data/table';
import { approvals, featureSets, modelVersions, steps } from '../../src/db/schema';
import { deserializeFeatures, transformInstances, transformTable } from '../../src/features';
import { deserializeModel } from '../../src/ml/serialize';
import { getAlias } from '../../src/registry/registry';
import { loadConfig } from '../../src/config';
import { findProgram } from '../../src/stack/binaries';
import { statusQuery } from '../../src/contract/messages';
import type { PipelineSpecInput } from '../../src/pipeline/spec';
import { breastCancerSpec, DATA_DIR, startHarness, type Harness } from './support/pipelineHarness';
import { stack, uniqueName } from './support/stack';

const breastCancer = (name: string): PipelineSpecInput => breastCancerSpec(name, { approvers: ['risk-lead', 'role:reviewers'], roles: { reviewers: ['ana'] }, required: 1 });

describe('training pipeline end to end on PostgreSQL + the filesystem store', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ postgres: true });
  });
  afterAll(async () => h?.close());

  it('runs to the approval gate, takes an approve signal from the real temporal CLI, deploys, and serves the same predictions', async () => {
    const name = uniqueName('bc');
    const handle = await h.submit(breastCancer(name), { startedBy: 'risk-lead' });
    const waiting = await h.waitForStage(handle, 'awaiting_approval');
    expect(waiting.stages.filter((s) => ['ingest', 'validate', 'features', 'train', 'evaluate'].includes(s.name)).every((s) => s.state === 'succeeded')).toBe(true);
    const evidence = waiting.evidence as { candidateVersion: number; metrics: Record<string, number>; blessed: boolean; report: string };
    expect(evidence.blessed).toBe(true);
    expect(evidence.metrics.roc_auc).toBeGreaterThan(0.95);
    expect(evidence.report).toMatch(/^artifact:sha256:[0-9a-f]{64}$/);
    const card = (await h.app.store.get((waiting.evidence as { modelCard: string }).modelCard.slice('artifact:sha256:'.length))).toString();
    expect(card).toContain(`# Model card: ${name} v${evidence.candidateVersion}`);
    expect(card).toMatch(/\| roc_auc \(primary\) \| 0\.9\d{3} \|/);
    const desc = await handle.describe();
    expect(desc.searchAttributes.BosunStage).toEqual(['awaiting_approval']);
    expect(desc.searchAttributes.BosunPipeline).toEqual([name]);

    // The submitter may not approve (four-eyes), an outsider may not either; both are audited.
    await handle.signal('approve', { reviewer: 'risk-lead' });
    await handle.signal('approve', { reviewer: 'mallory', comment: 'let me in' });
    await handle.signal('approve', { reviewer: 'ana', modelVersion: '999' });

    const temporal = findProgram('temporal', { cacheDir: loadConfig().cacheDir });
    execFileSync(temporal, [
      'workflow', 'signal', '--address', stack().temporalAddress, '--workflow-id', handle.workflowId, '--name', 'approve',
      '--input', JSON.stringify({ reviewer: 'ana', comment: 'metrics reviewed', modelVersion: String(evidence.candidateVersion) }),
    ]);
    const result = await handle.result();
    expect(result).toEqual({ status: 'succeeded', modelVersion: evidence.candidateVersion, deployed: true });

    const status = await handle.query(statusQuery);
    const reasons = status.approval!.decisions.map((d) => `${d.reviewer}:${d.accepted}:${d.reason.split(/[:;]/)[0]}`);
    expect(reasons).toEqual(['risk-lead:false:four-eyes', 'mallory:false:unauthorized', 'ana:false:wrong candidate', 'ana:true:approval 1 of 1 required']);
    const audit = await h.app.db.select().from(approvals).where(eq(approvals.runId, handle.workflowId)).orderBy(approvals.seq);
    expect(audit.map((a) => a.accepted)).toEqual([false, false, false, true]);

    const production = await getAlias(h.app.db, name, 'production');
    expect(production?.version).toBe(evidence.candidateVersion);

    // The deployed artifacts score raw JSON instances exactly as evaluation scored the table rows.
    const [mv] = await h.app.db.select().from(modelVersions).where(eq(modelVersions.id, production!.id));
    const [fs] = await h.app.db.select().from(featureSets).where(eq(featureSets.id, mv.featureSetId!));
    const model = deserializeModel((await h.app.store.get(mv.artifactHash)).toString('utf8'));
    const fitted = deserializeFeatures((await h.app.store.get(fs.fittedHash)).toString('utf8'));
    expect(model.task).toEqual({ kind: 'binary', classes: ['benign', 'malignant'] });
    const table = takeRows(await readTable(readFileSync(path.join(DATA_DIR, 'breast_cancer.csv'))), [0, 1, 2, 3, 4]);
    const instances = [0, 1, 2, 3, 4].map((i) =>
      Object.fromEntries(table.columns.filter((c) => c.name !== 'diagnosis').map((c) => [c.name, (c as { values: Float64Array }).values[i]])),
    );
    expect(Array.from(model.predict(transformInstances(fitted, instances)))).toEqual(Array.from(model.predict(transformTable(fitted, table))));

    // Batch scoring of the whole dataset, as a durable run, gives the same probabilities.
    const scored = await h.client.workflow.execute('batchScore', { taskQueue: h.config.temporal.taskQueue, workflowId: uniqueName('score'), args: [{ modelName: name, dataUri: path.join(DATA_DIR, 'breast_cancer.csv') }] });
    expect(scored).toMatchObject({ modelName: name, version: evidence.candidateVersion, rows: 569 });
    const csv = (await h.app.store.get((scored as { predictionsHash: string }).predictionsHash)).toString().trim().split('\n');
    expect(csv[0]).toBe('prediction,p_benign,p_malignant');
    expect(csv).toHaveLength(570);
    const first = model.predict(transformTable(fitted, table));
    expect(csv[1].split(',').slice(1).map(Number)).toEqual([first[0], first[1]]);
  });

  it('reuses cached steps for unchanged inputs and recomputes with noCache', async () => {
    const name = uniqueName('bc');
    const spec = { ...breastCancer(name), approval: { autoApprove: true } };
    const first = await h.submit(spec);
    await first.result();
    const second = await h.submit(spec);
    await second.result();
    const cached = await h.app.db.select().from(steps).where(eq(steps.runId, second.workflowId));
    expect(Object.fromEntries(cached.map((s) => [s.name, s.status]))).toMatchObject({ ingest: 'cached', validate: 'cached', features: 'cached', train: 'cached', evaluate: 'cached' });
    const third = await h.submit(spec, { noCache: true });
    await third.result();
    const fresh = await h.app.db.select().from(steps).where(eq(steps.runId, third.workflowId));
    expect(fresh.every((s) => s.status === 'succeeded')).toBe(true);
  });

  it('stops at validate with a readable error for a missing target, without retrying', async () => {
    const handle = await h.submit({ ...breastCancer(uniqueName('bad')), target: 'diagnosys' });
    const err = await handle.result().then(() => null, (e: Error) => e);
    // The workflow's own failure (what the Web UI shows) names the stage and the cause, not "Activity task failed".
    const cause = err?.cause as (Error & { type?: string }) | undefined;
    expect(cause?.message).toMatch(/^(ingest|validate|features): .*diagnosys/s);
    expect(cause?.type).toBe('BadInput');
    const stages = (await handle.query(statusQuery)).stages;
    expect(stages.find((s) => s.state === 'failed')?.summary).toMatch(/diagnosys/);
    const history = await handle.fetchHistory();
    const attempts = history.events!.filter((e) => e.activityTaskStartedEventAttributes).map((e) => Number(e.activityTaskStartedEventAttributes!.attempt));
    expect(Math.max(...attempts)).toBe(1);
  });
});
