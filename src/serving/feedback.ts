/**
 * POST /v1/models/<name>/feedback: ground truth for earlier predictions, joined to them by request id
 * (the `x-request-id` a client sent, or the one serving returned). Drift checks use it to measure live
 * performance against the evaluation baseline.
 *
 *   {"labels": [{"request_id": "r-1", "label": "malignant"}, …]}   or   {"request_id": "r-1", "label": 3.5}
 */
import type { FastifyInstance, onRequestHookHandler } from 'fastify';
import type { Db } from '../db/client';
import { recordLabels, type LabelRecord } from '../monitor/labels';

const MAX_LABELS = 10_000;

const labelSchema = {
  type: 'object',
  required: ['request_id', 'label'],
  additionalProperties: false,
  properties: {
    request_id: { type: 'string', minLength: 1, maxLength: 128 },
    label: { anyOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }] },
  },
} as const;

export function registerFeedback(app: FastifyInstance, o: { db: Db; isServed: (name: string) => boolean; onRequest: onRequestHookHandler[] }): void {
  app.post<{ Params: { name: string }; Body: { labels?: Array<{ request_id: string; label: unknown }>; request_id?: string; label?: unknown } }>(
    '/v1/models/:name/feedback',
    {
      onRequest: o.onRequest,
      schema: {
        body: {
          oneOf: [
            { type: 'object', required: ['labels'], additionalProperties: false, properties: { labels: { type: 'array', minItems: 1, maxItems: MAX_LABELS, items: labelSchema } } },
            labelSchema,
          ],
        },
      },
    },
    async (req, reply) => {
      const { name } = req.params;
      if (!o.isServed(name)) return reply.code(404).send({ error: `model "${name}" is not served here; feedback goes to a model with a production version` });
      const body = req.body;
      const items = body.labels ?? [{ request_id: body.request_id!, label: body.label }];
      const records: LabelRecord[] = items.map((l) => ({ requestId: l.request_id, label: l.label }));
      const recorded = await recordLabels(o.db, name, records);
      return reply.send({ recorded });
    },
  );
}
