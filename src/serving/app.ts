/**
 * The real-time serving HTTP app (TF-Serving / KServe v1 REST shape):
 *
 *   POST /v1/models/<name>:predict   {"instances": [{...}, ...]}  →  {"predictions": [...], "model_version": "<n>"}
 *   GET  /v1/models/<name>           version, status, input schema, task and classes
 *   GET  /v1/models                  the served models
 *   POST /v1/models/<name>/feedback  ground truth for earlier predictions
 *   GET  /healthz                    the process is alive
 *   GET  /readyz                     the database answers and every served model is loaded (503 otherwise)
 *   GET  /metrics                    Prometheus
 *
 * Each prediction is classification `{"label": "<class>", "probabilities": {"<class>": p, ...}}` or a regression
 * number (see servedVersion.ts). With BOSUN_SERVE_TOKEN set, the /v1 routes need `Authorization: Bearer <token>`;
 * health, readiness and metrics stay open for probes and scrapers. Every 4xx body is `{"error": "..."}` naming the
 * field at fault; scores that are NaN or Infinity are never an answer but a 422 naming the instance and why. A 500
 * says `internal error` and the request id, never the error's text (the log line under that id has it). The id of a
 * request is its `x-request-id` header, or a generated UUID, echoed in the response.
 *
 * Which version answers comes from the model cache (modelCache.ts), which follows the registry without restarts;
 * requests arriving together share one transform and predict call (microBatch.ts); every scored instance is queued
 * for the prediction_log table (predictionLog.ts) without the response waiting for the database.
 *
 * This file only composes. Each job is a Fastify plugin in plugins/, one file each, reading the shared state
 * (state.ts) as `fastify.serving` and declaring so in its fastify-plugin metadata. To add an endpoint, write a plugin
 * there and register it below: inside `modelApi` when it needs the bearer token like every /v1 route, beside the
 * probes when it must stay open.
 */
import { randomUUID } from 'node:crypto';
import Fastify, { LogController, type FastifyInstance, type FastifyPluginAsync } from 'fastify';
import type { Config } from '../config';
import type { Db } from '../db/client';
import type { ArtifactStore } from '../storage';
import type { Limits } from './errors';
import { authPlugin } from './plugins/auth';
import { envelopePlugin } from './plugins/envelope';
import { feedbackPlugin } from './plugins/feedback';
import { featureLookupPlugin } from './plugins/featureLookup';
import { lifecyclePlugin } from './plugins/lifecycle';
import { modelsPlugin } from './plugins/models';
import { predictPlugin } from './plugins/predict';
import { probesPlugin } from './plugins/probes';
import type { PredictionWriter } from './predictionLog';
import { createServingState } from './state';

export { MAX_REQUEST_ID_LENGTH } from './errors';
export type { ServingState } from './state';

export const DEFAULT_BODY_LIMIT = 1024 * 1024;
export const DEFAULT_MAX_INSTANCES = 10_000;

export interface ServingAppOptions {
  db: Db;
  store: ArtifactStore;
  config: Config;
  /** Registry poll interval. Default 1000 ms. */
  pollMs?: number;
  /** Largest request body in bytes. Default config.serve.maxBodyBytes, else 1 MiB. */
  bodyLimit?: number;
  /** Most instances in one request. Default 10 000. */
  maxInstances?: number;
  /** Prediction-log flush interval (default 200 ms) and queue capacity (default 10 000 records). */
  logFlushMs?: number;
  logCapacity?: number;
  /** Where prediction-log records go. Default: the prediction_log table of `db`. */
  logWriter?: PredictionWriter;
  /** Records per log write. Default: logBatchSizeFor(config.database.kind). */
  logBatchSize?: number;
  /** Fastify's pino logger (default: on, at config.logLevel, without per-request lines); false for none. */
  logger?: boolean;
  /** Where log lines (JSON, one per line) go instead of stdout: tests read them. */
  logStream?: { write(line: string): void };
  /** Node process metrics (CPU, memory, event loop) on /metrics. Default true. */
  processMetrics?: boolean;
}

export function buildServingApp(o: ServingAppOptions): FastifyInstance {
  const limits: Limits = {
    bodyLimit: o.bodyLimit ?? o.config.serve.maxBodyBytes ?? DEFAULT_BODY_LIMIT,
    maxInstances: o.maxInstances ?? DEFAULT_MAX_INSTANCES,
  };
  const app = Fastify({
    logger: o.logger === false ? false : { level: o.config.logLevel, ...(o.logStream ? { stream: o.logStream } : {}) },
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: limits.bodyLimit,
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    // Envelope checks only: refuse what does not fit instead of coercing or silently removing it.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, useDefaults: false, allErrors: false } },
  });
  // Decorated now rather than by a plugin: plugins load at ready(), and callers read app.serving as soon as this returns.
  app.decorate('serving', createServingState(o, limits, app.log));

  // Order matters once: the envelope goes first so every context made after it inherits its parser and error handler.
  app.register(envelopePlugin);
  app.register(lifecyclePlugin);
  app.register(probesPlugin, { db: o.db });
  app.register(modelApi(o.config, o.db, o.store));
  return app;
}

/** The /v1 routes, in one context so the bearer-token hook covers each of them, those added later included. */
function modelApi(config: Config, db: Db, store: ArtifactStore): FastifyPluginAsync {
  return async function modelApi(api) {
    api.register(authPlugin, { token: config.serve.token });
    api.register(modelsPlugin);
    api.register(feedbackPlugin, { db });
    api.register(featureLookupPlugin, { db, store });
    api.register(predictPlugin);
  };
}
