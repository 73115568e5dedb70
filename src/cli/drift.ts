/**
 * `bosun drift check <model>`: run a drift check now and print the report summary. A local --data file is
 * uploaded first, so the worker that runs the check reads it wherever that worker is.
 */
import { randomBytes } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { Config } from '../config';
import { DRIFT_CHECK, type DriftCheckOutcome, type DriftCheckWorkflow } from '../contract/driftCheck';
import { openArtifactStore, type ArtifactStore } from '../storage';
import { uploadIfLocal } from '../storage/localUpload';
import { printJson } from './output';

export async function driftCheckCommand(
  client: Client,
  config: Config,
  model: string,
  o: { window?: string; data?: string; json?: boolean },
  store?: ArtifactStore,
): Promise<void> {
  const dataUri = o.data === undefined ? undefined : await uploadIfLocal(store ?? (await openArtifactStore(config.artifacts)), o.data, { field: '--data' });
  const outcome: DriftCheckOutcome = await client.workflow.execute<DriftCheckWorkflow>(DRIFT_CHECK, {
    taskQueue: config.temporal.taskQueue,
    workflowId: `drift-${model}-manual-${randomBytes(3).toString('hex')}`,
    args: [{ modelName: model, window: o.window, dataUri }],
  });
  if (o.json) return printJson(outcome);
  console.log(`${outcome.drifted ? '✗ drift' : '✓ no drift'}: ${outcome.summary}`);
  console.log(`  report: npx bosun drift report ${outcome.reportId}`);
  if (outcome.retrainRunId) console.log(`  retraining: ${outcome.retrainRunId}${outcome.retrainDeduplicated ? ' (already running)' : ' (started)'}`);
}
