/**
 * `bosun dev` owns the embedded PGlite database while it runs and serves it on a local port; it leaves
 * this note in BOSUN_HOME (dev.json, mode 0600: it holds the database password) so other Bosun processes
 * (the CLI, the serving process) reach the same data instead of opening the files a second time.
 *
 * The note also records the child processes `bosun dev` started, as soon as each starts, so that a later
 * `bosun dev` can stop the ones an earlier one left behind when it was killed without cleaning up.
 */
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Config, DatabaseConfig } from './config';

/** A child process `bosun dev` started, and how to recognise it again (pids get reused). */
export interface DevChild {
  pid: number;
  /** The program as it was started (argv[0]). */
  binary: string;
  /** Arguments that identify this child as ours, e.g. ['--db-filename', '<home>/temporal.db']. */
  marker: string[];
}

export interface DevState {
  pid: number;
  /** Set once the stack is up; until then other processes must not rely on the note. */
  databaseUrl?: string;
  temporalAddress?: string;
  temporalUi?: string;
  serveUrl?: string;
  children?: { temporal?: DevChild };
}

const file = (home: string) => path.join(home, 'dev.json');

/** Written whole to a private temp file and renamed over, so a reader never sees half a note. */
export function writeDevState(home: string, state: DevState): void {
  const tmp = `${file(home)}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(state, null, 2), { mode: 0o600 });
  renameSync(tmp, file(home));
}

export function clearDevState(home: string): void {
  rmSync(file(home), { force: true });
}

/** The note as it is on disk, whether or not the process that wrote it still runs. */
export function readDevStateFile(home: string): DevState | null {
  try {
    return JSON.parse(readFileSync(file(home), 'utf8')) as DevState;
  } catch {
    return null;
  }
}

/** The note of a running, ready `bosun dev`, or null. */
export function readDevState(home: string): DevState | null {
  const state = readDevStateFile(home);
  if (!state?.databaseUrl || !processAlive(state.pid)) return null;
  return state;
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The database this process should open: a running `bosun dev`'s, when the default PGlite is configured. */
export function resolveDatabase(config: Config): DatabaseConfig {
  if (config.database.kind !== 'pglite') return config.database;
  const dev = readDevState(config.home);
  return dev?.databaseUrl && dev.pid !== process.pid ? { kind: 'postgres', url: dev.databaseUrl } : config.database;
}
