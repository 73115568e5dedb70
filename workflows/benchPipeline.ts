/** Benchmark workflows: Bosun's stage engine over no-op activities, and the bare Temporal chain it is compared to. */
import { proxyActivities } from '@temporalio/workflow';
import type { NoopActivities } from '../activities/noop';
import { StageTracker } from './engine';

const { noop } = proxyActivities<NoopActivities>({ startToCloseTimeout: '30 seconds' });

export async function enginePipeline(steps: number): Promise<number> {
  const names = Array.from({ length: steps }, (_, i) => `step${i + 1}`);
  const tracker = new StageTracker(names);
  let acc = 0;
  for (const name of names) acc = await tracker.run(name, () => noop(acc));
  tracker.enter('done');
  return acc;
}

export async function bareChain(steps: number): Promise<number> {
  let acc = 0;
  for (let i = 0; i < steps; i++) acc = await noop(acc);
  return acc;
}
