/**
 * The pipeline worker process: runs Bosun's workflows and activities against TEMPORAL_ADDRESS.
 * Start it with `npx bosun worker` (servers, docker-compose) — `bosun dev` runs one in-process.
 */
import { openApp } from '../src/app';
import { loadConfig } from '../src/config';
import { connectTemporal } from '../src/temporal/connection';
import { ensureSearchAttributes } from '../src/temporal/searchAttributes';
import { startPipelineWorker } from './pipelineWorker';

export async function workerCommand(): Promise<void> {
  const config = loadConfig();
  const { client, connection } = await connectTemporal(config.temporal);
  await ensureSearchAttributes(connection, config.temporal.namespace);
  const app = await openApp(config);
  const worker = await startPipelineWorker({ config, app, client });
  console.log(`bosun worker: task queue "${config.temporal.taskQueue}" on ${config.temporal.address}, artifacts ${app.store.location}, metrics ${worker.metricsUrl}`);
  // The worker shuts down gracefully on SIGINT/SIGTERM (the SDK installs those handlers).
  await worker.running;
  await Promise.all([connection.close(), app.close()]);
}
