/**
 * A running pipeline worker with its Prometheus endpoint: what `bosun worker` and `bosun dev` both start.
 */
import type { Client } from '@temporalio/client';
import { createActivities } from '../activities';
import type { AppDeps } from '../src/app';
import type { Config } from '../src/config';
import { serveMetrics } from '../src/metrics/metricsServer';
import { countPendingApprovals, createPipelineMetrics } from '../src/metrics/pipelineMetrics';
import { reconcileRuns } from '../src/pipeline/reconcile';
import { createPipelineWorker } from './createWorker';

/** How often the worker brings the `runs` table in line with Temporal (terminated or timed-out runs). */
const RECONCILE_EVERY_MS = 60_000;

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
  const reconcile = () =>
    reconcileRuns(app.db, client)
      .then((changed) => changed.forEach((c) => console.log(`bosun worker: run ${c.runId} ended in Temporal as ${c.to}${c.error ? ` (${c.error})` : ''}; runs table updated`)))
      .catch((err: Error) => console.warn(`bosun worker: could not reconcile runs with Temporal: ${err.message}`));
  const reconciler = setInterval(reconcile, RECONCILE_EVERY_MS);
  reconciler.unref();
  void reconcile();
  const running = worker.run().finally(() => {
    clearInterval(reconciler);
    return Promise.all([connection.close(), metricsServer.close()]);
  });
  return {
    metricsUrl: metricsServer.url,
    running: running.then(() => {}),
    async stop() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
    },
  };
}
