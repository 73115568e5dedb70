import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approvals, modelVersions, runs } from '../../src/db/schema';
import { getAlias } from '../../src/registry/registry';
import type { PipelineSpecInput } from '../../src/pipeline/spec';
import { findProgram } from '../../src/stack/binaries';
import { artifactKey } from '../../src/storage/artifactStore';
import { addReviewerKey } from '../../src/approval/reviewerKeys';
import { generateReviewerKeyPair, parsePrivateKey, signDecision } from '../../src/approval/sign';
import { statusQuery } from '../../src/contract/messages';
import { startHarness, type Harness } from './support/pipelineHarness';
import { stack, uniqueName } from './support/stack';

const exec = promisify(execFile);

// The approval gate against hostile and careless use, on the real dev server with the real `temporal` CLI:
// one pipeline's approval never deploys another's model, and no signal can fail, terminate or wedge a run.
describe('the approval gate', () => {
  let h: Harness;
  let temporalCli: string;
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'bosun-gate-'));

  beforeAll(async () => {
    h = await startHarness({ postgres: true });
    temporalCli = findProgram('temporal', { explicit: h.config.temporal.cliPath, cacheDir: h.config.cacheDir });
  });
  afterAll(async () => h?.close());

  /**
   * `temporal workflow signal`, as an approver would type it. While a run continues as new, Temporal answers
   * "workflow is closing" for a moment; like a person, the helper sends again.
   */
  const signal = async (workflowId: string, name: string, args: string[]) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await exec(temporalCli, ['workflow', 'signal', '--address', stack().temporalAddress, '--namespace', 'default', '--workflow-id', workflowId, '--name', name, ...args]);
      } catch (err) {
        if (attempt >= 10 || !/workflow is closing/.test(String((err as Error).message))) throw err;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  };

  const spec = (name: string, extra: Partial<PipelineSpecInput> = {}): PipelineSpecInput => ({
    name,
    source: 'wine.csv',
    target: 'cultivar',
    seed: 7,
    model: { algorithm: 'logistic_regression' },
    ...extra,
  });
  const dbRun = async (id: string) => (await h.app.db.select().from(runs).where(eq(runs.id, id)))[0];
  const auditRows = async (id: string) => h.app.db.select().from(approvals).where(eq(approvals.runId, id)).orderBy(approvals.seq);

  it("never lets one pipeline's approval deploy another pipeline's model (the step cache stays inside a pipeline)", async () => {
    const strictName = uniqueName('strict-a');
    const laxName = uniqueName('lax-b');
    // Same source, seed and model: every step's inputs are identical, so a shared cache would hand
    // strict-a's registered version to lax-b's run.
    const strict = await h.submit(spec(strictName, { approval: { approvers: ['dr-ada'], fourEyes: true } }));
    await h.waitForStage(strict, 'awaiting_approval');
    const lax = await h.submit(spec(laxName, { approval: {} }));
    await h.waitForStage(lax, 'awaiting_approval');

    await signal(lax.workflowId, 'approve', ['--input', '{"reviewer": "anyone"}']);
    expect(await lax.result()).toMatchObject({ status: 'succeeded', modelVersion: 1 });

    const laxProd = await getAlias(h.app.db, laxName, 'production');
    expect(laxProd).toMatchObject({ modelName: laxName, version: 1, runId: lax.workflowId });
    expect(await getAlias(h.app.db, strictName, 'production')).toBeUndefined();
    const [strictV1] = await h.app.db.select().from(modelVersions).where(eq(modelVersions.modelName, strictName));
    expect(strictV1).toMatchObject({ runId: strict.workflowId, status: 'candidate' });
    // strict-a still waits for its own approver, under its own policy.
    expect((await strict.query(statusQuery)).stage).toBe('awaiting_approval');
    await signal(strict.workflowId, 'approve', ['--input', '{"reviewer": "anyone"}']);
    await signal(strict.workflowId, 'approve', ['--input', '{"reviewer": "dr-ada"}']);
    expect(await strict.result()).toMatchObject({ status: 'succeeded' });
    expect((await auditRows(strict.workflowId)).map((a) => `${a.reviewer}:${a.accepted}`)).toEqual(['anyone:false', 'dr-ada:true']);
    expect(await getAlias(h.app.db, strictName, 'production')).toMatchObject({ runId: strict.workflowId });
  });

  it('refuses a NUL byte in the reviewer, keeps the run alive, and a valid approval afterwards deploys', async () => {
    const handle = await h.submit(spec(uniqueName('nul')));
    await h.waitForStage(handle, 'awaiting_approval');
    await signal(handle.workflowId, 'approve', ['--input', '{"reviewer": "dr-ada\\u0000"}']);
    await signal(handle.workflowId, 'approve', ['--input', '{"reviewer": "dr-ada"}']);
    expect(await handle.result()).toMatchObject({ status: 'succeeded' });
    expect((await handle.describe()).status.name).toBe('COMPLETED');
    const rows = await auditRows(handle.workflowId);
    expect(rows.map((a) => [a.reviewer, a.accepted])).toEqual([
      ['dr-ada\\u0000', false],
      ['dr-ada', true],
    ]);
    expect(rows[0].reason).toMatch(/^malformed: "reviewer" contains the control or formatting character U\+0000/);
    expect((await dbRun(handle.workflowId)).status).toBe('succeeded');
  });

  it('survives a flood of oversized comments: the server refuses megabytes, status keeps answering, the run continues as new instead of hitting the history limit', async () => {
    const handle = await h.submit(spec(uniqueName('flood')));
    await h.waitForStage(handle, 'awaiting_approval');
    const firstRunId = (await handle.describe()).runId;
    // The server refuses a payload over its blob limit (256 KB, set by Bosun's dev server) before it reaches history.
    const huge = path.join(scratch, 'huge.json');
    writeFileSync(huge, JSON.stringify({ reviewer: 'mallory', comment: 'x'.repeat(1_500_000) }));
    await expect(signal(handle.workflowId, 'approve', ['--input-file', huge])).rejects.toThrow(/size|limit|large/i);
    // Just under it, a flood of refused comments: 40 × 200 KB is 8 MB of history, past the point where
    // Temporal suggests continuing as new.
    const file = path.join(scratch, 'big.json');
    writeFileSync(file, JSON.stringify({ reviewer: 'mallory', comment: 'x'.repeat(200_000) }));
    const FLOOD = 40;
    for (let i = 0; i < FLOOD; i++) await signal(handle.workflowId, 'approve', ['--input-file', file]);

    // `status` (the query behind `bosun status` and `bosun approve`) still fits in a message.
    const status = await h.waitForStage(handle, 'awaiting_approval');
    expect(status.approval!.decisions.every((d) => !d.accepted && d.reason.startsWith('malformed: "comment" is 200000 characters'))).toBe(true);
    expect(JSON.stringify(status).length).toBeLessThan(100_000);
    expect((await handle.describe()).runId).not.toBe(firstRunId);

    await signal(handle.workflowId, 'approve', ['--input', '{"reviewer": "dr-ada", "comment": "reviewed"}']);
    expect(await handle.result()).toMatchObject({ status: 'succeeded' });
    const final = await handle.query(statusQuery);
    expect(final.approval!.total).toBe(FLOOD + 1);
    // Stages that ran before the continue-as-new keep their records.
    expect(final.stages.find((s) => s.name === 'train')).toMatchObject({ state: 'succeeded' });
    const rows = await auditRows(handle.workflowId);
    expect(rows).toHaveLength(FLOOD + 1);
    expect(rows.every((r) => (r.comment ?? '').length < 300)).toBe(true);
    expect(rows.at(-1)).toMatchObject({ reviewer: 'dr-ada', accepted: true });
    expect((await dbRun(handle.workflowId)).status).toBe('succeeded');
  }, 300_000);

  it('refuses a payload with an unknown encoding instead of wedging the run, and processes the approval sent after it', async () => {
    const handle = await h.submit(spec(uniqueName('enc')));
    await h.waitForStage(handle, 'awaiting_approval');
    await signal(handle.workflowId, 'approve', ['--input', '{"reviewer": "dr-ada"}', '--input-meta', 'encoding=foo/bar']);
    await signal(handle.workflowId, 'approve', ['--input', '{"reviewer": "dr-ada"}']);
    expect(await handle.result()).toMatchObject({ status: 'succeeded' });
    const rows = await auditRows(handle.workflowId);
    expect(rows.map((a) => a.accepted)).toEqual([false, true]);
    expect(rows[0].reason).toMatch(/^malformed: the signal's payload could not be decoded \(encoding foo\/bar/);
  });

  it('refuses a decision naming another artifact hash, and binds one naming neither to the waiting candidate', async () => {
    const handle = await h.submit(spec(uniqueName('hash')));
    const waiting = await h.waitForStage(handle, 'awaiting_approval');
    const sha = String(waiting.evidence!.modelSha256);
    expect(sha).toMatch(/^[0-9a-f]{64}$/);
    await signal(handle.workflowId, 'approve', ['--input', JSON.stringify({ reviewer: 'dr-ada', modelSha256: '0'.repeat(64) })]);
    await signal(handle.workflowId, 'approve', ['--input', '{"reviewer": "dr-ada"}']);
    expect(await handle.result()).toMatchObject({ status: 'succeeded' });
    const rows = await auditRows(handle.workflowId);
    expect(rows[0]).toMatchObject({ accepted: false, reason: expect.stringMatching(/^wrong artifact/) });
    expect(rows[1]).toMatchObject({ accepted: true, reason: expect.stringContaining(`bound to v1 sha256:${sha} (the waiting candidate; the decision named neither version nor hash)`) });
  });

  it('refuses to deploy when the approved artifact was swapped in the store after approval, and moves nothing', async () => {
    const name = uniqueName('swap');
    const handle = await h.submit(spec(name));
    const waiting = await h.waitForStage(handle, 'awaiting_approval');
    const sha = String(waiting.evidence!.modelSha256);
    expect(h.config.artifacts.kind).toBe('file');
    const file = path.join((h.config.artifacts as { root: string }).root, artifactKey(sha));
    chmodSync(file, 0o644);
    writeFileSync(file, readFileSync(file, 'utf8').replace(/"seed":\s*\d+/, '"seed": 9999') + ' ');
    await signal(handle.workflowId, 'approve', ['--input', '{"reviewer": "dr-ada"}']);
    const err = await handle.result().then(() => null, (e: Error) => e.cause as Error);
    expect(err?.message).toMatch(new RegExp(`^deploy: ${name} v1: the approved artifact sha256:${sha} is not intact`));
    expect(await getAlias(h.app.db, name, 'production')).toBeUndefined();
    expect((await dbRun(handle.workflowId)).status).toBe('failed');
  });

  it('refuses to deploy when the registry row was pointed at another artifact after approval', async () => {
    const name = uniqueName('repoint');
    const handle = await h.submit(spec(name));
    await h.waitForStage(handle, 'awaiting_approval');
    const other = await h.app.store.put(JSON.stringify({ not: 'the approved model' }));
    await h.app.db.update(modelVersions).set({ artifactHash: other.hash }).where(eq(modelVersions.modelName, name));
    await signal(handle.workflowId, 'approve', ['--input', '{"reviewer": "dr-ada"}']);
    const err = await handle.result().then(() => null, (e: Error) => e.cause as Error);
    expect(err?.message).toMatch(new RegExp(`the registry names artifact sha256:${other.hash} but the approval in run ${handle.workflowId} was for sha256:`));
    expect(await getAlias(h.app.db, name, 'production')).toBeUndefined();
  });

  it('with requireSignedDecisions, counts only decisions signed with the reviewer\'s registered key', async () => {
    const ada = generateReviewerKeyPair();
    const mallory = generateReviewerKeyPair();
    await addReviewerKey(h.app.db, { reviewer: 'dr-ada', publicKey: ada.publicKey, addedBy: 'test' });
    const handle = await h.submit(spec(uniqueName('signed'), { approval: { approvers: ['dr-ada'], requireSignedDecisions: true } }));
    const waiting = await h.waitForStage(handle, 'awaiting_approval');
    const expected = { v: 1 as const, runId: handle.workflowId, decision: 'approve' as const, reviewer: 'dr-ada', modelVersion: String(waiting.evidence!.candidateVersion), modelSha256: String(waiting.evidence!.modelSha256), issuedAt: new Date().toISOString() };
    // Claimed, not proven; signed by a key that is not Ada's; signed by Ada but for a rejection.
    await signal(handle.workflowId, 'approve', ['--input', '{"reviewer": "dr-ada"}']);
    const forged = signDecision(parsePrivateKey(mallory.privateKeyPem, 'mallory'), expected);
    await signal(handle.workflowId, 'approve', ['--input', JSON.stringify({ reviewer: 'dr-ada', token: forged })]);
    const replayed = signDecision(parsePrivateKey(ada.privateKeyPem, 'ada'), { ...expected, decision: 'reject' });
    await signal(handle.workflowId, 'approve', ['--input', JSON.stringify({ reviewer: 'dr-ada', token: replayed })]);
    const good = signDecision(parsePrivateKey(ada.privateKeyPem, 'ada'), expected);
    await signal(handle.workflowId, 'approve', ['--input', JSON.stringify({ reviewer: 'dr-ada', token: good })]);
    expect(await handle.result()).toMatchObject({ status: 'succeeded' });
    const rows = await auditRows(handle.workflowId);
    expect(rows.map((r) => r.accepted)).toEqual([false, false, false, true]);
    expect(rows[0].reason).toMatch(/^unverified: this pipeline requires signed decisions/);
    expect(rows[1].reason).toMatch(/^unverified: /);
    expect(rows[2].reason).toMatch(/^unverified: /);
    expect(rows[3]).toMatchObject({ outcome: 'approved', reason: expect.stringContaining('signature of dr-ada verified') });
  });
});
