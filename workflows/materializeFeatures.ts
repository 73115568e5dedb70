/**
 * Materializes one feature view into the online store (started by its schedule or `bosun features
 * materialize`). One activity: it is incremental, idempotent and resumes from its last heartbeat, so a worker
 * killed mid-way costs only the batch in flight.
 */
import { proxyActivities, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { createFeatureStoreActivities } from '../activities/featureStore';
import { BOSUN_PIPELINE, BOSUN_STAGE } from '../src/contract/searchAttributes';
import type { MaterializeFeaturesInput, MaterializeResult } from '../src/featurestore/contract';

const acts = proxyActivities<ReturnType<typeof createFeatureStoreActivities>>({
  startToCloseTimeout: '2 hours',
  heartbeatTimeout: '20 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', maximumAttempts: 10, nonRetryableErrorTypes: ['BadInput'] },
});

export async function materializeFeatures(input: MaterializeFeaturesInput): Promise<MaterializeResult> {
  upsertSearchAttributes([
    { key: BOSUN_PIPELINE, value: input.view.split('@')[0] },
    { key: BOSUN_STAGE, value: 'materialize' },
  ]);
  return acts.materializeFeatures({ ...input, runId: workflowInfo().workflowId });
}
