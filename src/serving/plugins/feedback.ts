/**
 * POST /v1/models/<name>/feedback: ground truth for earlier predictions, joined to them by request id. What a body
 * may hold and how it is checked is feedback.ts; this plugin looks the request ids up (the prediction log's queue,
 * then the table) and records the labels, all or nothing.
 */
import fp from 'fastify-plugin';
import type { Db } from '../../db/client';
import { recordLabels } from '../../monitor/labels';
import { ClientError, publicMessage } from '../errors';
import { answeredIds, labelTarget, parseFeedback, show } from '../feedback';
import { SERVING_STATE } from '../state';

export interface FeedbackOptions {
  /** Where the prediction log and the labels are. */
  db: Db;
}

export const feedbackPlugin = fp<FeedbackOptions>(
  async (fastify, opts) => {
    const { cache, log } = fastify.serving;

    fastify.post<{ Params: { name: string }; Body: unknown }>('/v1/models/:name/feedback', async (req, reply) => {
      const { name } = req.params;
      const slot = cache.get(name);
      if (!slot) return reply.code(404).send({ error: `model ${show(name)} is not served here; feedback goes to a model with a production version` });
      const labels = parseFeedback(req.body, labelTarget(slot));
      let known: Set<string>;
      try {
        known = await answeredIds(
          opts.db,
          name,
          labels.map((l) => l.requestId),
          log.queuedRequestIds(name),
        );
      } catch (err) {
        req.log.error({ err }, `feedback for model "${name}": looking up request ids failed (request id ${req.id})`);
        throw new ClientError(503, `the database is unavailable (${publicMessage(err)}); nothing was recorded, send the labels again later (request id ${req.id})`);
      }
      const unknown = labels.filter((l) => !known.has(l.requestId));
      if (unknown.length > 0) {
        const shown = unknown.slice(0, 10).map((l) => `${l.field}.request_id ${show(l.requestId)}`);
        const more = unknown.length > 10 ? ` and ${unknown.length - 10} more` : '';
        throw new ClientError(
          400,
          `${shown.join(', ')}${more}: no prediction of model "${name}" has ${unknown.length === 1 ? 'this request id' : 'these request ids'}; ` +
            'send the x-request-id of a prediction this model answered (instance i of a multi-instance request is "<id>/<i>"); nothing was recorded',
        );
      }
      const recorded = await recordLabels(opts.db, name, labels.map(({ requestId, label }) => ({ requestId, label })));
      return reply.send({ recorded });
    });
  },
  { name: 'bosun-serving-feedback', fastify: '5.x', decorators: { fastify: [SERVING_STATE] }, encapsulate: true },
);
