/** `bosun score <model> --data <uri>`: batch scoring as a workflow; local files are uploaded first. */
import { writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { AppDeps } from '../app';
import { BATCH_SCORE, type BatchScoreWorkflow } from '../contract/batchScore';
import { uploadIfLocal } from '../storage/localUpload';

export async function scoreCommand(client: Client, app: AppDeps, model: string, o: { data: string; version?: string; out?: string }): Promise<void> {
  const dataUri = await uploadIfLocal(app.store, o.data, { field: '--data' });
  const result = await client.workflow.execute<BatchScoreWorkflow>(BATCH_SCORE, {
    taskQueue: app.config.temporal.taskQueue,
    workflowId: `score-${model}-${randomBytes(3).toString('hex')}`,
    args: [{ modelName: model, dataUri, version: o.version === undefined ? undefined : Number(o.version) }],
  });
  console.log(`scored ${result.rows} rows with ${model} v${result.version}: artifact:sha256:${result.predictionsHash}`);
  if (o.out) {
    writeFileSync(o.out, await app.store.get(result.predictionsHash));
    console.log(`wrote ${o.out}`);
  }
}
