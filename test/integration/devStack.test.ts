import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { afterAll, describe, expect, it } from 'vitest';
import { openDb } from '../../src/db/client';
import { getAlias } from '../../src/registry/registry';
import { freePort } from '../../src/stack/process';
import { approveSignal, statusQuery } from '../../workflows/messages';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** `bosun dev` as a user runs it, in its own process, on free ports and a private BOSUN_HOME. */
function startDev(env: NodeJS.ProcessEnv, args: string[] = []): { child: ChildProcess; output: () => string; ready: Promise<void> } {
  const child = spawn(process.execPath, [path.join(ROOT, 'bin/bosun.mjs'), 'dev', ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => {
      if (out.includes('Press Ctrl-C to stop')) {
        clearInterval(timer);
        resolve();
      }
    }, 200);
    child.once('exit', (code) => {
      clearInterval(timer);
      reject(new Error(`bosun dev exited with ${code}:\n${out}`));
    });
  });
  return { child, output: () => out, ready };
}

async function stop(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  child.kill('SIGINT');
  return exited;
}

describe('bosun dev', () => {
  const children: ChildProcess[] = [];
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  });

  it('brings the stack up, and a run in flight survives the stack being stopped and started again', async () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'bosun-dev-'));
    const port = await freePort();
    const env = {
      BOSUN_HOME: path.join(home, '.bosun'),
      TEMPORAL_ADDRESS: `127.0.0.1:${port}`,
      TEMPORAL_UI_PORT: String(await freePort()),
      BOSUN_USER: 'developer',
      BOSUN_METRICS_PORT: String(await freePort()),
      BOSUN_SERVE_PORT: String(await freePort()),
    };
    const dbPort = String(await freePort());
    const first = startDev(env, ['--db-port', dbPort, '--run', 'pipelines/breast-cancer.ts']);
    children.push(first.child);
    await first.ready;
    // Wait for the demo run to reach the approval gate.
    const deadline = Date.now() + 150_000;
    while (!first.output().includes('awaiting approval') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 300));
    expect(first.output()).toContain('awaiting approval of v1');
    const runId = /run (breast-cancer-\S+) started/.exec(first.output())![1];
    expect(await stop(first.child)).toBe(0);

    const second = startDev(env, ['--db-port', dbPort]);
    children.push(second.child);
    await second.ready;
    expect(second.output()).toMatch(/Temporal Web UI http:\/\/localhost:\d+/);
    const connection = await Connection.connect({ address: env.TEMPORAL_ADDRESS });
    try {
      const handle = new Client({ connection }).workflow.getHandle(runId);
      expect((await handle.query(statusQuery)).stage).toBe('awaiting_approval');
      await handle.signal(approveSignal, { reviewer: 'dr-ada', comment: 'reviewed after restart', modelVersion: '1' });
      expect(await handle.result()).toEqual({ status: 'succeeded', modelVersion: 1, deployed: true });
    } finally {
      await connection.close();
    }
    // The stack's serving process picked up the promotion without a restart.
    const serveUrl = `http://127.0.0.1:${env.BOSUN_SERVE_PORT}`;
    let info: { model_version?: string } = {};
    for (let i = 0; i < 50 && !info.model_version; i++) {
      info = (await (await fetch(`${serveUrl}/v1/models/breast-cancer`)).json()) as typeof info;
      if (!info.model_version) await new Promise((r) => setTimeout(r, 200));
    }
    expect(String(info.model_version)).toBe('1');
    // The embedded database, served by the running stack, holds the promotion.
    const db = await openDb({ kind: 'postgres', url: `postgres://postgres@127.0.0.1:${dbPort}/postgres` });
    try {
      expect((await getAlias(db.db, 'breast-cancer', 'production'))?.version).toBe(1);
    } finally {
      await db.close();
    }
    expect(await stop(second.child)).toBe(0);
  });
});
