/**
 * Probes and metrics, open whatever the authentication (for orchestrators and scrapers):
 *
 *   GET /healthz   the process is alive
 *   GET /readyz    the database answers and every served model is loaded (503 naming each problem otherwise)
 *   GET /metrics   Prometheus text
 */
import fp from 'fastify-plugin';
import { pingDb, type Db } from '../../db/client';
import { publicMessage } from '../errors';
import { SERVING_STATE } from '../state';

export interface ProbesOptions {
  /** The database /readyz pings. */
  db: Db;
}

const DB_PING_TIMEOUT_MS = 2000;

export const probesPlugin = fp<ProbesOptions>(
  async (fastify, opts) => {
    const { cache, metrics } = fastify.serving;

    fastify.get('/healthz', (_req, reply) => {
      reply.send({ status: 'ok' });
    });

    fastify.get('/readyz', async (_req, reply) => {
      const problems: string[] = [];
      try {
        await withTimeout(pingDb(opts.db), DB_PING_TIMEOUT_MS, 'no answer within 2 s');
      } catch (err) {
        problems.push(`database: ${publicMessage(err)}`);
      }
      if (!cache.initialized) problems.push(`model registry: not read yet${cache.lastPollError ? ` (${publicMessage(cache.lastPollError)})` : ''}`);
      for (const [name, why] of cache.problems()) problems.push(`model "${name}": ${why}`);
      if (problems.length > 0) return reply.code(503).send({ ready: false, error: problems.join('; '), problems });
      const models = Object.fromEntries(cache.served().map((name) => [name, cache.get(name)!.production.versionLabel]));
      return reply.send({ ready: true, models });
    });

    fastify.get('/metrics', async (_req, reply) => {
      reply.type(metrics.registry.contentType).send(await metrics.registry.metrics());
    });
  },
  { name: 'bosun-serving-probes', fastify: '5.x', decorators: { fastify: [SERVING_STATE] }, encapsulate: true },
);

function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(message)), ms)))]).finally(() => clearTimeout(timer));
}
