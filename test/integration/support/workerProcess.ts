/** `bosun worker` in a process of its own, configured like a harness (same database, store and queue): for kill -9 tests. */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { Harness } from './pipelineHarness';

const ROOT = path.resolve(import.meta.dirname, '../../..');

export function startWorkerProcess(h: Harness, metricsPort: number): { child: ChildProcess; log: () => string } {
  const c = h.config;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TEMPORAL_ADDRESS: c.temporal.address,
    BOSUN_TASK_QUEUE: c.temporal.taskQueue,
    BOSUN_HOME: c.home,
    DATABASE_URL: c.database.kind === 'postgres' ? c.database.url : undefined,
    BOSUN_ARTIFACTS_URL: c.artifacts.kind === 'file' ? `file://${c.artifacts.root}` : undefined,
    BOSUN_METRICS_PORT: String(metricsPort),
  };
  const child = spawn(process.execPath, [path.join(ROOT, 'bin/bosun.mjs'), 'worker'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  return { child, log: () => out };
}
