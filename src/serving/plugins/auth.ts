/**
 * Bearer-token authentication: with a token configured (BOSUN_SERVE_TOKEN), every route of the context this plugin is
 * registered in needs `Authorization: Bearer <token>`; without one it adds nothing.
 *
 * Wrapped with fastify-plugin so the hook lands in the registering context (buildServingApp's model API scope) and
 * covers every route registered there, before the routes' own onRequest hooks run; routes outside it (probes,
 * metrics) stay open for probes and scrapers.
 */
import { timingSafeEqual } from 'node:crypto';
import type { onRequestHookHandler } from 'fastify';
import fp from 'fastify-plugin';

export const AUTH_PLUGIN = 'bosun-serving-auth';

export interface AuthOptions {
  /** The accepted bearer token; empty or undefined for no authentication. */
  token: string | undefined;
}

export const authPlugin = fp<AuthOptions>(
  async (fastify, opts) => {
    const hook = bearerAuth(opts.token);
    if (hook) fastify.addHook('onRequest', hook);
  },
  { name: AUTH_PLUGIN, fastify: '5.x' },
);

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
