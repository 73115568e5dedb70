/**
 * `bosun dev`: the whole local stack in one command — the Temporal dev server (state in
 * BOSUN_HOME/temporal.db, Web UI), the embedded database (served to other Bosun processes on a local port),
 * the artifact store, a pipeline worker and the serving process. Ctrl-C stops everything; the next start resumes where it was.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { openApp } from '../app';
import { ConfigError, loadConfig } from '../config';
import { serveEmbeddedDb } from '../dbServer';
import { clearDevState, writeDevState } from '../devState';
import { findProgram } from '../stack/binaries';
import { portOpen } from '../stack/process';
import { startTemporalServer, type TemporalService } from '../stack/temporalServer';
import { connectTemporal } from '../temporal/connection';
import { ensureSearchAttributes } from '../temporal/searchAttributes';
import { startPipelineWorker } from '../worker/pipelineWorker';
import { buildServingApp } from '../serving/app';

export interface DevOptions {
  /** Submit this pipeline once the stack is up and follow it. */
  run?: string;
  dbPort: number;
  /** Stop after the submitted run finishes (for scripts and CI). */
  exitAfterRun?: boolean;
}

export async function devCommand(o: DevOptions): Promise<void> {
  const config = loadConfig();
  mkdirSync(config.home, { recursive: true });
  const stops: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch((e) => console.error(`while stopping: ${(e as Error).message}`));
  };

  try {
    const [host, portText] = config.temporal.address.split(/:(?=\d+$)/);
    let temporal: TemporalService | null = null;
    if (await portOpen(Number(portText), host === 'localhost' ? '127.0.0.1' : host)) {
      console.log(`Temporal: using the server already listening on ${config.temporal.address}`);
    } else {
      const binary = findProgram('temporal', { explicit: config.temporal.cliPath, cacheDir: config.cacheDir });
      temporal = await startTemporalServer({
        binary,
        ip: '127.0.0.1',
        port: Number(portText),
        uiPort: config.temporal.uiPort,
        dbFile: path.join(config.home, 'temporal.db'),
        namespace: config.temporal.namespace,
        logFile: path.join(config.home, 'logs', 'temporal.log'),
      });
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

    const worker = await startPipelineWorker({ config, app, client, metricsHost: '127.0.0.1' });
    stops.push(worker.stop);

    // Serving in the same process: promotions made by the worker show up here without a restart.
    const serving = buildServingApp({ db: app.db, store: app.store, config, logger: false });
    await serving.listen({ port: config.serve.port, host: '127.0.0.1' }).catch((err: NodeJS.ErrnoException) => {
      throw err.code === 'EADDRINUSE' ? new ConfigError(`BOSUN_SERVE_PORT=${config.serve.port}: the port is in use; choose another`) : err;
    });
    stops.push(() => serving.close());
    const serveUrl = `http://localhost:${config.serve.port}`;

    const uiUrl = `http://localhost:${config.temporal.uiPort}`;
    writeDevState(config.home, { pid: process.pid, databaseUrl, temporalAddress: config.temporal.address, temporalUi: uiUrl, serveUrl });
    stops.push(async () => clearDevState(config.home));

    console.log('');
    console.log('Bosun dev stack is up:');
    console.log(`  Temporal        ${config.temporal.address}  (state: ${temporal ? path.join(config.home, 'temporal.db') : 'external server'})`);
    console.log(`  Temporal Web UI ${uiUrl}/namespaces/${config.temporal.namespace}/workflows`);
    console.log(`  Database        ${config.database.kind === 'pglite' ? `embedded PGlite in ${config.database.dataDir}, served at ${databaseUrl}` : 'PostgreSQL (DATABASE_URL)'}`);
    console.log(`  Artifacts       ${app.store.location}`);
    console.log(`  Worker          task queue "${config.temporal.taskQueue}", metrics ${worker.metricsUrl}`);
    console.log(`  Serving         ${serveUrl}/v1/models/<name>:predict  (metrics ${serveUrl}/metrics)`);
    console.log('Press Ctrl-C to stop.\n');

    const done = new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });

    if (o.run) {
      const { runAndFollow } = await import('./run');
      const ok = await runAndFollow({ file: o.run, client, store: app.store, config, follow: true });
      if (o.exitAfterRun) {
        await stopAll();
        process.exit(ok ? 0 : 1);
      }
    }
    await Promise.race([done, worker.running]);
    console.log('\nstopping…');
  } finally {
    await stopAll();
  }
}
