/**
 * The serving plugins on their own, on bare Fastify instances: the bearer-token hook covers exactly the context it is
 * registered in (so a plugin added to buildServingApp's model API scope is protected without doing anything), the
 * route plugins refuse to load without the state they declare, and the not-served answers keep their wording.
 */
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { notServedAnswer } from '../../../src/serving/errors';
import { authPlugin } from '../../../src/serving/plugins/auth';
import { modelsPlugin } from '../../../src/serving/plugins/models';
import { predictPlugin } from '../../../src/serving/plugins/predict';

function appWithAuth(token: string | undefined) {
  const app = Fastify({ logger: false });
  app.get('/open', (_req, reply) => void reply.send({ open: true }));
  app.register(async (api) => {
    api.register(authPlugin, { token });
    // Registered after the auth plugin, as a new plugin in the model API scope would be.
    api.register(async (later) => {
      later.get('/v1/added-later', (_req, reply) => void reply.send({ ok: true }));
    });
  });
  return app;
}

describe('authPlugin', () => {
  it('refuses a missing or wrong token on every route of its context, and leaves the others open', async () => {
    const app = appWithAuth('s3cret');
    const missing = await app.inject({ method: 'GET', url: '/v1/added-later' });
    expect(missing.statusCode).toBe(401);
    expect(missing.headers['www-authenticate']).toBe('Bearer');
    expect(missing.json().error).toMatch(/^authorization: missing; send "Authorization: Bearer <token>"/);

    const wrong = await app.inject({ method: 'GET', url: '/v1/added-later', headers: { authorization: 'Bearer s3creT' } });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.headers['www-authenticate']).toBe('Bearer error="invalid_token"');

    const right = await app.inject({ method: 'GET', url: '/v1/added-later', headers: { authorization: 'Bearer s3cret' } });
    expect(right.statusCode).toBe(200);
    expect(right.json()).toEqual({ ok: true });

    expect((await app.inject({ method: 'GET', url: '/open' })).statusCode).toBe(200);
    await app.close();
  });

  it('adds no check when no token is configured', async () => {
    const app = appWithAuth(undefined);
    expect((await app.inject({ method: 'GET', url: '/v1/added-later' })).statusCode).toBe(200);
    await app.close();
  });
});

describe('route plugins declare the state they read', () => {
  it.each([
    ['predict', predictPlugin],
    ['models', modelsPlugin],
  ])('%s refuses to load on an app without the serving state, naming it', async (name, plugin) => {
    const app = Fastify({ logger: false });
    app.register(plugin);
    await expect(app.ready()).rejects.toThrow(`The decorator 'serving' required by 'bosun-serving-${name}' is not present in Fastify`);
    await app.close().catch(() => {});
  });
});

describe('notServedAnswer', () => {
  const cache = (o: { problems?: [string, string][]; initialized?: boolean; served?: string[] }) => ({
    problems: () => new Map(o.problems ?? []),
    initialized: o.initialized ?? true,
    served: () => o.served ?? [],
  });

  it('is a 503 while the model is failing to load or the registry is unread', () => {
    expect(notServedAnswer(cache({ problems: [['bc', 'artifact missing']] }), 'bc')).toEqual({
      status: 503,
      body: { error: 'model "bc" is served but not loaded here: artifact missing; retrying' },
    });
    const unread = notServedAnswer(cache({ initialized: false }), 'bc');
    expect(unread.status).toBe(503);
    expect(unread.body.error).toContain('has not read the model registry yet');
  });

  it('is a 404 that lists the served models and suggests the nearest name', () => {
    const a = notServedAnswer(cache({ served: ['breast_cancer', 'wine'] }), 'breast_cancr');
    expect(a.status).toBe(404);
    expect(a.body.error).toBe('model "breast_cancr" is not served here; did you mean "breast_cancer"? (served models: breast_cancer, wine)');
    expect(notServedAnswer(cache({}), 'x').body.error).toContain('no model has a production version yet; promote one first');
  });
});
