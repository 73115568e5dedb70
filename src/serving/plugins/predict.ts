/**
 * POST /v1/models/<name>:predict  {"instances": [{...}, ...]}  →  {"predictions": [...], "model_version": "<n>"}
 *
 * The hot path. Which version answers is the cache's slot for the model: production, or with a canary under
 * verification the challenger for its share of request ids (routing.ts), production standing in when the canary
 * fails. With a shadow, the challenger scores the same instances after the response has gone, and only the
 * prediction log sees its answers. Scoring goes through each version's micro-batcher; every scored (or failed)
 * instance is queued for the prediction log without the response waiting for the database. NaN or Infinity among a
 * request's scores is a 422 naming the instance, never an answer.
 */
import { performance } from 'node:perf_hooks';
import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { internalErrorBody, MAX_REQUEST_ID_LENGTH, notServedAnswer, shownId } from '../errors';
import { UNKNOWN_MODEL } from '../metrics';
import type { ScoreCallback } from '../microBatch';
import type { ModelSlot } from '../modelCache';
import { instanceTexts } from '../instanceText';
import { routesToChallenger } from '../routing';
import { isInputError, type ServedVersion } from '../servedVersion';
import { SERVING_STATE } from '../state';

declare module 'fastify' {
  interface FastifyRequest {
    /** The served model the request is for ('' until known), and the version that answered: metric labels. */
    servedModel: string;
    servedVersion: string;
  }
}

interface PredictRoute {
  Params: { name: string };
  Body: { instances: unknown[] };
}

export const predictPlugin = fp(
  async (fastify) => {
    const { cache, log, metrics, limits } = fastify.serving;
    fastify.decorateRequest('servedModel', '');
    fastify.decorateRequest('servedVersion', '');

    /** Shadow scorings queued and not finished: close waits for them so their log records are flushed too. */
    let shadowsPending = 0;
    fastify.addHook('onClose', async () => {
      // Shadow scoring runs in later turns of the event loop (its own, then its micro-batch's); let it finish. This
      // context closes before the root, whose onClose (lifecycle.ts) then flushes the log.
      for (let turns = 0; shadowsPending > 0 && turns < 100; turns++) await new Promise((resolve) => setImmediate(resolve));
    });

    // The model name is a regex parameter: with `:name::predict` (the documented escaped colon) find-my-way reads the
    // parameter's name as "name::predict" once GET /v1/models/:name shares the prefix.
    fastify.post<PredictRoute>(
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
        onRequest: (req: FastifyRequest<{ Params: { name: string } }>, _reply: FastifyReply, done: () => void) => {
          // Label metrics with the model only when it is served: a name made up by a client is not a label value.
          if (cache.get(req.params.name) !== undefined) req.servedModel = req.params.name;
          done();
        },
        onResponse: (req, reply, done) => {
          const model = req.servedModel || UNKNOWN_MODEL;
          metrics.requests.inc({ model, version: req.servedVersion, code: reply.statusCode });
          if (req.servedModel) metrics.latency.observe({ model, version: req.servedVersion }, reply.elapsedTime / 1000);
          done();
        },
      },
      (req, reply) => predict(req, reply),
    );

    function predict(req: FastifyRequest<PredictRoute>, reply: FastifyReply): void {
      const name = req.params.name;
      const slot = cache.get(name);
      if (slot === undefined) {
        const { status, body } = notServedAnswer(cache, name);
        reply.code(status).send(body);
        return;
      }
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
          if (err === null || !isInputError(canaryErr)) logFailure(c.version, 'canary', rid, instances, featureTexts(req, instances), canaryErr, performance.now() - t0, false);
          settle(req, reply, slot, slot.production, rid, instances, t0, err, scores);
        });
      });
    }

    /**
     * Each instance's JSON text for the log: cut out of the body as received while `instances` is still the array
     * parsed from it, else (a plugin replaced them, or the body's text cannot be cut safely) serialised from what was
     * scored. Made once per request, shared by its production, canary and shadow records.
     */
    function featureTexts(req: FastifyRequest, instances: unknown[]): string[] {
      if (req.bodyInstances === instances) {
        // The route's body schema allows no key but `instances`.
        const texts = instanceTexts(req.bodyText, { count: instances.length, onlyKey: true });
        if (texts !== null && texts.length === instances.length) return texts;
      }
      return instances.map((inst) => JSON.stringify(inst));
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
        logFailure(target, target === slot.production ? 'production' : 'canary', rid, instances, featureTexts(req, instances), e, latencyMs, false);
        req.log.error({ err: e }, `scoring failed for model "${target.modelName}" v${target.version} (request id ${rid})`);
        reply.code(500).send(internalErrorBody(shownId(rid)));
        return;
      }
      const n = instances.length;
      reply.type('application/json; charset=utf-8').send(`{"predictions":${target.renderPredictions(scores, n)},"model_version":"${target.versionLabel}"}`);
      metrics.predictions.inc({ model: target.modelName, version: target.versionLabel, role: target === slot.production ? 'production' : 'canary' }, n);
      const features = featureTexts(req, instances);
      logScored(target, rid, instances, features, scores, latencyMs, false);
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
            if (shadowErr !== null || shadowScores === null) return logFailure(c.version, 'shadow', rid, instances, features, shadowErr ?? new Error('no scores'), ms, true);
            metrics.predictions.inc({ model: c.version.modelName, version: c.version.versionLabel, role: 'shadow' }, n);
            logScored(c.version, rid, instances, features, shadowScores, ms, true);
          });
        });
      }
    }

    function logScored(v: ServedVersion, rid: string, instances: unknown[], features: string[], scores: Float64Array, latencyMs: number, shadow: boolean): void {
      const at = Date.now();
      const n = instances.length;
      for (let i = 0; i < n; i++) {
        log.push({
          modelName: v.modelName,
          modelVersion: v.version,
          requestId: n === 1 ? rid : `${rid}/${i}`,
          features: features[i],
          output: null,
          scores,
          row: i,
          render: v.renderPrediction,
          renderJson: v.renderPredictionJson,
          error: null,
          shadow,
          latencyMs,
          at,
        });
      }
    }

    function logFailure(v: ServedVersion, role: string, rid: string, instances: unknown[], features: string[], err: Error, latencyMs: number, shadow: boolean): void {
      const at = Date.now();
      const n = instances.length;
      metrics.predictionErrors.inc({ model: v.modelName, version: v.versionLabel, role }, n);
      const error = err.message.slice(0, 2000);
      for (let i = 0; i < n; i++) {
        log.push({ modelName: v.modelName, modelVersion: v.version, requestId: n === 1 ? rid : `${rid}/${i}`, features: features[i], output: null, scores: null, row: i, render: null, error, shadow, latencyMs, at });
      }
    }
  },
  { name: 'bosun-serving-predict', fastify: '5.x', decorators: { fastify: [SERVING_STATE] }, encapsulate: true },
);
