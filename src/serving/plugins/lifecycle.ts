/**
 * Starts the model cache's registry poller and the prediction-log writer when the app is ready; on close, stops the
 * poller and writes what the log still holds.
 *
 * Wrapped with fastify-plugin so its hooks are the root's: Fastify closes child contexts before their parent, so the
 * log is closed after every plugin's own onClose (predict waits there for its shadow scorings, whose records must be
 * in the log before it is flushed).
 */
import fp from 'fastify-plugin';
import { SERVING_STATE } from '../state';

export const lifecyclePlugin = fp(
  async (fastify) => {
    const { cache, log } = fastify.serving;
    fastify.addHook('onReady', async () => {
      try {
        await cache.start();
      } catch {
        // Reported by onPollError; /readyz says not ready and the poller keeps trying.
      }
      log.start();
    });
    fastify.addHook('onClose', async () => {
      cache.stop();
      await log.close();
    });
  },
  { name: 'bosun-serving-lifecycle', fastify: '5.x', decorators: { fastify: [SERVING_STATE] } },
);
