/**
 * Prometheus metrics of the pipeline worker. Names are the contract with ops/grafana-dashboard.json and
 * ops/alert-rules.yml (a test checks that every name those use is exported here).
 */
import type { Client } from '@temporalio/client';
import client from 'prom-client';

export interface PipelineMetrics {
  registry: client.Registry;
  stageDuration: client.Histogram<'stage' | 'outcome'>;
  runs: client.Counter<'pipeline' | 'outcome'>;
  approvalsPending: client.Gauge;
  driftScore: client.Gauge<'model' | 'feature' | 'statistic'>;
  driftLastCheck: client.Gauge<'model'>;
  driftDetected: client.Counter<'model'>;
  notifications: client.Counter<'event' | 'outcome'>;
}

/** `countPending` is asked at scrape time (a Temporal visibility count), so the gauge is never stale. */
export function createPipelineMetrics(countPending?: () => Promise<number>): PipelineMetrics {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: 'bosun_worker_' });
  return {
    registry,
    stageDuration: new client.Histogram({
      name: 'bosun_stage_duration_seconds',
      help: 'Duration of pipeline stage activities',
      labelNames: ['stage', 'outcome'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600],
      registers: [registry],
    }),
    runs: new client.Counter({ name: 'bosun_runs_total', help: 'Pipeline runs finished, by outcome', labelNames: ['pipeline', 'outcome'], registers: [registry] }),
    approvalsPending: new client.Gauge({
      name: 'bosun_approvals_pending',
      help: 'Runs waiting at the approval gate',
      registers: [registry],
      async collect() {
        if (countPending) this.set(await countPending().catch(() => NaN));
      },
    }),
    driftScore: new client.Gauge({ name: 'bosun_drift_score', help: 'Latest drift statistic per model feature (psi, js)', labelNames: ['model', 'feature', 'statistic'], registers: [registry] }),
    driftLastCheck: new client.Gauge({ name: 'bosun_drift_last_check_timestamp_seconds', help: 'When the last drift check of a model finished (unix time)', labelNames: ['model'], registers: [registry] }),
    driftDetected: new client.Counter({ name: 'bosun_drift_detected_total', help: 'Drift checks that found drift', labelNames: ['model'], registers: [registry] }),
    notifications: new client.Counter({ name: 'bosun_notifications_total', help: 'Webhook notifications, by event and outcome', labelNames: ['event', 'outcome'], registers: [registry] }),
  };
}

/** Runs waiting at the approval gate, from Temporal's visibility store. */
export async function countPendingApprovals(temporal: Client): Promise<number> {
  const { count } = await temporal.workflow.count('WorkflowType = "trainingPipeline" AND BosunStage = "awaiting_approval" AND ExecutionStatus = "Running"');
  return count;
}
