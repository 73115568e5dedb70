/**
 * The pipeline worker process: runs Bosun's workflows and activities against TEMPORAL_ADDRESS.
 * Start it with `npx bosun worker` (servers, docker-compose) — `bosun dev` runs one in-process.
 */
import { createActivities } from '../activities';
import { openApp } from '../src/app';
import { loadConfig } from '../src/config';
import { connectTemporal } from '../src/temporal/connection';
import { ensureSearchAttributes } from '../src/temporal/searchAttributes';
import { createPipelineWorker } from '../src/worker/createWorker';
import { countPendingApprovals, createPipelineMetrics } from '../src/metrics/pipelineMetrics';
import { serveMetrics } from '../src/metrics/metricsServer';

export async function workerCommand(): Promise<void> {
  const config = loadConfig();
  const { client, connection } = await connectTemporal(config.temporal);
  await ensureSearchAttributes(connection, config.temporal.namespace);
  const app = await openApp(config);
  const metrics = createPipelineMetrics(() => countPendingApprovals(client));
  const metricsServer = await serveMetrics(metrics.registry, config.metricsPort);
  const { worker, connection: workerConnection } = await createPipelineWorker({
    address: config.temporal.address,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    logLevel: config.logLevel,
    activities: createActivities({ config, db: app.db, store: app.store, temporal: client, metrics }),
  });
  console.log(`bosun worker: task queue "${config.temporal.taskQueue}" on ${config.temporal.address}, artifacts ${app.store.location}, metrics ${metricsServer.url}`);
  // Worker.run() shuts down gracefully on SIGINT/SIGTERM (the SDK installs those handlers).
  await worker.run();
  await Promise.all([workerConnection.close(), connection.close(), app.close(), metricsServer.close()]);
}
