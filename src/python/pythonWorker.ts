/**
 * The Python worker (python/bosun_worker, the official `temporalio` SDK) as a child process: started with the same
 * Temporal server and artifact store as this process (passed as the same BOSUN_* variables), ready once it polls
 * its task queue, and supervised like the Temporal dev server (restarted if it dies). Steps a killed worker was
 * running are retried by Temporal on the next one after their heartbeat timeout.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Config } from '../config';
import { ConfigError } from '../config';
import { DEFAULT_PYTHON_TASK_QUEUE } from '../contract/steps';
import { exitOf, spawnService, stopProcess } from '../stack/process';
import { supervise, type Supervisable, type Supervisor } from '../stack/supervisor';

/** python/ in this repository: the bosun_worker package, put first on the child's PYTHONPATH. */
export const PYTHON_PACKAGE_DIR = path.resolve(import.meta.dirname, '../../python');

/**
 * What the Python worker needs beyond Config. Read from the environment by pythonSettings():
 *   BOSUN_PYTHON             the interpreter (a venv with python/requirements.txt: scripts/python-env.sh prints it)
 *   BOSUN_PYTHON_STEPS       the step modules to serve, comma-separated: module names (their directories on
 *                            PYTHONPATH) or paths of .py files (served as the file's stem, its directory added)
 *   BOSUN_PYTHON_TASK_QUEUE  the task queue (default bosun-python)
 */
export interface PythonSettings {
  python: string;
  stepModules: string[];
  taskQueue: string;
  /** Directories of the step files named by path, put on the worker's PYTHONPATH. */
  pythonPath?: string[];
}

/**
 * A BOSUN_PYTHON_STEPS entry: `pkg.module` as it is, or a file path (`pipelines/python/steps.py`) as its module
 * name and directory, so a newcomer can name the file they see instead of learning PYTHONPATH first.
 */
function stepModuleOf(entry: string, cwd: string): { module: string; dir?: string } {
  if (!entry.endsWith('.py') && !entry.includes('/') && !entry.includes(path.sep)) return { module: entry };
  const file = path.resolve(cwd, entry);
  if (!entry.endsWith('.py') || !existsSync(file)) {
    throw new ConfigError(
      `invalid configuration:\n  BOSUN_PYTHON_STEPS: ${JSON.stringify(entry)} is ${entry.endsWith('.py') ? `a path, but ${file} does not exist` : 'neither a module name nor a .py file'}; name a module (e.g. credit_steps, its directory on PYTHONPATH) or an existing .py file`,
    );
  }
  return { module: path.basename(file, '.py'), dir: path.dirname(file) };
}

/**
 * The settings, or null when BOSUN_PYTHON_STEPS is unset (no Python steps to serve here). BOSUN_PYTHON alone
 * (CI sets it for the tests) starts nothing.
 */
export function pythonSettings(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): PythonSettings | null {
  const entries = (env.BOSUN_PYTHON_STEPS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((e) => stepModuleOf(e, cwd));
  if (entries.length === 0) return null;
  const stepModules = entries.map((e) => e.module);
  const pythonPath = [...new Set(entries.flatMap((e) => (e.dir ? [e.dir] : [])))];
  const python = env.BOSUN_PYTHON?.trim();
  if (!python) {
    throw new ConfigError(
      `invalid configuration:\n  BOSUN_PYTHON=(unset): BOSUN_PYTHON_STEPS names Python step modules, so set BOSUN_PYTHON to the interpreter that runs them: export BOSUN_PYTHON=$(bash scripts/python-env.sh)`,
    );
  }
  if (!existsSync(python)) {
    throw new ConfigError(`invalid configuration:\n  BOSUN_PYTHON=${JSON.stringify(python)}: no such file; run \`bash scripts/python-env.sh\` and set BOSUN_PYTHON to the path it prints`);
  }
  return { python, stepModules, taskQueue: env.BOSUN_PYTHON_TASK_QUEUE?.trim() || DEFAULT_PYTHON_TASK_QUEUE, ...(pythonPath.length ? { pythonPath } : {}) };
}

export interface PythonWorkerOptions extends PythonSettings {
  config: Config;
  logFile: string;
  /** Directories put on PYTHONPATH before the inherited one (where the step modules live). */
  pythonPath?: string[];
  /** Extra variables for the child (e.g. BOSUN_PYTHON_HEARTBEAT_SECONDS). */
  env?: NodeJS.ProcessEnv;
  dieWithParent?: boolean;
  timeoutMs?: number;
}

export interface PythonWorkerService extends Supervisable {
  taskQueue: string;
}

/** The child's environment: Config back as the BOSUN_* variables python/bosun_worker/config.py reads. */
export function pythonWorkerEnv(o: PythonWorkerOptions): NodeJS.ProcessEnv {
  const c = o.config;
  const a = c.artifacts;
  const store: NodeJS.ProcessEnv =
    a.kind === 'file'
      ? { BOSUN_ARTIFACTS_URL: `file://${a.root}` }
      : {
          BOSUN_ARTIFACTS_URL: `s3://${a.bucket}${a.prefix ? `/${a.prefix}` : ''}`,
          BOSUN_S3_ENDPOINT: a.endpoint.origin,
          BOSUN_S3_ACCESS_KEY: a.accessKey,
          BOSUN_S3_SECRET_KEY: a.secretKey,
          BOSUN_S3_REGION: a.region,
        };
  const inherited = process.env.PYTHONPATH ? [process.env.PYTHONPATH] : [];
  return {
    TEMPORAL_ADDRESS: c.temporal.address,
    TEMPORAL_NAMESPACE: c.temporal.namespace,
    BOSUN_HOME: c.home,
    ...store,
    BOSUN_PYTHON_TASK_QUEUE: o.taskQueue,
    BOSUN_PYTHON_STEPS: o.stepModules.join(','),
    PYTHONPATH: [PYTHON_PACKAGE_DIR, ...(o.pythonPath ?? []), ...inherited].join(path.delimiter),
    // Lines reach the log as they are printed, so a crash leaves its last words there.
    PYTHONUNBUFFERED: '1',
    ...o.env,
  };
}

/** Starts the worker and resolves once it is polling its task queue (it writes its ready file then). */
export async function startPythonWorker(o: PythonWorkerOptions): Promise<PythonWorkerService> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bosun-python-'));
  const readyFile = path.join(dir, 'ready');
  try {
    const child = await spawnService({
      name: `Python worker (task queue ${o.taskQueue})`,
      command: o.python,
      args: ['-m', 'bosun_worker'],
      env: { ...pythonWorkerEnv(o), BOSUN_PYTHON_READY_FILE: readyFile },
      logFile: o.logFile,
      ready: async () => existsSync(readyFile),
      timeoutMs: o.timeoutMs ?? 60_000,
      dieWithParent: o.dieWithParent,
    });
    const exited = exitOf(child);
    void exited.finally(() => rmSync(dir, { recursive: true, force: true }));
    return { pid: child.pid!, taskQueue: o.taskQueue, exited, stop: () => stopProcess(child) };
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

/** Started and kept running: restarted when it dies (see src/stack/supervisor.ts). */
export async function supervisePythonWorker(o: PythonWorkerOptions & { log?: (line: string) => void }): Promise<Supervisor<PythonWorkerService>> {
  const first = await startPythonWorker(o);
  return supervise({
    name: 'Python worker',
    describe: `task queue ${o.taskQueue}, steps ${o.stepModules.join(', ')}`,
    first,
    start: () => startPythonWorker(o),
    log: o.log,
  });
}
