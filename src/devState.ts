/**
 * `bosun dev` owns the embedded PGlite database while it runs and serves it on a local port; it leaves
 * this note in BOSUN_HOME so other Bosun processes (the CLI, the serving process) reach the same data
 * instead of opening the files a second time.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Config, DatabaseConfig } from './config';

export interface DevState {
  pid: number;
  databaseUrl: string;
  temporalAddress: string;
  temporalUi: string;
  serveUrl?: string;
}

const file = (home: string) => path.join(home, 'dev.json');

export function writeDevState(home: string, state: DevState): void {
  writeFileSync(file(home), JSON.stringify(state, null, 2));
}

export function clearDevState(home: string): void {
  rmSync(file(home), { force: true });
}

export function readDevState(home: string): DevState | null {
  try {
    const state = JSON.parse(readFileSync(file(home), 'utf8')) as DevState;
    process.kill(state.pid, 0); // throws if that process is gone
    return state;
  } catch {
    return null;
  }
}

/** The database this process should open: a running `bosun dev`'s, when the default PGlite is configured. */
export function resolveDatabase(config: Config): DatabaseConfig {
  if (config.database.kind !== 'pglite') return config.database;
  const dev = readDevState(config.home);
  return dev && dev.pid !== process.pid ? { kind: 'postgres', url: dev.databaseUrl } : config.database;
}
