/**
 * The serving process's Prometheus metrics, on a registry of its own (not prom-client's global one), so two apps in
 * one process — tests, the benchmark — never collide over metric names.
 *
 * Label values come only from the registry (model names and versions that are served) and from status codes, never
 * from the request path as sent, so a client asking for random model names cannot grow the series without bound.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

export const METRIC_NAMES = {
  requests: 'bosun_serving_requests_total',
  latency: 'bosun_serving_request_duration_seconds',
  predictions: 'bosun_serving_predictions_total',
  predictionErrors: 'bosun_serving_prediction_errors_total',
  modelLoads: 'bosun_serving_model_loads_total',
  modelSwaps: 'bosun_serving_model_swaps_total',
  activeVersion: 'bosun_serving_model_version',
  logQueueDepth: 'bosun_serving_prediction_log_queue_depth',
  logDropped: 'bosun_serving_prediction_log_dropped_total',
  logWritten: 'bosun_serving_prediction_log_written_total',
  logWriteErrors: 'bosun_serving_prediction_log_write_errors_total',
} as const;

/** The model label of requests for a model that is not served (its name is not a bounded label value). */
export const UNKNOWN_MODEL = '(unknown)';

export class ServingMetrics {
  readonly registry = new Registry();
  readonly requests = new Counter({
    name: METRIC_NAMES.requests,
    help: 'Prediction requests answered, by model, version and HTTP status code (version is empty when none was chosen).',
    labelNames: ['model', 'version', 'code'] as const,
    registers: [this.registry],
  });
  readonly latency = new Histogram({
    name: METRIC_NAMES.latency,
    help: 'Time from receiving a prediction request to the end of its response, in seconds.',
    labelNames: ['model', 'version'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  readonly predictions = new Counter({
    name: METRIC_NAMES.predictions,
    help: 'Instances scored, by model, version and role (production, canary or shadow).',
    labelNames: ['model', 'version', 'role'] as const,
    registers: [this.registry],
  });
  readonly predictionErrors = new Counter({
    name: METRIC_NAMES.predictionErrors,
    help: 'Instances a model failed to score (not bad input), by model, version and role.',
    labelNames: ['model', 'version', 'role'] as const,
    registers: [this.registry],
  });
  readonly modelLoads = new Counter({
    name: METRIC_NAMES.modelLoads,
    help: 'Model versions loaded from the artifact store, by model and outcome (ok or failed).',
    labelNames: ['model', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly modelSwaps = new Counter({
    name: METRIC_NAMES.modelSwaps,
    help: 'Changes of the version answering for a model (promotion, rollback, a new model appearing).',
    labelNames: ['model'] as const,
    registers: [this.registry],
  });
  readonly activeVersion = new Gauge({
    name: METRIC_NAMES.activeVersion,
    help: 'Version currently serving each model, by role (production, or the canary/shadow challenger).',
    labelNames: ['model', 'role'] as const,
    registers: [this.registry],
  });
  readonly logDropped = new Counter({
    name: METRIC_NAMES.logDropped,
    help: 'Prediction-log records dropped because the in-memory queue was full (the database is not keeping up).',
    registers: [this.registry],
  });
  readonly logWritten = new Counter({
    name: METRIC_NAMES.logWritten,
    help: 'Prediction-log records written to the database.',
    registers: [this.registry],
  });
  readonly logWriteErrors = new Counter({
    name: METRIC_NAMES.logWriteErrors,
    help: 'Failed prediction-log batch writes (the batch is kept and retried when there is room).',
    registers: [this.registry],
  });

  constructor(o: { logQueueDepth: () => number; processMetrics?: boolean }) {
    new Gauge({
      name: METRIC_NAMES.logQueueDepth,
      help: 'Prediction-log records waiting to be written.',
      registers: [this.registry],
      collect() {
        this.set(o.logQueueDepth());
      },
    });
    if (o.processMetrics !== false) collectDefaultMetrics({ register: this.registry });
  }
}
