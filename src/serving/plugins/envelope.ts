/**
 * The HTTP envelope every route shares: request bodies parsed as JSON whatever their content type, every error worded
 * as `{"error": "..."}` (errors.ts), and the 404 for paths no route has.
 *
 * Wrapped with fastify-plugin so the parser and the handlers are the root's; registered first, so every plugin
 * registered after it (each an encapsulated context made from the root when it loads) inherits them.
 */
import type { FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { describeError, MalformedJsonError, shownId } from '../errors';
import { SERVING_STATE } from '../state';

export const ENVELOPE_PLUGIN = 'bosun-serving-envelope';

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * The body's JSON text, and its `instances` as parsed: the prediction log cuts each instance's text out of the body
     * (instanceText.ts) instead of serialising it again, as long as `body.instances` is still this array (a plugin
     * that replaces the instances, such as the feature lookup, makes the log serialise what was actually scored).
     */
    bodyText: string;
    bodyInstances: unknown;
  }
}

export const envelopePlugin = fp(
  async (fastify) => {
    const { limits } = fastify.serving;

    // curl -d sends form encoding, so any content type is read as JSON, with a message that says where the JSON broke.
    // Plain JSON.parse is safe here: instances are only read field by field, never merged into other objects, and a
    // "__proto__" key is just an unexpected field.
    fastify.removeAllContentTypeParsers();
    fastify.decorateRequest('bodyText', '');
    fastify.decorateRequest('bodyInstances', null);
    const parseJson = (req: FastifyRequest, body: string, done: (err: Error | null, value?: unknown) => void) => {
      if (body.length === 0) return done(new MalformedJsonError('the body is empty'));
      let value: unknown;
      try {
        value = JSON.parse(body);
      } catch (err) {
        return done(new MalformedJsonError((err as Error).message));
      }
      req.bodyText = body;
      req.bodyInstances = (value as { instances?: unknown } | null)?.instances ?? null;
      done(null, value);
    };
    fastify.addContentTypeParser('application/json', { parseAs: 'string' }, parseJson);
    fastify.addContentTypeParser('*', { parseAs: 'string' }, parseJson);

    // Every error a route throws or sends ends here: 4xx worded for the client, anything else a 500 that says
    // `internal error` with the request id, the real error logged under that id (req.log binds it as reqId).
    fastify.setErrorHandler((err, req, reply) => {
      const { status, body } = describeError(err instanceof Error ? err : new Error(String(err)), limits, shownId(req.id), req.headers['content-length']);
      if (status >= 500) req.log.error({ err }, `${req.method} ${req.url.split('?')[0]} failed (request id ${req.id})`);
      reply.code(status).send(body);
    });
    fastify.setNotFoundHandler((req, reply) => {
      reply.code(404).send({ error: `no route ${req.method} ${req.url.split('?')[0]}; predictions go to POST /v1/models/<name>:predict` });
    });
  },
  { name: ENVELOPE_PLUGIN, fastify: '5.x', decorators: { fastify: [SERVING_STATE] } },
);
