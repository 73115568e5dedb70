import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as noopActivities from '../../activities/noop';
import { createPipelineWorker } from '../../workers/createWorker';
import { ensureSearchAttributes } from '../../src/temporal/searchAttributes';
import { bundleOnce } from './support/bundle';
import { stack, uniqueName } from './support/stack';

describe('workflows on a real Temporal dev server', () => {
  const taskQueue = uniqueName('engine');
  let connection: Connection;
  let client: Client;
  let stop: () => Promise<void>;

  beforeAll(async () => {
    connection = await Connection.connect({ address: stack().temporalAddress });
    client = new Client({ connection });
    const { worker } = await createPipelineWorker({
      address: stack().temporalAddress,
      namespace: 'default',
      taskQueue,
      activities: noopActivities,
      bundle: await bundleOnce(),
    });
    const running = worker.run();
    stop = async () => {
      worker.shutdown();
      await running;
    };
  });

  afterAll(async () => {
    await stop?.();
    await connection?.close();
  });

  it('runs the stage engine through a real worker and moves the stage search attribute', async () => {
    const handle = await client.workflow.start('enginePipeline', { taskQueue, workflowId: uniqueName('engine'), args: [8] });
    expect(await handle.result()).toBe(8);
    const desc = await handle.describe();
    expect(desc.searchAttributes.BosunStage).toEqual(['done']);
    const bare = await client.workflow.execute('bareChain', { taskQueue, workflowId: uniqueName('bare'), args: [8] });
    expect(bare).toBe(8);
  });

  it('finds its custom search attributes registered (and registering again is a no-op)', async () => {
    expect(await ensureSearchAttributes(connection, 'default')).toEqual([]);
    const res = await connection.operatorService.listSearchAttributes({ namespace: 'default' });
    expect(Object.keys(res.customAttributes ?? {})).toEqual(expect.arrayContaining(['BosunPipeline', 'BosunStage', 'BosunCandidateVersion']));
  });
});
