import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initCommand } from '../../src/cli/init';
import { evaluations, modelVersions } from '../../src/db/schema';
import { prepareSpec, readPipelineFile } from '../../src/pipeline/loadPipeline';
import { submitRun } from '../../src/pipeline/submit';
import { approveSignal } from '../../src/contract/messages';
import { DATA_DIR, startHarness, type Harness } from './support/pipelineHarness';

// `bosun init` then a run, with no hand-written spec, on every shared dataset.
describe.each([
  { file: 'breast_cancer.csv', target: 'diagnosis', task: 'binary', metric: 'roc_auc', min: 0.95 },
  { file: 'wine.csv', target: 'cultivar', task: 'multiclass', metric: 'accuracy', min: 0.85 },
  { file: 'vote.csv', target: 'Class', task: 'binary', metric: 'roc_auc', min: 0.95 },
  { file: 'fair.csv', target: 'affairs', task: 'regression', metric: 'rmse', min: 0 },
])('bosun init + run on $file', ({ file, target, metric, min }) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => h?.close());

  it('writes a pipeline that trains, evaluates, reports and waits for approval', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'bosun-init-'));
    const out = await initCommand({ from: path.join(DATA_DIR, file), target, out: path.join(dir, 'pipeline.ts') });
    expect(readFileSync(out, 'utf8')).toContain(`target: '${target}'`);
    const raw = await readPipelineFile(out);
    const prepared = await prepareSpec(raw, { baseDir: dir, store: h.app.store });
    const handle = await submitRun({ client: h.client, store: h.app.store, taskQueue: h.config.temporal.taskQueue, prepared, startedBy: 'someone' });
    const waiting = await h.waitForStage(handle, 'awaiting_approval', 150_000);
    const metrics = (waiting.evidence as { metrics: Record<string, number> }).metrics;
    if (metric === 'rmse') expect(metrics.rmse).toBeGreaterThan(0);
    else expect(metrics[metric]).toBeGreaterThanOrEqual(min);
    // The written model section is a selection: every trial cross-validated, the best refitted and registered.
    const [version] = await h.app.db.select().from(modelVersions).where(eq(modelVersions.runId, handle.workflowId));
    const search = (version.metrics as { search: { algorithm: string; params: Record<string, number>; folds: number[] }[] }).search;
    expect(search).toHaveLength(12);
    expect(new Set(search.map((t) => t.algorithm))).toEqual(new Set([metric === 'rmse' ? 'linear_regression' : 'logistic_regression', 'gbdt']));
    for (const t of search) expect(t.folds).toHaveLength(5);
    const scoreOf = (t: (typeof search)[number]) => (t as unknown as Record<string, number>)[metric === 'rmse' ? 'rmse' : 'roc_auc'];
    const best = search.reduce((a, b) => (metric === 'rmse' ? (scoreOf(b) < scoreOf(a) ? b : a) : scoreOf(b) > scoreOf(a) ? b : a));
    expect(version.algorithm).toBe(best.algorithm);
    expect(version.params).toEqual(best.params);
    const card = (await h.app.store.get((waiting.evidence as { modelCard: string }).modelCard.slice('artifact:sha256:'.length))).toString();
    expect(card).toContain('## Model selection');
    expect(card).toMatch(/12 trials over .*ranked by (roc_auc|rmse) \(mean ± sd over 5 cross-validation folds/);
    expect(card).toContain(`| 1 | ${best.algorithm} | ${JSON.stringify(best.params)} |`);
    const [evaluation] = await h.app.db.select().from(evaluations).where(eq(evaluations.runId, handle.workflowId));
    const html = (await h.app.store.get(evaluation.reportHash!)).toString();
    expect(html).toMatch(/^<!doctype html>/i);
    expect(html).toContain('<svg');
    expect(html).not.toMatch(/<script|https?:\/\/cdn/i);
    await handle.signal(approveSignal, { reviewer: 'approver-1' });
    expect(await handle.result()).toMatchObject({ status: 'succeeded' });
  });
});
