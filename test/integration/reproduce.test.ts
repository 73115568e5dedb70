// `bosun reproduce` on the real stack (Temporal dev server, PostgreSQL and PGlite): a GBDT and a logistic
// model trained, approved and deployed by the breast-cancer pipeline rebuild to the same sha256; a copy of
// the data with a few rows changed rebuilds to a different one, and the dataset is named as the cause.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { reproduceCommand } from '../../src/cli/reproduce';
import { modelVersions, runs } from '../../src/db/schema';
import type { RunEnvironment } from '../../src/pipeline/environment';
import type { PipelineSpecInput } from '../../src/pipeline/spec';
import { breastCancerSpec, DATA_DIR, startHarness, type Harness } from './support/pipelineHarness';
import { uniqueName } from './support/stack';

/** Train, approve as a second person, deploy; returns the deployed version. */
export async function trainAndDeploy(h: Harness, spec: PipelineSpecInput): Promise<number> {
  const handle = await h.submit(spec, { startedBy: 'data-scientist' });
  const waiting = await h.waitForStage(handle, 'awaiting_approval');
  const version = (waiting.evidence as { candidateVersion: number }).candidateVersion;
  await handle.signal('approve', { reviewer: 'risk-lead', comment: 'metrics reviewed', modelVersion: String(version) });
  expect(await handle.result()).toEqual({ status: 'succeeded', modelVersion: version, deployed: true });
  return version;
}

export const approval = { approvers: ['risk-lead'], required: 1 };

describe.each(['postgres', 'pglite'] as const)('bosun reproduce on %s', (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ postgres: kind === 'postgres' });
  });
  afterAll(async () => h?.close());
  afterEach(() => {
    process.exitCode = undefined;
    vi.restoreAllMocks();
  });

  it('rebuilds a GBDT and a logistic model to the recorded sha256; changed rows name the dataset', async () => {
    const logistic = breastCancerSpec(uniqueName('bc-logit'), approval);
    const gbdt: PipelineSpecInput = { ...breastCancerSpec(uniqueName('bc-gbdt'), approval), model: { algorithm: 'gbdt' } };
    const versions = [await trainAndDeploy(h, logistic), await trainAndDeploy(h, gbdt)];

    // The environment is recorded with the run: what `reproduce` compares.
    const [mv] = await h.app.db.select().from(modelVersions).where(eq(modelVersions.modelName, gbdt.name));
    const [run] = await h.app.db.select().from(runs).where(eq(runs.id, mv.runId));
    const env = run.environment as RunEnvironment;
    expect(env).toMatchObject({ node: process.version, platform: process.platform, arch: process.arch });
    expect(env.lockfileSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(env.bosunSourceSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(typeof env.gitDirty).toBe('boolean');

    const out: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((line: string) => void out.push(line));
    for (const [spec, version] of [[logistic, versions[0]], [gbdt, versions[1]]] as const) {
      const [recorded] = await h.app.db.select().from(modelVersions).where(eq(modelVersions.modelName, spec.name));
      out.length = 0;
      const r = await reproduceCommand(h.app, h.client, h.config, spec.name, version);
      expect(r).toMatchObject({ identical: true, recordedSha256: recorded.artifactHash, reproducedSha256: recorded.artifactHash });
      expect(out).toContain(`identical: sha256 ${recorded.artifactHash}`);
      expect(r.differences.filter((d) => /^(dataset|spec|seed|params)/.test(d))).toEqual([]);
      expect(process.exitCode).toBeUndefined();
      // A reproduction registers nothing: still one version of the model.
      expect(await h.app.db.select().from(modelVersions).where(eq(modelVersions.modelName, spec.name))).toHaveLength(1);
    }

    // The same file with a few rows changed (a radius nudged): another artifact, and the dataset says why.
    const lines = readFileSync(path.join(DATA_DIR, 'breast_cancer.csv'), 'utf8').split('\n');
    for (let i = 1; i <= 20; i++) lines[i] = lines[i].replace(/^[^,]+/, (x) => String(Number(x) + 3.5));
    const changed = path.join(mkdtempSync(path.join(os.tmpdir(), 'bosun-repro-')), 'breast_cancer_changed.csv');
    writeFileSync(changed, lines.join('\n'));
    out.length = 0;
    const r = await reproduceCommand(h.app, h.client, h.config, logistic.name, versions[0], { data: changed });
    expect(r.identical).toBe(false);
    expect(process.exitCode).toBe(1);
    expect(out[1]).toMatch(/^different: recorded sha256 [0-9a-f]{64}, reproduced [0-9a-f]{64}$/);
    expect(r.differences[0]).toMatch(/^dataset: recorded content sha256 [0-9a-f]{64} \(dataset version \d+, .*breast_cancer\.csv\), reproduced from sha256 [0-9a-f]{64}$/);
    expect(r.differences.filter((d) => /^(spec|seed|params)/.test(d))).toEqual([]);
    expect(out).toContain(`  ${r.differences[0]}`);
  });

  it('names a version that does not exist and what to do', async () => {
    await expect(reproduceCommand(h.app, h.client, h.config, 'no-such-model', 3)).rejects.toThrow('model "no-such-model" has no version 3; see `bosun models list no-such-model`');
  });
});
