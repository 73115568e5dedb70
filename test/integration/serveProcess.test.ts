/**
 * `bosun serve` as a process: it starts itself again with its garbage-collector flags (src/serving/nodeFlags.ts,
 * workers/relaunch.ts), and the process a user or supervisor started stands in for it — signals reach the server
 * once, its exit code comes back, and it never outlives its parent.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_SERVE_NODE_FLAGS } from '../../src/serving/nodeFlags';
import { freePort, processArgv } from '../../src/stack/process';

const ROOT = path.resolve(import.meta.dirname, '../..');
const BOSUN = path.join(ROOT, 'bin/bosun.mjs');
// One embedded database for every case (they run one after another): only the first start creates it.
const home = mkdtempSync(path.join(os.tmpdir(), 'bosun-serve-process-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

interface Serve {
  child: ChildProcess;
  output: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  port: number;
}

async function startServe(env: NodeJS.ProcessEnv = {}, detached = false): Promise<Serve> {
  const port = await freePort();
  const child = spawn(process.execPath, [BOSUN, 'serve'], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: '', BOSUN_HOME: home, BOSUN_SERVE_PORT: String(port), BOSUN_ARTIFACTS_URL: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached,
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.once('exit', (code, signal) => r({ code, signal })));
  return { child, output: () => out, exit, port };
}

async function listening(s: Serve): Promise<string> {
  const deadline = Date.now() + 90_000;
  while (!/bosun serve: listening[^\n]*\n/.test(s.output())) {
    if (s.child.exitCode !== null) throw new Error(`bosun serve exited with ${s.child.exitCode}:\n${s.output()}`);
    if (Date.now() > deadline) throw new Error(`bosun serve did not start:\n${s.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return /bosun serve: listening[^\n]*/.exec(s.output())![0];
}

/** The pid of the process that answers, from its listening line (call after `listening`). */
function serverPid(s: Serve): number {
  const m = /bosun serve: listening on :\d+ \(pid (\d+);/.exec(s.output());
  if (!m) throw new Error(`no pid in the listening line:\n${s.output()}`);
  return Number(m[1]);
}

/** Whether the server is still running: its pid is there and still runs `bosun serve` (pids get reused). */
function alive(pid: number): boolean {
  return (processArgv(pid) ?? []).some((a) => a.endsWith('bosun.mjs'));
}

describe('the bosun serve process', () => {
  it('starts itself again with its GC flags, answers, and stops gracefully on SIGTERM with exit code 0', async () => {
    const s = await startServe();
    const line = await listening(s);
    expect(line).toContain(`node flags ${DEFAULT_SERVE_NODE_FLAGS.join(' ')}`);
    const server = serverPid(s);
    expect(server).not.toBe(s.child.pid);
    expect((await fetch(`http://127.0.0.1:${s.port}/healthz`)).status).toBe(200);
    s.child.kill('SIGTERM');
    expect(await s.exit, s.output()).toEqual({ code: 0, signal: null });
    expect(s.output()).toContain('bosun serve: SIGTERM, finishing in-flight requests');
    expect(s.output()).not.toContain('again, exiting now');
    expect(alive(server)).toBe(false);
  }, 120_000);

  it('takes a Ctrl-C to its process group as one stop, not two', async () => {
    const s = await startServe({}, true);
    await listening(s);
    process.kill(-s.child.pid!, 'SIGINT'); // what a terminal does: the whole foreground group
    expect(await s.exit, s.output()).toEqual({ code: 0, signal: null });
    expect(s.output().match(/bosun serve: SIGINT, finishing/g)).toHaveLength(1);
    expect(s.output()).not.toContain('again, exiting now');
  }, 120_000);

  it('stops when the process standing in for it is killed outright', async () => {
    const s = await startServe();
    await listening(s);
    const server = serverPid(s);
    s.child.kill('SIGKILL');
    await s.exit;
    const deadline = Date.now() + 30_000;
    while (alive(server) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(alive(server)).toBe(false);
  }, 120_000);

  it('runs in one process with BOSUN_SERVE_NODE_FLAGS=none, and with the flags given on the node command line', async () => {
    const none = await startServe({ BOSUN_SERVE_NODE_FLAGS: 'none' });
    expect(await listening(none)).toContain('node flags none');
    expect(serverPid(none)).toBe(none.child.pid);
    none.child.kill('SIGTERM');
    expect(await none.exit, none.output()).toEqual({ code: 0, signal: null });

    const port = await freePort();
    const given = spawn(process.execPath, ['--single-threaded-gc', '--max-semi-space-size=32', BOSUN, 'serve'], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: '', BOSUN_HOME: home, BOSUN_SERVE_PORT: String(port), BOSUN_ARTIFACTS_URL: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    given.stdout!.on('data', (d) => (out += d));
    given.stderr!.on('data', (d) => (out += d));
    const s: Serve = { child: given, output: () => out, exit: new Promise((r) => given.once('exit', (code, signal) => r({ code, signal }))), port };
    // The user's own value wins: not started again, not overridden.
    expect(await listening(s)).toContain('node flags --single-threaded-gc --max-semi-space-size=32');
    expect(serverPid(s)).toBe(given.pid);
    given.kill('SIGTERM');
    expect(await s.exit, s.output()).toEqual({ code: 0, signal: null });
  }, 180_000);

  it('refuses a malformed BOSUN_SERVE_NODE_FLAGS with the variable named', async () => {
    const s = await startServe({ BOSUN_SERVE_NODE_FLAGS: '--ok -bad' });
    const { code } = await s.exit;
    expect(code).not.toBe(0);
    expect(s.output()).toContain('BOSUN_SERVE_NODE_FLAGS="--ok -bad": expected Node flags');
  }, 60_000);
});
