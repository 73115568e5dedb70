/**
 * Serving by entity key, for models trained on feature views (src/featurestore): before :predict scores,
 * `{"instances": [{"customer_id": 42}]}` becomes the entity's stored features, fetched for every instance and
 * view of the request in ONE query (shared with the requests that arrive in the same event-loop turn), with the request's own fields overriding or adding to them. The entity keys
 * are then left out (the model never saw them), so the micro-batcher, the fitted graph and the prediction log
 * all see exactly the features used. An entity the store does not know answers 422 naming the key, unless the
 * pipeline's `featureViews.onMissing` is `impute`.
 *
 * Models trained on a plain table pass through after one cached lookup of their run's spec per version.
 */
import type { FastifyReply, FastifyRequest, preHandlerHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import type { Db } from '../../db/client';
import { missingMessage, OnlineLookupBatcher, type OnlineView } from '../../featurestore/online';
import { featureViewsOfRun, type ModelFeatureViews } from '../../featurestore/servingViews';
import type { ArtifactStore } from '../../storage';
import type { ServedVersion } from '../servedVersion';
import { SERVING_STATE } from '../state';

export interface FeatureLookupOptions {
  db: Db;
  store: ArtifactStore;
}

export const featureLookupPlugin = fp<FeatureLookupOptions>(
  async (fastify, o) => {
    const { cache } = fastify.serving;
    const lookups = new OnlineLookupBatcher(o.db);
    /** Per model_versions.id: resolved views (null: none), or the pending resolution. */
    const resolved = new Map<number, ModelFeatureViews | null>();
    const pending = new Map<number, Promise<ModelFeatureViews | null>>();

    const viewsOf = (v: ServedVersion): ModelFeatureViews | null | Promise<ModelFeatureViews | null> => {
      if (resolved.has(v.id)) return resolved.get(v.id)!;
      let p = pending.get(v.id);
      if (!p) {
        p = featureViewsOfRun(o.db, o.store, v.row.runId).then(
          (r) => (resolved.set(v.id, r), pending.delete(v.id), r),
          // Not cached: the next request asks again. This one goes on as a plain request, so a model without views
          // keeps answering while the database or store is unwell (one with views then refuses the instance).
          (err: Error) => {
            pending.delete(v.id);
            fastify.log.warn(`model "${v.modelName}" v${v.version}: cannot read its run's spec to find its feature views (${err.message}); retrying on the next request`);
            return null;
          },
        );
        pending.set(v.id, p);
      }
      return p;
    };

    const lookup = (req: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void) => {
      const slot = cache.get((req.params as { name: string }).name);
      if (!slot) return done();
      // The plain path stays synchronous and allocates nothing: no feature views, nothing to wait for.
      const production = viewsOf(slot.production);
      const challenger = slot.challenger ? viewsOf(slot.challenger.version) : null;
      if (production === null && challenger === null) return done();
      Promise.all([production, challenger])
        .then(async (all) => {
          const specs = all.filter((f): f is ModelFeatureViews => f !== null);
          if (specs.length === 0) return done();
          const views = new Map<string, OnlineView>();
          for (const s of specs) for (const v of s.views) views.set(v.version, v);
          const body = req.body as { instances: Record<string, unknown>[] };
          const r = await lookups.lookup([...views.values()], body.instances);
          const impute = specs.every((s) => s.onMissing === 'impute');
          const refused = r.missing.filter((m) => !impute || m.reason === 'no key in the request');
          if (refused.length > 0) {
            const shown = refused.slice(0, 5).map((m) => missingMessage(m, [...views.values()]));
            reply.code(422).send({ error: shown.join('; ') + (refused.length > 5 ? `; and ${refused.length - 5} more` : '') });
            return;
          }
          const keys = new Set(specs.flatMap((s) => s.keyFields));
          body.instances = r.instances.map((inst) => {
            for (const k of keys) delete inst[k];
            return inst;
          });
          done();
        })
        .catch((err: Error) => done(err));
    };

    // A hook of the :predict route alone, attached as the route is declared (the predict plugin is registered after
    // this one, in the same /v1 context): a context-wide preHandler would run on every /v1 request to filter by URL.
    fastify.addHook('onRoute', (route) => {
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      if (!methods.includes('POST') || !route.url.endsWith('::predict')) return;
      const own = route.preHandler === undefined ? [] : Array.isArray(route.preHandler) ? route.preHandler : [route.preHandler];
      route.preHandler = [...own, lookup as preHandlerHookHandler];
    });
  },
  { name: 'bosun-serving-feature-lookup', fastify: '5.x', decorators: { fastify: [SERVING_STATE] } },
);
