/**
 * `bosun dev`: the whole local stack in one command — the Temporal dev server (state in
 * BOSUN_HOME/temporal.db, Web UI), the embedded database (served to other Bosun processes on a local port,
 * behind a password generated per start), the artifact store, a pipeline worker and the serving process.
 * Ctrl-C stops everything; the next start resumes where it was.
 *
 * The Temporal child is supervised (restarted on the same SQLite file and port if it dies), dies with
 * this process (parent-death signal), and is recorded in BOSUN_HOME/dev.json as soon as it starts, so a
 * `bosun dev` that was killed without cleaning up has its leftover server stopped by the next one.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { openApp } from '../src/app';
import { ConfigError, loadConfig } from '../src/config';
import { serveEmbeddedDb } from '../src/dbServer';
import { clearDevState, processAlive, readDevStateFile, writeDevState, type DevChild, type DevState } from '../src/devState';
import { findProgram } from '../src/stack/binaries';
import { portOpen, processArgv, stopPid } from '../src/stack/process';
import { supervise, type Supervisor } from '../src/stack/supervisor';
import { startTemporalServer, type TemporalService } from '../src/stack/temporalServer';
import { connectTemporal } from '../src/temporal/connection';
import { ensureSearchAttributes } from '../src/temporal/searchAttributes';
import { startPipelineWorker } from './pipelineWorker';
import { buildServingApp } from '../src/serving/app';
import { pythonSettings, supervisePythonWorker } from '../src/python/pythonWorker';

export interface DevOptions {
  /** Submit this pipeline once the stack is up and follow it. */
  run?: string;
  dbPort: number;
  /** Stop after the submitted run finishes (for scripts and CI). */
  exitAfterRun?: boolean;
}

export async function devCommand(o: DevOptions): Promise<void> {
  const config = loadConfig();
  // Checked before anything starts: a missing BOSUN_PYTHON is a line to fix, not a stack to tear down.
  const pySettings = pythonSettings();
  mkdirSync(config.home, { recursive: true });
  const stops: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch((e) => console.error(`while stopping: ${(e as Error).message}`));
  };

  await cleanUpAfterEarlierDev(config.home);
  const state: DevState = { pid: process.pid, children: {} };
  writeDevState(config.home, state);
  stops.push(async () => clearDevState(config.home));

  try {
    const [host, portText] = config.temporal.address.split(/:(?=\d+$)/);
    let temporal: Supervisor<TemporalService> | null = null;
    if (await portOpen(Number(portText), host === 'localhost' ? '127.0.0.1' : host)) {
      console.log(`Temporal: using the server already listening on ${config.temporal.address}`);
    } else {
      const binary = findProgram('temporal', { explicit: config.temporal.cliPath, cacheDir: config.cacheDir });
      const dbFile = path.join(config.home, 'temporal.db');
      const start = () =>
        startTemporalServer({
          binary,
          ip: '127.0.0.1',
          port: Number(portText),
          uiPort: config.temporal.uiPort,
          dbFile,
          namespace: config.temporal.namespace,
          logFile: path.join(config.home, 'logs', 'temporal.log'),
          dieWithParent: true,
        });
      const record = (t: TemporalService) => {
        state.children!.temporal = { pid: t.pid, binary, marker: ['--db-filename', dbFile] };
        writeDevState(config.home, state);
      };
      const first = await start();
      record(first);
      temporal = supervise({ name: 'Temporal dev server', describe: `state ${dbFile}, port ${portText}`, first, start, onRestart: record });
      stops.push(() => temporal!.stop());
    }
    const { client, connection } = await connectTemporal(config.temporal);
    stops.push(() => connection.close());
    await ensureSearchAttributes(connection, config.temporal.namespace);

    const app = await openApp(config);
    stops.push(() => app.close());
    let databaseUrl = config.database.kind === 'postgres' ? config.database.url : '';
    if (app.pglite) {
      const served = await serveEmbeddedDb(app.pglite, o.dbPort);
      databaseUrl = served.url;
      stops.push(served.stop);
    }

    // The pipeline it is asked to run is one the dev worker serves, TypeScript steps included.
    const devConfig = o.run && !config.pipelines.includes(path.resolve(o.run)) ? { ...config, pipelines: [...config.pipelines, path.resolve(o.run)] } : config;
    const worker = await startPipelineWorker({ config: devConfig, app, client, metricsHost: '127.0.0.1' });
    stops.push(worker.stop);
    // Python steps (BOSUN_PYTHON_STEPS, run by BOSUN_PYTHON): their worker as a supervised child, like Temporal.
    const python = pySettings && (await supervisePythonWorker({ ...pySettings, config, logFile: path.join(config.home, 'logs', 'python-worker.log'), dieWithParent: true }));
    if (python) stops.push(() => python.stop());

    // Serving in the same process: promotions made by the worker show up here without a restart.
    const serving = buildServingApp({ db: app.db, store: app.store, config, logger: false });
    await serving.listen({ port: config.serve.port, host: '127.0.0.1' }).catch((err: NodeJS.ErrnoException) => {
      throw err.code === 'EADDRINUSE' ? new ConfigError(`BOSUN_SERVE_PORT=${config.serve.port}: the port is in use; choose another`) : err;
    });
    stops.push(() => serving.close());
    const serveUrl = `http://localhost:${config.serve.port}`;

    const uiUrl = `http://localhost:${config.temporal.uiPort}`;
    Object.assign(state, { databaseUrl, temporalAddress: config.temporal.address, temporalUi: uiUrl, serveUrl });
    writeDevState(config.home, state);

    console.log('');
    console.log('Bosun dev stack is up:');
    console.log(`  Temporal        ${config.temporal.address}  (state: ${temporal ? path.join(config.home, 'temporal.db') : 'external server'})`);
    console.log(`  Temporal Web UI ${uiUrl}/namespaces/${config.temporal.namespace}/workflows`);
    console.log(
      `  Database        ${config.database.kind === 'pglite' ? `embedded PGlite in ${config.database.dataDir}, served at ${redactPassword(databaseUrl)} (password in ${path.join(config.home, 'dev.json')})` : 'PostgreSQL (DATABASE_URL)'}`,
    );
    console.log(`  Artifacts       ${app.store.location}`);
    console.log(`  Worker          task queue "${config.temporal.taskQueue}", metrics ${worker.metricsUrl}`);
    console.log(`  Serving         ${serveUrl}/v1/models/<name>:predict  (metrics ${serveUrl}/metrics)`);
    if (pySettings) console.log(`  Python worker   task queue "${pySettings.taskQueue}", steps ${pySettings.stepModules.join(', ')} (log ${path.join(config.home, 'logs', 'python-worker.log')})`);
    console.log('Press Ctrl-C to stop.\n');

    const done = new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });

    if (o.run) {
      const { runAndFollow } = await import('../src/cli/run');
      const ok = await Promise.race([runAndFollow({ file: o.run, client, store: app.store, config, follow: true }), ...(temporal ? [temporal.failed] : [])]);
      if (o.exitAfterRun) {
        await stopAll();
        process.exit(ok ? 0 : 1);
      }
    }
    await Promise.race([done, worker.running, ...(temporal ? [temporal.failed] : []), ...(python ? [python.failed] : [])]);
    console.log('\nstopping…');
  } finally {
    await stopAll();
  }
}

/**
 * A `bosun dev` killed without cleaning up (kill -9, a crash) leaves dev.json behind, and possibly its
 * Temporal server if the parent-death signal could not be set. Refuse to start next to a live `bosun dev`;
 * stop a leftover child, but only after checking that the pid still runs our program on our files.
 */
async function cleanUpAfterEarlierDev(home: string): Promise<void> {
  const earlier = readDevStateFile(home);
  if (!earlier || earlier.pid === process.pid) return;
  if (processAlive(earlier.pid) && isBosunDev(earlier.pid)) {
    throw new ConfigError(
      `bosun dev is already running with BOSUN_HOME=${home} (pid ${earlier.pid}): stop it (Ctrl-C in its terminal, or kill ${earlier.pid}) or use another BOSUN_HOME`,
    );
  }
  for (const [name, child] of Object.entries(earlier.children ?? {})) {
    if (child && isOurChild(child)) {
      console.log(`Stopping the ${name} server (pid ${child.pid}) left running by an earlier bosun dev (pid ${earlier.pid}) that did not stop cleanly`);
      await stopPid(child.pid);
    }
  }
  clearDevState(home);
}

function isOurChild(c: DevChild): boolean {
  const argv = processArgv(c.pid);
  if (!argv || argv[0] !== c.binary) return false;
  return argv.some((_, i) => c.marker.every((m, j) => argv[i + j] === m));
}

function isBosunDev(pid: number): boolean {
  const argv = processArgv(pid);
  return !!argv && argv.some((a) => /bosun/.test(a)) && argv.includes('dev');
}

function redactPassword(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}
