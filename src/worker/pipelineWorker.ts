/**
 * A running pipeline worker with its Prometheus endpoint: what `bosun worker` and `bosun dev` both start.
 */
import type { Client } from '@temporalio/client';
import { createActivities } from '../../activities';
import type { AppDeps } from '../app';
import type { Config } from '../config';
import { serveMetrics } from '../metrics/metricsServer';
import { countPendingApprovals, createPipelineMetrics } from '../metrics/pipelineMetrics';
import { createPipelineWorker } from './createWorker';

export interface RunningWorker {
  metricsUrl: string;
  /** Settles when the worker stops (on stop(), or on SIGINT/SIGTERM, which the SDK handles). */
  running: Promise<void>;
  stop(): Promise<void>;
}

export async function startPipelineWorker(o: { config: Config; app: Pick<AppDeps, 'db' | 'store'>; client: Client; metricsHost?: string }): Promise<RunningWorker> {
  const { config, app, client } = o;
  const metrics = createPipelineMetrics(() => countPendingApprovals(client));
  const metricsServer = await serveMetrics(metrics.registry, config.metricsPort, o.metricsHost);
  const { worker, connection } = await createPipelineWorker({
    address: config.temporal.address,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    logLevel: config.logLevel,
    activities: createActivities({ config, db: app.db, store: app.store, temporal: client, metrics }),
  }).catch(async (err) => {
    await metricsServer.close();
    throw err;
  });
  const running = worker.run().finally(() => Promise.all([connection.close(), metricsServer.close()]));
  return {
    metricsUrl: metricsServer.url,
    running: running.then(() => {}),
    async stop() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
    },
  };
}
