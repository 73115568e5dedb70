/**
 * The feature store's activities: materialization of a view into the online store. Thin like the pipeline's:
 * the work is in src/featurestore; this heartbeats each batch (the heartbeat is also the resume point after a
 * worker dies) and turns bad input into a non-retryable failure.
 */
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { MaterializeFeaturesInput } from '../src/featurestore/contract';
import { materializeView, type MaterializeProgress, type MaterializeResult } from '../src/featurestore/materialize';
import { recordMaterialization } from '../src/featurestore/metrics';
import { BadInputError } from '../src/pipeline/errors';
import type { ActivityDeps } from './index';

export function createFeatureStoreActivities(deps: ActivityDeps) {
  return {
    async materializeFeatures(input: MaterializeFeaturesInput & { runId: string }): Promise<MaterializeResult> {
      const ctx = Context.current();
      const resume = (ctx.info.heartbeatDetails as MaterializeProgress | undefined) ?? null;
      let latest: MaterializeProgress | null = resume;
      // Beats between batches too, so a long source read is not taken for a dead worker.
      const beat = setInterval(() => ctx.heartbeat(latest), 3000);
      try {
        const r = await materializeView(deps, input.view, {
          runId: input.runId,
          batchSize: input.batchSize,
          resume,
          signal: ctx.cancellationSignal,
          onProgress: (p) => {
            latest = p;
            ctx.heartbeat(p);
          },
        });
        if (deps.metrics) recordMaterialization(deps.metrics.registry, r);
        return r;
      } catch (err) {
        if (err instanceof BadInputError) throw ApplicationFailure.nonRetryable(err.message, 'BadInput');
        throw err;
      } finally {
        clearInterval(beat);
      }
    },
  };
}
