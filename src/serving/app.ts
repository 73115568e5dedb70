/**
 * The real-time serving HTTP app (TF-Serving / KServe v1 REST shape):
 *
 *   POST /v1/models/<name>:predict   {"instances": [{...}, ...]}  →  {"predictions": [...], "model_version": "<n>"}
 *   GET  /v1/models/<name>           version, status, input schema, task and classes
 *   GET  /v1/models                  the served models
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
 * Which version answers comes from the model cache (modelCache.ts), which follows the registry without restarts.
 * With a canary under verification, the challenger answers its share of request ids (routing.ts); with a shadow, the
 * challenger scores the same instances after the response has gone, and only the prediction log sees its answers.
 * Requests arriving together share one transform and predict call (microBatch.ts); every scored instance is queued
 * for the prediction_log table (predictionLog.ts) without the response waiting for the database.
 */
import { registerFeedback } from './feedback';
import { randomUUID, timingSafeEqual } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import Fastify, { LogController, type FastifyInstance, type FastifyReply, type FastifyRequest, type onRequestHookHandler } from 'fastify';
import type { Config } from '../config';
import { pingDb, type Db } from '../db/client';
import { nearestName } from '../features/nearest';
import type { ArtifactStore } from '../storage';
import { describeError, internalErrorBody, MalformedJsonError, publicMessage, type Limits } from './errors';
import { METRIC_NAMES, ServingMetrics, UNKNOWN_MODEL } from './metrics';
import { ModelCache, type ModelSlot } from './modelCache';
import { dbPredictionWriter, logBatchSizeFor, PredictionLog, type PredictionWriter } from './predictionLog';
import type { ScoreCallback } from './microBatch';
import { routesToChallenger } from './routing';
import { isInputError, type ServedVersion } from './servedVersion';

export const DEFAULT_BODY_LIMIT = 1024 * 1024;
export const DEFAULT_MAX_INSTANCES = 10_000;
/** Longer ids are refused: they end up in the log and in label joins. */
export const MAX_REQUEST_ID_LENGTH = 128;

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

/** What the app holds beyond Fastify, for the entry point and tests. */
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
  interface FastifyRequest {
    /** The served model the request is for ('' until known), and the version that answered: metric labels. */
    servedModel: string;
    servedVersion: string;
  }
}

interface PredictBody {
  instances: unknown[];
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

  const log = new PredictionLog({
    write: o.logWriter ?? dbPredictionWriter(o.db),
    capacity: o.logCapacity,
    flushMs: o.logFlushMs,
    batchSize: o.logBatchSize ?? logBatchSizeFor(o.config.database.kind),
    onDropped: (n) => metrics.logDropped.inc(n),
    onWritten: (n) => metrics.logWritten.inc(n),
    onWriteError: (err, first) => {
      metrics.logWriteErrors.inc();
      // Once per outage (the flush retries every logFlushMs); onRecovered says when it ends and what it cost.
      if (first) app.log.warn({ err }, `prediction log: writing a batch failed (${publicMessage(err)}); serving goes on, records wait in memory (at most ${log.capacity}, beyond that the oldest are dropped and counted in ${METRIC_NAMES.logDropped})`);
    },
    onRecovered: (failedWrites, droppedMeanwhile) => {
      app.log.warn(`prediction log: writing again after ${failedWrites} failed attempts; ${droppedMeanwhile} records were dropped meanwhile`);
    },
  });
  const metrics = new ServingMetrics({ logQueueDepth: () => log.depth, processMetrics: o.processMetrics });
  const cache = new ModelCache({
    db: o.db,
    store: o.store,
    pollMs: o.pollMs,
    onLoad(model, version, outcome, detail) {
      metrics.modelLoads.inc({ model, outcome });
      if (outcome === 'ok') app.log.info(`loaded model "${model}" v${version}`);
      else app.log.error(`cannot load model "${model}" v${version}: ${detail}; the previous version keeps answering, retrying with backoff`);
    },
    onSwap(model, from, to) {
      metrics.modelSwaps.inc({ model });
      metrics.activeVersion.set({ model, role: 'production' }, to);
      app.log.info(from === null ? `serving model "${model}" v${to}` : `model "${model}": v${from} → v${to}`);
    },
    onChallenger(model, challenger) {
      metrics.activeVersion.remove({ model, role: 'canary' });
      metrics.activeVersion.remove({ model, role: 'shadow' });
      if (challenger) metrics.activeVersion.set({ model, role: challenger.strategy }, challenger.version.version);
    },
    onPollError(err, repeated) {
      // Once per outage: a database that is down for a minute should not write sixty identical lines.
      if (!repeated) app.log.error(`reading the model registry failed (${err.message}); serving the models already loaded, retrying`);
    },
  });
  app.decorate('serving', { cache, log, metrics, limits } satisfies ServingState);
  app.decorateRequest('servedModel', '');
  app.decorateRequest('servedVersion', '');

  // Bodies are parsed as JSON whatever their content type (curl -d sends form encoding), with a message that says
  // where the JSON broke. Plain JSON.parse is safe here: instances are only read field by field, never merged into
  // other objects, and a "__proto__" key is just an unexpected field.
  app.removeAllContentTypeParsers();
  const parseJson = (_req: FastifyRequest, body: string, done: (err: Error | null, value?: unknown) => void) => {
    if (body.length === 0) return done(new MalformedJsonError('the body is empty'));
    try {
      done(null, JSON.parse(body));
    } catch (err) {
      done(new MalformedJsonError((err as Error).message));
    }
  };
  app.addContentTypeParser('application/json', { parseAs: 'string' }, parseJson);
  app.addContentTypeParser('*', { parseAs: 'string' }, parseJson);

  // Every error a route throws or sends ends here: 4xx worded for the client, anything else a 500 that says
  // `internal error` with the request id, the real error logged under that id (req.log binds it as reqId).
  app.setErrorHandler((err, req, reply) => {
    const { status, body } = describeError(err instanceof Error ? err : new Error(String(err)), limits, shownId(req.id), req.headers['content-length']);
    if (status >= 500) req.log.error({ err }, `${req.method} ${req.url.split('?')[0]} failed (request id ${req.id})`);
    reply.code(status).send(body);
  });
  app.setNotFoundHandler((req, reply) => {
    reply.code(404).send({ error: `no route ${req.method} ${req.url.split('?')[0]}; predictions go to POST /v1/models/<name>:predict` });
  });

  /** Shadow scorings queued and not finished: close() waits for them so their log records are flushed too. */
  let shadowsPending = 0;

  const auth = bearerAuth(o.config.serve.token);
  const protectedHooks: onRequestHookHandler[] = auth ? [auth] : [];

  app.get('/healthz', (_req, reply) => {
    reply.send({ status: 'ok' });
  });

  app.get('/readyz', async (_req, reply) => {
    const problems: string[] = [];
    try {
      await withTimeout(pingDb(o.db), 2000, 'no answer within 2 s');
    } catch (err) {
      problems.push(`database: ${publicMessage(err)}`);
    }
    if (!cache.initialized) problems.push(`model registry: not read yet${cache.lastPollError ? ` (${publicMessage(cache.lastPollError)})` : ''}`);
    for (const [name, why] of cache.problems()) problems.push(`model "${name}": ${why}`);
    if (problems.length > 0) return reply.code(503).send({ ready: false, error: problems.join('; '), problems });
    const models = Object.fromEntries(cache.served().map((name) => [name, cache.get(name)!.production.versionLabel]));
    return reply.send({ ready: true, models });
  });

  app.get('/metrics', async (_req, reply) => {
    reply.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });

  app.get('/v1/models', { onRequest: protectedHooks }, (_req, reply) => {
    reply.send({ models: cache.served().map((name) => ({ name, model_version: cache.get(name)!.production.versionLabel })) });
  });

  app.get<{ Params: { name: string } }>('/v1/models/:name', { onRequest: protectedHooks }, (req, reply) => {
    const slot = cache.get(req.params.name);
    if (!slot) return notServed(reply, req.params.name);
    const c = slot.challenger;
    reply.send({
      name: slot.name,
      status: 'AVAILABLE',
      ready: true,
      ...slot.production.describe(),
      challenger: c ? { model_version: c.version.versionLabel, strategy: c.strategy, traffic_percent: c.strategy === 'canary' ? c.trafficPercent : 0 } : null,
    });
  });

  registerFeedback(app, { db: o.db, slot: (name) => cache.get(name), pending: log, onRequest: protectedHooks });

  // The model name is a regex parameter: with `:name::predict` (the documented escaped colon) find-my-way reads the
  // parameter's name as "name::predict" once GET /v1/models/:name shares the prefix.
  app.post<{ Params: { name: string }; Body: PredictBody }>(
    '/v1/models/:name([^/:]+)::predict',
    {
      schema: {
        body: {
          type: 'object',
          required: ['instances'],
          additionalProperties: false,
          properties: { instances: { type: 'array', minItems: 1, maxItems: limits.maxInstances, items: { type: 'object' } } },
        },
      },
      onRequest: [
        ...protectedHooks,
        (req: FastifyRequest<{ Params: { name: string } }>, _reply: FastifyReply, done: () => void) => {
          // Label metrics with the model only when it is served: a name made up by a client is not a label value.
          if (cache.get(req.params.name) !== undefined) req.servedModel = req.params.name;
          done();
        },
      ],
      onResponse: (req, reply, done) => {
        const model = req.servedModel || UNKNOWN_MODEL;
        metrics.requests.inc({ model, version: req.servedVersion, code: reply.statusCode });
        if (req.servedModel) metrics.latency.observe({ model, version: req.servedVersion }, reply.elapsedTime / 1000);
        done();
      },
    },
    (req, reply) => predict(req, reply),
  );

  function predict(req: FastifyRequest<{ Params: { name: string }; Body: PredictBody }>, reply: FastifyReply): void {
    const name = req.params.name;
    const slot = cache.get(name);
    if (slot === undefined) return notServed(reply, name);
    const rid = req.id;
    if (rid.length > MAX_REQUEST_ID_LENGTH) {
      reply.code(400).send({ error: `x-request-id: ${rid.length} characters, at most ${MAX_REQUEST_ID_LENGTH} allowed` });
      return;
    }
    reply.header('x-request-id', rid);
    const instances = req.body.instances;
    const c = slot.challenger;
    const t0 = performance.now();
    if (c === null || c.strategy !== 'canary' || !routesToChallenger(rid, c.trafficPercent, c.deploymentId)) {
      score(slot.production, instances, (err, scores) => settle(req, reply, slot, slot.production, rid, instances, t0, err, scores));
      return;
    }
    score(c.version, instances, (canaryErr, canaryScores) => {
      if (canaryErr === null) return settle(req, reply, slot, c.version, rid, instances, t0, null, canaryScores);
      // The canary could not answer; production does, and the canary's failure is logged for its verification.
      // Bad input that production refuses as well is the caller's, not the canary's, and is not held against it.
      score(slot.production, instances, (err, scores) => {
        if (err === null || !isInputError(canaryErr)) logFailure(c.version, 'canary', rid, instances, canaryErr, performance.now() - t0, false);
        settle(req, reply, slot, slot.production, rid, instances, t0, err, scores);
      });
    });
  }

  /** Scores through the version's micro-batcher; NaN or Infinity among a request's scores is its error, never an answer. */
  function score(v: ServedVersion, instances: unknown[], done: ScoreCallback): void {
    v.batcher.submit(instances, (err, scores) => {
      if (err !== null || scores === null) return done(err, scores);
      const nonFinite = v.nonFiniteOutput(instances, scores);
      if (nonFinite) return done(nonFinite, null);
      done(null, scores);
    });
  }

  /** Sends the answer (or the error) of `target` for a request, and logs it; then starts the shadow, if any. */
  function settle(
    req: FastifyRequest,
    reply: FastifyReply,
    slot: ModelSlot,
    target: ServedVersion,
    rid: string,
    instances: unknown[],
    t0: number,
    err: Error | null,
    scores: Float64Array | null,
  ): void {
    const latencyMs = performance.now() - t0;
    req.servedVersion = target.versionLabel;
    if (err !== null || scores === null) {
      const e = err ?? new Error('no scores');
      if (isInputError(e)) {
        reply.send(e); // worded by the error handler
        return;
      }
      logFailure(target, target === slot.production ? 'production' : 'canary', rid, instances, e, latencyMs, false);
      req.log.error({ err: e }, `scoring failed for model "${target.modelName}" v${target.version} (request id ${rid})`);
      reply.code(500).send(internalErrorBody(shownId(rid)));
      return;
    }
    const n = instances.length;
    reply.type('application/json; charset=utf-8').send(`{"predictions":${target.renderPredictions(scores, n)},"model_version":"${target.versionLabel}"}`);
    metrics.predictions.inc({ model: target.modelName, version: target.versionLabel, role: target === slot.production ? 'production' : 'canary' }, n);
    logScored(target, rid, instances, scores, latencyMs, false);
    const c = slot.challenger;
    if (c !== null && c.strategy === 'shadow') {
      // In a later turn of the event loop, after the response has gone: the caller never waits for the shadow, and
      // its failure is only logged.
      shadowsPending++;
      setImmediate(() => {
        const s0 = performance.now();
        score(c.version, instances, (shadowErr, shadowScores) => {
          shadowsPending--;
          const ms = performance.now() - s0;
          if (shadowErr !== null || shadowScores === null) return logFailure(c.version, 'shadow', rid, instances, shadowErr ?? new Error('no scores'), ms, true);
          metrics.predictions.inc({ model: c.version.modelName, version: c.version.versionLabel, role: 'shadow' }, n);
          logScored(c.version, rid, instances, shadowScores, ms, true);
        });
      });
    }
  }

  function logScored(v: ServedVersion, rid: string, instances: unknown[], scores: Float64Array, latencyMs: number, shadow: boolean): void {
    const at = Date.now();
    const n = instances.length;
    for (let i = 0; i < n; i++) {
      log.push({
        modelName: v.modelName,
        modelVersion: v.version,
        requestId: n === 1 ? rid : `${rid}/${i}`,
        features: JSON.stringify(instances[i]),
        output: null,
        scores,
        row: i,
        render: v.renderPrediction,
        error: null,
        shadow,
        latencyMs,
        at,
      });
    }
  }

  function logFailure(v: ServedVersion, role: string, rid: string, instances: unknown[], err: Error, latencyMs: number, shadow: boolean): void {
    const at = Date.now();
    const n = instances.length;
    metrics.predictionErrors.inc({ model: v.modelName, version: v.versionLabel, role }, n);
    const error = err.message.slice(0, 2000);
    for (let i = 0; i < n; i++) {
      log.push({ modelName: v.modelName, modelVersion: v.version, requestId: n === 1 ? rid : `${rid}/${i}`, features: JSON.stringify(instances[i]), output: null, scores: null, row: i, render: null, error, shadow, latencyMs, at });
    }
  }

  function notServed(reply: FastifyReply, name: string): void {
    const problem = cache.problems().get(name);
    if (problem) {
      reply.code(503).send({ error: `model "${name}" is served but not loaded here: ${problem}; retrying` });
      return;
    }
    if (!cache.initialized) {
      reply.code(503).send({ error: `model "${name}": this server has not read the model registry yet; retry shortly` });
      return;
    }
    const served = cache.served();
    const near = nearestName(name, served);
    const list = served.length ? `served models: ${served.join(', ')}` : 'no model has a production version yet; promote one first';
    reply.code(404).send({ error: `model "${name}" is not served here${near ? `; did you mean "${near}"?` : ''} (${list})` });
  }

  app.addHook('onReady', async () => {
    try {
      await cache.start();
    } catch {
      // Reported by onPollError; /readyz says not ready and the poller keeps trying.
    }
    log.start();
  });
  app.addHook('onClose', async () => {
    cache.stop();
    // Shadow scoring runs in later turns of the event loop (its own, then its micro-batch's); let it finish.
    for (let turns = 0; shadowsPending > 0 && turns < 100; turns++) await new Promise((resolve) => setImmediate(resolve));
    await log.close();
  });
  return app;
}

/** Checks `Authorization: Bearer <token>` in constant time; null when no token is configured. */
function bearerAuth(token: string | undefined): onRequestHookHandler | null {
  if (!token) return null;
  const expected = Buffer.from(`Bearer ${token}`);
  return (req, reply, done) => {
    const given = req.headers.authorization;
    if (given === undefined) {
      reply.code(401).header('www-authenticate', 'Bearer').send({ error: 'authorization: missing; send "Authorization: Bearer <token>" (the server\'s BOSUN_SERVE_TOKEN)' });
      return;
    }
    const buf = Buffer.from(given);
    if (buf.length !== expected.length || !timingSafeEqual(buf, expected)) {
      reply.code(401).header('www-authenticate', 'Bearer error="invalid_token"').send({ error: 'authorization: the bearer token is not the one this server accepts' });
      return;
    }
    done();
  };
}

/** A request id as echoed in an error body: a client's x-request-id can be long, the body stays bounded. */
function shownId(id: string): string {
  return id.length > MAX_REQUEST_ID_LENGTH ? `${id.slice(0, MAX_REQUEST_ID_LENGTH)}...` : id;
}

function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(message)), ms)))]).finally(() => clearTimeout(timer));
}

