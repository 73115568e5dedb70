/** `bosun score <model> --data <uri>`: batch scoring as a workflow; local files are uploaded first. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { AppDeps } from '../app';
import { BATCH_SCORE, type BatchScoreWorkflow } from '../contract/batchScore';
import { CliError } from './output';

export async function scoreCommand(client: Client, app: AppDeps, model: string, o: { data: string; version?: string; out?: string }): Promise<void> {
  let dataUri = o.data;
  if (!/^(s3|https?):\/\//.test(o.data)) {
    const file = path.resolve(o.data.replace(/^file:\/\//, ''));
    if (!existsSync(file)) throw new CliError(`--data ${o.data}: file not found`);
    const ref = await app.store.put(readFileSync(file));
    dataUri = `artifact:sha256:${ref.hash}#file://${file}`;
  }
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
