/**
 * What is served:
 *
 *   GET /v1/models          the served models and their production versions
 *   GET /v1/models/<name>   version, status, input schema, task and classes, and the challenger if any
 */
import fp from 'fastify-plugin';
import { notServedAnswer } from '../errors';
import { SERVING_STATE } from '../state';

export const modelsPlugin = fp(
  async (fastify) => {
    const { cache } = fastify.serving;

    fastify.get('/v1/models', (_req, reply) => {
      reply.send({ models: cache.served().map((name) => ({ name, model_version: cache.get(name)!.production.versionLabel })) });
    });

    fastify.get<{ Params: { name: string } }>('/v1/models/:name', (req, reply) => {
      const slot = cache.get(req.params.name);
      if (!slot) {
        const { status, body } = notServedAnswer(cache, req.params.name);
        reply.code(status).send(body);
        return;
      }
      const c = slot.challenger;
      reply.send({
        name: slot.name,
        status: 'AVAILABLE',
        ready: true,
        ...slot.production.describe(),
        challenger: c ? { model_version: c.version.versionLabel, strategy: c.strategy, traffic_percent: c.strategy === 'canary' ? c.trafficPercent : 0 } : null,
      });
    });
  },
  { name: 'bosun-serving-models', fastify: '5.x', decorators: { fastify: [SERVING_STATE] }, encapsulate: true },
);
