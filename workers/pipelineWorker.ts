/**
 * A running pipeline worker with its Prometheus endpoint: what `bosun worker` and `bosun dev` both start.
 * One process polls the pipeline task queue (workflows and every activity) and, when BOSUN_TRAINING_TASK_QUEUE
 * names one, the training queue (train and trainTrial only), so `bosun dev` still needs one worker; `queues`
 * picks one of them, so a deployment scales training workers apart (`bosun worker --queues training`).
 */
import type { Client } from '@temporalio/client';
import type { NativeConnection, Worker, WorkflowBundle } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../activities';
import type { AppDeps } from '../src/app';
import type { Config } from '../src/config';
import { serveMetrics } from '../src/metrics/metricsServer';
import { closeFitThreads, prewarmFitThread } from '../src/ml/thread/fitInThread';
import { countPendingApprovals, createPipelineMetrics } from '../src/metrics/pipelineMetrics';
import { reconcileRuns } from '../src/pipeline/reconcile';
import { loadStepRegistry } from '../src/pipeline/userSteps/registry';
import { createPipelineWorker } from './createWorker';

export type WorkerQueue = 'pipeline' | 'training';
export const WORKER_QUEUES: readonly WorkerQueue[] = ['pipeline', 'training'];

/** The activities a training worker runs: the heavy ones the workflow sends to the training queue. */
const TRAINING_ACTIVITIES = ['train', 'trainTrial'] as const;

export interface QueueWorker {
  queue: WorkerQueue;
  taskQueue: string;
  worker: Worker;
  connection: NativeConnection;
  /** It runs the fits (train, trainTrial): the training queue's worker, or the pipeline one without a training queue. */
  fits: boolean;
}

/**
 * The Temporal workers for the queues asked for. Without a separate training queue configured, training is
 * part of the pipeline queue's work and asking for "training" alone is an error worth saying.
 */
export async function createQueueWorkers(o: { config: Config; deps: ActivityDeps; queues?: readonly WorkerQueue[]; bundle?: WorkflowBundle }): Promise<QueueWorker[]> {
  const t = o.config.temporal;
  const trainingQueue = t.trainingTaskQueue && t.trainingTaskQueue !== t.taskQueue ? t.trainingTaskQueue : undefined;
  const queues = o.queues ?? WORKER_QUEUES;
  if (!queues.includes('pipeline') && !trainingQueue) {
    throw new Error('bosun worker --queues training: BOSUN_TRAINING_TASK_QUEUE is not set, so training runs on the pipeline queue; set it (e.g. bosun-training) on every worker, or run --queues pipeline');
  }
  const activities = createActivities(o.deps);
  const base = { address: t.address, namespace: t.namespace, logLevel: o.config.logLevel };
  const out: QueueWorker[] = [];
  try {
    if (queues.includes('pipeline')) {
      out.push({ queue: 'pipeline', taskQueue: t.taskQueue, fits: !trainingQueue, ...(await createPipelineWorker({ ...base, taskQueue: t.taskQueue, activities, bundle: o.bundle })) });
    }
    if (queues.includes('training') && trainingQueue) {
      const only = Object.fromEntries(TRAINING_ACTIVITIES.map((name) => [name, activities[name]]));
      // One fit at a time per worker: a fit already uses BOSUN_TRAIN_THREADS threads; scale out with more workers.
      out.push({ queue: 'training', taskQueue: trainingQueue, fits: true, ...(await createPipelineWorker({ ...base, taskQueue: trainingQueue, activities: only, workflows: false, maxConcurrentActivityTaskExecutions: 2 })) });
    }
  } catch (err) {
    await Promise.all(out.map((w) => w.connection.close()));
    throw err;
  }
  return out;
}

/** How often the worker brings the `runs` table in line with Temporal (terminated or timed-out runs). */
const RECONCILE_EVERY_MS = 60_000;

export interface RunningWorker {
  metricsUrl: string;
  /** Settles when the worker stops (on stop(), or on SIGINT/SIGTERM, which the SDK handles). */
  running: Promise<void>;
  stop(): Promise<void>;
}

export async function startPipelineWorker(o: { config: Config; app: Pick<AppDeps, 'db' | 'store'>; client: Client; metricsHost?: string; queues?: readonly WorkerQueue[] }): Promise<RunningWorker & { taskQueues: string[]; pipelines: string[] }> {
  const { config, app, client } = o;
  // Imported before polling starts: a pipeline file that fails to load stops the worker with its error.
  const userSteps = await loadStepRegistry(config.pipelines);
  const metrics = createPipelineMetrics(() => countPendingApprovals(client));
  const metricsServer = await serveMetrics(metrics.registry, config.metricsPort, o.metricsHost);
  const workers = await createQueueWorkers({ config, queues: o.queues, deps: { config, db: app.db, store: app.store, temporal: client, metrics, userSteps } }).catch(async (err) => {
    await metricsServer.close();
    throw err;
  });
  // A worker that polls the queue fits run on starts the training thread now, so no fit pays its start-up
  // (~0.5-1 s: Bosun's modules, the helper threads, one small warm-up fit); a thread that fails to start is
  // retried, and reported, by the first fit. One thread per process: stopping closes it for every worker here.
  if (workers.some((w) => w.fits)) void prewarmFitThread();
  const reconcile = () =>
    reconcileRuns(app.db, client)
      .then((changed) => changed.forEach((c) => console.log(`bosun worker: run ${c.runId} ended in Temporal as ${c.to}${c.error ? ` (${c.error})` : ''}; runs table updated`)))
      .catch((err: Error) => console.warn(`bosun worker: could not reconcile runs with Temporal: ${err.message}`));
  const reconciler = setInterval(reconcile, RECONCILE_EVERY_MS);
  reconciler.unref();
  void reconcile();
  // One worker stopping (a signal reaches all of them) stops the others, so the process never half-serves.
  const stopAll = () => workers.forEach((w) => w.worker.getState() === 'RUNNING' && w.worker.shutdown());
  const running = Promise.all(workers.map((w) => w.worker.run().finally(stopAll))).finally(() => {
    clearInterval(reconciler);
    return Promise.all([...workers.map((w) => w.connection.close()), metricsServer.close(), closeFitThreads()]);
  });
  return {
    metricsUrl: metricsServer.url,
    taskQueues: workers.map((w) => w.taskQueue),
    pipelines: userSteps.pipelines,
    running: running.then(() => {}),
    async stop() {
      stopAll();
      await running;
    },
  };
}
