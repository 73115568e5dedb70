/**
 * The pipeline worker process: runs Bosun's workflows and activities against TEMPORAL_ADDRESS.
 * Start it with `npx bosun worker` (servers, docker-compose) — `bosun dev` runs one in-process.
 */
import { openApp } from '../src/app';
import { loadConfig } from '../src/config';
import { connectTemporal } from '../src/temporal/connection';
import { ensureSearchAttributes } from '../src/temporal/searchAttributes';
import { startPipelineWorker, type WorkerQueue } from './pipelineWorker';

export async function workerCommand(o: { queues?: WorkerQueue[] } = {}): Promise<void> {
  const config = loadConfig();
  const { client, connection } = await connectTemporal(config.temporal);
  await ensureSearchAttributes(connection, config.temporal.namespace);
  const app = await openApp(config);
  const worker = await startPipelineWorker({ config, app, client, queues: o.queues });
  const steps = worker.pipelines.length ? `, TypeScript steps of ${worker.pipelines.join(', ')}` : '';
  console.log(`bosun worker: task queue${worker.taskQueues.length > 1 ? 's' : ''} ${worker.taskQueues.map((q) => `"${q}"`).join(' and ')} on ${config.temporal.address}, artifacts ${app.store.location}, metrics ${worker.metricsUrl}${steps}`);
  // The worker shuts down gracefully on SIGINT/SIGTERM (the SDK installs those handlers).
  await worker.running;
  await Promise.all([connection.close(), app.close()]);
}
