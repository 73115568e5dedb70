/**
 * What a serving app holds beyond Fastify: the model cache that follows the registry, the prediction log, the
 * Prometheus metrics and the request limits. buildServingApp makes one and decorates the app with it as `serving`,
 * before any plugin loads, so every plugin reads it as `fastify.serving` and declares that it does.
 *
 * The events of the cache and the log are wired here to the metrics and the app's log lines; starting and stopping
 * them is the lifecycle plugin's job (plugins/lifecycle.ts).
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../config';
import type { Db } from '../db/client';
import type { ArtifactStore } from '../storage';
import { publicMessage, type Limits } from './errors';
import { METRIC_NAMES, ServingMetrics } from './metrics';
import { ModelCache } from './modelCache';
import { DEFAULT_LOG_BYTES, dbPredictionWriter, logBatchSizeFor, PredictionLog, type PredictionWriter } from './predictionLog';

export interface ServingState {
  cache: ModelCache;
  log: PredictionLog;
  metrics: ServingMetrics;
  limits: Limits;
}

declare module 'fastify' {
  interface FastifyInstance {
    serving: ServingState;
  }
}

/** The name plugins list in `decorators: { fastify: [...] }` to say they read the state. */
export const SERVING_STATE = 'serving';

export interface ServingStateOptions {
  db: Db;
  store: ArtifactStore;
  config: Config;
  pollMs?: number;
  logFlushMs?: number;
  logCapacity?: number;
  logWriter?: PredictionWriter;
  logBatchSize?: number;
  processMetrics?: boolean;
}

export function createServingState(o: ServingStateOptions, limits: Limits, logger: FastifyBaseLogger): ServingState {
  const log = new PredictionLog({
    write: o.logWriter ?? dbPredictionWriter(o.db),
    capacity: o.logCapacity,
    // Room for the largest record a request can carry (an instance is at most the body limit), several times over.
    bytes: Math.max(DEFAULT_LOG_BYTES, 4 * limits.bodyLimit),
    flushMs: o.logFlushMs,
    batchSize: o.logBatchSize ?? logBatchSizeFor(o.config.database.kind),
    onDropped: (n) => metrics.logDropped.inc(n),
    onWritten: (n) => metrics.logWritten.inc(n),
    onWriteError: (err, first) => {
      metrics.logWriteErrors.inc();
      // Once per outage (the flush retries every logFlushMs); onRecovered says when it ends and what it cost.
      if (first) logger.warn({ err }, `prediction log: writing a batch failed (${publicMessage(err)}); serving goes on, records wait in memory (at most ${log.capacity}, beyond that the oldest are dropped and counted in ${METRIC_NAMES.logDropped})`);
    },
    onRecovered: (failedWrites, droppedMeanwhile) => {
      logger.warn(`prediction log: writing again after ${failedWrites} failed attempts; ${droppedMeanwhile} records were dropped meanwhile`);
    },
  });
  const metrics = new ServingMetrics({ logQueueDepth: () => log.depth, processMetrics: o.processMetrics });
  const cache = new ModelCache({
    db: o.db,
    store: o.store,
    pollMs: o.pollMs,
    onLoad(model, version, outcome, detail) {
      metrics.modelLoads.inc({ model, outcome });
      if (outcome === 'ok') logger.info(`loaded model "${model}" v${version}`);
      else logger.error(`cannot load model "${model}" v${version}: ${detail}; the previous version keeps answering, retrying with backoff`);
    },
    onSwap(model, from, to) {
      metrics.modelSwaps.inc({ model });
      metrics.activeVersion.set({ model, role: 'production' }, to);
      logger.info(from === null ? `serving model "${model}" v${to}` : `model "${model}": v${from} → v${to}`);
    },
    onChallenger(model, challenger) {
      metrics.activeVersion.remove({ model, role: 'canary' });
      metrics.activeVersion.remove({ model, role: 'shadow' });
      if (challenger) metrics.activeVersion.set({ model, role: challenger.strategy }, challenger.version.version);
    },
    onPollError(err, repeated) {
      // Once per outage: a database that is down for a minute should not write sixty identical lines.
      if (!repeated) logger.error(`reading the model registry failed (${err.message}); serving the models already loaded, retrying`);
    },
  });
  return { cache, log, metrics, limits };
}
