// The decision-token verifier runs inside the real Temporal workflow sandbox (webpack bundle, V8 isolate
// without Node's crypto, Buffer or require), on a real worker and dev server: what the training workflow
// will do when it checks a token.
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode } from '@temporalio/worker';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openApp } from '../../src/app';
import type { AuditEntry } from '../../src/approval/auditLog';
import type { ExpectedDecision, ReviewerKeys, TokenVerdict } from '../../src/approval/identity';
import { loadReviewerKeys } from '../../src/approval/reviewerKeys';
import { generateReviewerKeyPair, parsePrivateKey, signDecision } from '../../src/approval/sign';
import { decideCommand } from '../../src/cli/approve';
import { reviewersAdd } from '../../src/cli/reviewers';
import { statusQuery } from '../../src/contract/messages';
import { createPipelineWorker, PAYLOAD_CONVERTER_PATH } from '../../workers/createWorker';
import { stack, testConfig, uniqueName } from './support/stack';

const WORKFLOWS = path.resolve(import.meta.dirname, '../unit/approval/fixtures/verifyWorkflow.ts');
const SHA = '01'.repeat(32);

describe('verifying decision tokens inside the workflow sandbox', () => {
  const taskQueue = uniqueName('tokens');
  let connection: Connection;
  let client: Client;
  let stop: () => Promise<void>;

  beforeAll(async () => {
    connection = await Connection.connect({ address: stack().temporalAddress });
    client = new Client({ connection });
    const bundle = await bundleWorkflowCode({ workflowsPath: WORKFLOWS, payloadConverterPath: PAYLOAD_CONVERTER_PATH, logger: { trace() {}, debug() {}, info() {}, log() {}, warn() {}, error() {} } });
    const { worker } = await createPipelineWorker({ address: stack().temporalAddress, namespace: 'default', taskQueue, activities: { noop: async () => undefined }, bundle });
    const running = worker.run();
    stop = async () => {
      worker.shutdown();
      await running;
    };
  });

  afterAll(async () => {
    await stop?.();
    await connection?.close();
  });

  async function verifyInWorkflow(token: unknown, keys: ReviewerKeys, expected: ExpectedDecision) {
    return client.workflow.execute<(t: unknown, k: ReviewerKeys, e: ExpectedDecision) => Promise<{ verdict: TokenVerdict; sandbox: Record<string, string> }>>('verifyTokenWorkflow', {
      taskQueue,
      workflowId: uniqueName('verify'),
      args: [token, keys, expected],
    });
  }

  it('accepts a genuine token and refuses a forged, misdirected or garbage one, with no Node API in reach', async () => {
    const { privateKeyPem, publicKey } = generateReviewerKeyPair();
    const other = generateReviewerKeyPair();
    const runId = uniqueName('run');
    const expected: ExpectedDecision = { runId, decision: 'approve', modelVersion: '7', modelSha256: SHA };
    const token = signDecision(parsePrivateKey(privateKeyPem, 'test'), { v: 1, runId, decision: 'approve', reviewer: 'dr-ada', modelVersion: '7', modelSha256: SHA, issuedAt: new Date().toISOString() });

    const good = await verifyInWorkflow(token, { 'dr-ada': [publicKey] }, expected);
    expect(good.verdict).toEqual({ ok: true, reviewer: 'dr-ada' });
    // The sandbox really is one: none of Node's globals the verifier might have leaned on.
    expect(good.sandbox).toEqual({ Buffer: 'undefined', require: 'undefined', process: 'undefined' });

    expect((await verifyInWorkflow(token, { 'dr-ada': [other.publicKey] }, expected)).verdict).toMatchObject({ ok: false, reason: expect.stringMatching(/^bad signature/) });
    expect((await verifyInWorkflow(token, { 'dr-ada': [publicKey] }, { ...expected, modelVersion: '8' })).verdict).toEqual({ ok: false, reason: 'token for another version: signed for v7, v8 is waiting' });
    expect((await verifyInWorkflow(token, {}, expected)).verdict).toMatchObject({ ok: false, reason: expect.stringMatching(/^unknown reviewer key/) });
    expect((await verifyInWorkflow({ not: 'a token' }, { 'dr-ada': [publicKey] }, expected)).verdict).toMatchObject({ ok: false, reason: expect.stringMatching(/^malformed token/) });
  });

  it('bosun approve signs for the waiting candidate with the registered key; the workflow verifies it against the loaded keys', async () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'bosun-approve-'));
    const app = await openApp({ ...testConfig({ home }), user: 'security-admin' });
    let keys: ReviewerKeys;
    let adaKey: string;
    try {
      adaKey = (await reviewersAdd(app, 'dr-ada')).privateKeyFile!;
      keys = await loadReviewerKeys(app.db, ['dr-ada', 'mallory']);
    } finally {
      await app.close();
    }
    const handle = await client.workflow.start('tokenGateWorkflow', { taskQueue, workflowId: uniqueName('gate'), args: [keys, { version: 7, sha256: SHA }, 3] });
    const said: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void said.push(a.join(' ')));
    try {
      // --print: the signed JSON to paste into the Web UI, and nothing sent.
      await decideCommand(client, 'approve', handle.workflowId, { reviewer: 'dr-ada', comment: 'from the UI' }, { home, env: {}, printOnly: true });
      const pasted = JSON.parse(said.shift()!);
      expect(pasted).toMatchObject({ reviewer: 'dr-ada', comment: 'from the UI', modelVersion: '7', modelSha256: SHA, token: expect.any(String) });
      expect((await handle.query(statusQuery)).approval?.total).toBe(0);
      await expect(decideCommand(client, 'approve', handle.workflowId, { reviewer: 'bob' }, { home, env: {}, printOnly: true })).rejects.toThrow('--print: no key for bob');
      // The key is found at BOSUN_HOME/keys/dr-ada.key.
      await decideCommand(client, 'approve', handle.workflowId, { reviewer: 'dr-ada', comment: 'reviewed' }, { home, env: {} });
      // Someone holding Ada's key file cannot pass as another reviewer: the token names who signed.
      await decideCommand(client, 'approve', handle.workflowId, { reviewer: 'mallory' }, { home, keyFile: adaKey, env: {} });
      // Without signing options (today's main.ts) nothing is signed, and a gate that needs a token refuses.
      await decideCommand(client, 'reject', handle.workflowId, { reviewer: 'dr-ada' });
    } finally {
      vi.restoreAllMocks();
      process.exitCode = undefined;
    }
    expect(said).toEqual([
      `accepted: verified dr-ada; named v7 ${SHA}`,
      expect.stringMatching(/^refused: unknown reviewer key: no active key is registered for "mallory"/),
      expect.stringMatching(/^refused: malformed token: expected a string/),
    ]);
    const decisions = await handle.result() as AuditEntry[];
    expect(decisions.map((d) => [d.decision, d.reviewer, d.accepted])).toEqual([
      ['approve', 'dr-ada', true],
      ['approve', 'mallory', false],
      ['reject', 'dr-ada', false],
    ]);
  });
});
