import { readFileSync } from 'node:fs';
import path from 'node:path';
import { and, eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deployments, modelVersions } from '../../src/db/schema';
import type { PipelineSpecInput } from '../../src/pipeline/spec';
import { getAlias } from '../../src/registry/registry';
import { buildServingApp } from '../../src/serving/app';
import { statusQuery } from '../../src/contract/messages';
import { DATA_DIR, startHarness, type Harness } from './support/pipelineHarness';
import { uniqueName } from './support/stack';

function instances(): Record<string, number>[] {
  const [header, ...rows] = readFileSync(path.join(DATA_DIR, 'breast_cancer.csv'), 'utf8').trim().split('\n');
  const names = header.split(',').map((h) => h.replace(/"/g, ''));
  return rows.slice(0, 60).map((line) => {
    const cells = line.split(',');
    const o: Record<string, number> = {};
    names.forEach((n, i) => n !== 'diagnosis' && (o[n] = Number(cells[i])));
    return o;
  });
}

// Canary deploys judged on the traffic they served: a degraded one is rolled back automatically, a
// healthy one promoted. Traffic flows through the real serving app the whole time.
describe('canary deployment', () => {
  let h: Harness;
  let serving: FastifyInstance;
  let base: string;
  const model = uniqueName('bc');
  const spec = (deploy: PipelineSpecInput['deploy']): PipelineSpecInput => ({
    name: model,
    source: 'breast_cancer.csv',
    target: 'diagnosis',
    model: { algorithm: 'logistic_regression' },
    approval: { autoApprove: true },
    deploy,
  });

  beforeAll(async () => {
    h = await startHarness({ postgres: true });
    await (await h.submit(spec({ strategy: 'direct' }))).result();
    serving = buildServingApp({ db: h.app.db, store: h.app.store, config: h.config, logger: false, pollMs: 200, logFlushMs: 100, processMetrics: false });
    base = await serving.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await serving?.close();
    await h?.close();
  });

  /** Sends requests until the run leaves its verification window; every answer must be a 200. */
  async function trafficUntilDone(runId: string): Promise<Set<string>> {
    const rows = instances();
    const versions = new Set<string>();
    const handle = h.client.workflow.getHandle(runId);
    let done = false;
    void handle.result().finally(() => (done = true));
    for (let i = 0; !done; i++) {
      const res = await fetch(`${base}/v1/models/${model}:predict`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': `${runId}-${i}` },
        body: JSON.stringify({ instances: [rows[i % rows.length]] }),
      });
      expect(res.status).toBe(200);
      versions.add(String(((await res.json()) as { model_version: string }).model_version));
      await new Promise((r) => setTimeout(r, 20));
    }
    return versions;
  }

  it('rolls back a canary that crosses a threshold, recording why, while production keeps answering', async () => {
    // An impossible latency limit stands in for a canary that degrades.
    const handle = await h.submit(spec({ strategy: 'canary', canaryPercent: 50, verifyWindow: '6s', minRequests: 5, maxP99LatencyMs: 0.000001 }), { noCache: true });
    const versions = await trafficUntilDone(handle.workflowId);
    const result = await handle.result();
    expect(result.status).toBe('rolled_back');
    // The outcome carries the verification as typed checks: which one failed, by how much, against what.
    expect((result as { checks?: unknown }).checks).toEqual(
      expect.arrayContaining([expect.objectContaining({ kind: 'verification', metric: 'p99_latency_ms', limit: 0.000001, op: '<=', passed: false })]),
    );
    expect(versions).toEqual(new Set(['1', '2'])); // the canary answered part of the traffic
    expect((await getAlias(h.app.db, model, 'production'))!.version).toBe(1);
    const [d] = await h.app.db.select().from(deployments).where(and(eq(deployments.modelName, model), eq(deployments.strategy, 'canary')));
    expect(d.status).toBe('rolled_back');
    expect(d.reason).toMatch(/p99 latency .* ✗/);
    const [v2] = await h.app.db.select().from(modelVersions).where(and(eq(modelVersions.modelName, model), eq(modelVersions.version, 2)));
    expect(v2.status).toBe('rejected');
    const status = await handle.query(statusQuery);
    expect(status.stages.find((s) => s.name === 'deploy')!.summary).toMatch(/rolled back/);
  });

  it('promotes a canary that stays within its thresholds', async () => {
    const handle = await h.submit(spec({ strategy: 'canary', canaryPercent: 30, verifyWindow: '6s', minRequests: 5, maxP99LatencyMs: 1000, maxPredictionPsi: 10 }), { noCache: true });
    await trafficUntilDone(handle.workflowId);
    expect(await handle.result()).toMatchObject({ status: 'succeeded', modelVersion: 3 });
    expect((await getAlias(h.app.db, model, 'production'))!.version).toBe(3);
  });
});
