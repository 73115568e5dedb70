/** Child processes for real services: started, waited on until ready, stopped cleanly. */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import net from 'node:net';

export interface Service {
  name: string;
  url: string;
  stop(): Promise<void>;
}

export interface SpawnOptions {
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  logFile: string;
  /** Resolves when the service answers; polled until timeoutMs. */
  ready: () => Promise<boolean>;
  timeoutMs?: number;
  /**
   * Have the kernel send the child SIGTERM when this process dies, even by SIGKILL (Linux's parent-death
   * signal, set by util-linux `setpriv`, which then execs the program: the pid stays the program's).
   * Without setpriv the child is started as usual.
   */
  dieWithParent?: boolean;
}

export async function spawnService(opts: SpawnOptions): Promise<ChildProcess> {
  mkdirSync(path.dirname(opts.logFile), { recursive: true });
  const log = createWriteStream(opts.logFile, { flags: 'a' });
  const [command, args] = opts.dieWithParent && SETPRIV ? [SETPRIV, ['--pdeathsig', 'TERM', '--', opts.command, ...opts.args]] : [opts.command, opts.args];
  const child = spawn(command, args, {
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  let exited: string | null = null;
  child.once('exit', (code, signal) => {
    exited = `exited with ${signal ?? `code ${code}`}`;
  });
  child.once('error', (err) => {
    exited = err.message;
  });
  const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
  while (Date.now() < deadline) {
    if (exited) throw new Error(`${opts.name} ${exited} while starting; see its log: ${opts.logFile}`);
    if (await opts.ready().catch(() => false)) return child;
    await sleep(200);
  }
  await stopProcess(child);
  throw new Error(`${opts.name} did not become ready in ${(opts.timeoutMs ?? 60_000) / 1000}s; see ${opts.logFile}`);
}

const SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
});

/** Resolves with how the child ended ("SIGKILL", "code 1") once it has exited. */
export function exitOf(child: ChildProcess): Promise<string> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.signalCode ?? `code ${child.exitCode}`);
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve(signal ?? `code ${code}`)));
}

/** A process's argv from /proc (Linux), or null if it is gone or unreadable. */
export function processArgv(pid: number): string[] | null {
  try {
    const text = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return text === '' ? null : text.replace(/\0$/, '').split('\0');
  } catch {
    return null;
  }
}

/** Stops a process that is not our child (no exit event): SIGTERM, then SIGKILL, polling until it is gone. */
export async function stopPid(pid: number, graceMs = 10_000): Promise<void> {
  const gone = () => {
    try {
      process.kill(pid, 0);
    } catch {
      return true;
    }
    // A zombie has exited; only its parent's wait() is missing.
    try {
      return /^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    } catch {
      return true;
    }
  };
  if (gone()) return;
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (!gone() && Date.now() < deadline) await sleep(100);
  if (!gone()) process.kill(pid, 'SIGKILL');
  while (!gone()) await sleep(50);
}

/** SIGTERM, then SIGKILL if it has not exited in time. */
export async function stopProcess(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export function portOpen(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ port, host });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/** A free TCP port on loopback (for tests and isolated stacks). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}
