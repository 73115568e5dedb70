import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { openDb } from '../../src/db/client';
import { processAlive, readDevStateFile, writeDevState, type DevState } from '../../src/devState';
import { getAlias } from '../../src/registry/registry';
import { loadConfig } from '../../src/config';
import { findProgram } from '../../src/stack/binaries';
import { freePort, processArgv } from '../../src/stack/process';
import { startTemporalServer } from '../../src/stack/temporalServer';
import { approveSignal, statusQuery } from '../../src/contract/messages';

const ROOT = path.resolve(import.meta.dirname, '../..');
const BOSUN = path.join(ROOT, 'bin/bosun.mjs');

/** `bosun dev` as a user runs it, in its own process, on free ports and a private BOSUN_HOME. */
function startDev(env: NodeJS.ProcessEnv, args: string[] = []): { child: ChildProcess; output: () => string; ready: Promise<void> } {
  const child = spawn(process.execPath, [BOSUN, 'dev', ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
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

async function waitFor<T>(what: string, probe: () => T | Promise<T>, timeoutMs = 60_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function devEnv() {
  const home = mkdtempSync(path.join(os.tmpdir(), 'bosun-dev-'));
  return {
    BOSUN_HOME: path.join(home, '.bosun'),
    TEMPORAL_ADDRESS: `127.0.0.1:${await freePort()}`,
    TEMPORAL_UI_PORT: String(await freePort()),
    BOSUN_USER: 'developer',
    BOSUN_METRICS_PORT: String(await freePort()),
    BOSUN_SERVE_PORT: String(await freePort()),
  };
}

describe('bosun dev', () => {
  const children: ChildProcess[] = [];
  // Temporal servers to kill at the end if still running, with their command lines: a pid that has exited may by
  // then belong to another process (pid_max is 32 768 here, and a test run's threads use pids too), and killing
  // that one took down another test file's server.
  const pids: { pid: number; argv: string }[] = [];
  const commandLine = (pid: number) => (processArgv(pid) ?? []).join(' ');
  const track = (pid: number) => pids.push({ pid, argv: commandLine(pid) });
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    for (const { pid, argv } of pids) if (processAlive(pid) && commandLine(pid) === argv) process.kill(pid, 'SIGKILL');
  });

  it('brings the stack up behind a database password, restarts a killed Temporal, and a run in flight survives both', async () => {
    const env = await devEnv();
    const dbPort = String(await freePort());
    const first = startDev(env, ['--db-port', dbPort, '--run', 'pipelines/breast-cancer.ts']);
    children.push(first.child);
    await first.ready;
    // Wait for the demo run to reach the approval gate.
    await waitFor('the approval gate', () => first.output().includes('awaiting approval'), 150_000).catch(() => {});
    expect(first.output()).toContain('awaiting approval of v1');
    const runId = /run (breast-cancer-\S+) started/.exec(first.output())![1];

    // The embedded database answers only to the password written, privately, to dev.json.
    const devJson = path.join(env.BOSUN_HOME, 'dev.json');
    expect(statSync(devJson).mode & 0o777).toBe(0o600);
    const state = readDevStateFile(env.BOSUN_HOME)!;
    const url = new URL(state.databaseUrl!);
    expect(url.password.length).toBeGreaterThanOrEqual(24);
    expect(first.output()).not.toContain(url.password);
    for (const bad of ['wrong-password', '']) {
      const u = new URL(url);
      u.password = bad;
      const c = postgres(u.toString(), { max: 1, onnotice: () => {}, connect_timeout: 5 });
      await expect(c`select 1`).rejects.toMatchObject({ code: '28P01' });
      await c.end();
    }
    // …and local bosun commands find it there.
    const { stdout } = await promisify(execFile)(process.execPath, [BOSUN, 'models', 'list', '--json'], { cwd: ROOT, env: { ...process.env, ...env } });
    expect(JSON.parse(stdout)).toMatchObject([{ model: 'breast-cancer', version: 1, status: 'candidate', run: runId }]);

    // kill -9 of the Temporal child: bosun dev restarts it on the same SQLite file and port.
    const oldPid = state.children!.temporal!.pid;
    process.kill(oldPid, 'SIGKILL');
    await waitFor('the restart line', () => /Temporal dev server \(pid \d+\) exited unexpectedly \(SIGKILL\); restarting it/.test(first.output()));
    const newPid = await waitFor('a new Temporal pid in dev.json', () => {
      const p = readDevStateFile(env.BOSUN_HOME)?.children?.temporal?.pid;
      return p && p !== oldPid && processAlive(p) ? p : null;
    });
    track(newPid);
    {
      const connection = await Connection.connect({ address: env.TEMPORAL_ADDRESS });
      try {
        const handle = new Client({ connection }).workflow.getHandle(runId);
        expect((await handle.query(statusQuery)).stage).toBe('awaiting_approval');
      } finally {
        await connection.close();
      }
    }
    expect(await stop(first.child)).toBe(0);
    expect(processAlive(newPid)).toBe(false);

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
    // The embedded database, served by the running stack (a new password this time), holds the promotion.
    const db = await openDb({ kind: 'postgres', url: readDevStateFile(env.BOSUN_HOME)!.databaseUrl! });
    try {
      expect((await getAlias(db.db, 'breast-cancer', 'production'))?.version).toBe(1);
    } finally {
      await db.close();
    }
    expect(await stop(second.child)).toBe(0);
  });

  it('after kill -9 of bosun dev, its Temporal server goes too, and the next bosun dev starts its own', async () => {
    const env = await devEnv();
    const first = startDev(env, ['--db-port', String(await freePort())]);
    children.push(first.child);
    await first.ready;
    const temporalPid = readDevStateFile(env.BOSUN_HOME)!.children!.temporal!.pid;
    track(temporalPid);
    first.child.kill('SIGKILL');
    await waitFor('the Temporal child to exit with its parent', () => !processAlive(temporalPid), 30_000);

    // dev.json is left behind. Point its Temporal entry at an unrelated process: the next start must check
    // what a recorded pid runs before it stops anything.
    const decoy = spawn('sleep', ['120']);
    children.push(decoy);
    const stale = readDevStateFile(env.BOSUN_HOME)!;
    writeDevState(env.BOSUN_HOME, { ...stale, children: { temporal: { ...stale.children!.temporal!, pid: decoy.pid! } } });

    const second = startDev(env, ['--db-port', String(await freePort())]);
    children.push(second.child);
    await second.ready;
    expect(second.output()).not.toContain('using the server already listening');
    expect(second.output()).toMatch(/Temporal +127\.0\.0\.1:\d+ +\(state: .*temporal\.db\)/);
    expect(processAlive(decoy.pid!)).toBe(true);
    expect(await stop(second.child)).toBe(0);
    decoy.kill('SIGKILL');
  });

  it('stops a Temporal server that an earlier, killed bosun dev left running on its database file', async () => {
    const env = await devEnv();
    mkdirSync(env.BOSUN_HOME, { recursive: true });
    const binary = findProgram('temporal', { cacheDir: loadConfig().cacheDir, explicit: loadConfig().temporal.cliPath });
    const dbFile = path.join(env.BOSUN_HOME, 'temporal.db');
    // The leftover: our binary on our file and port, as a bosun dev without the parent-death signal leaves it.
    const orphan = await startTemporalServer({
      binary,
      port: Number(env.TEMPORAL_ADDRESS.split(':')[1]),
      uiPort: Number(env.TEMPORAL_UI_PORT),
      dbFile,
      logFile: path.join(env.BOSUN_HOME, 'logs', 'orphan.log'),
    });
    track(orphan.pid);
    expect(processArgv(orphan.pid)).toContain(dbFile);
    const dead = spawn(process.execPath, ['-e', '']);
    await new Promise((r) => dead.once('exit', r));
    const stale: DevState = { pid: dead.pid!, children: { temporal: { pid: orphan.pid, binary, marker: ['--db-filename', dbFile] } } };
    writeDevState(env.BOSUN_HOME, stale);

    const dev = startDev(env, ['--db-port', String(await freePort())]);
    children.push(dev.child);
    await dev.ready;
    expect(dev.output()).toContain(`Stopping the temporal server (pid ${orphan.pid}) left running by an earlier bosun dev`);
    expect(await orphan.exited).toBeTruthy();
    expect(dev.output()).not.toContain('using the server already listening');
    const mine = readDevStateFile(env.BOSUN_HOME)!.children!.temporal!.pid;
    expect(mine).not.toBe(orphan.pid);
    expect(processAlive(mine)).toBe(true);
    expect(await stop(dev.child)).toBe(0);
  });
});
