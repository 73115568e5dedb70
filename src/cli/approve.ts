/** `bosun approve|reject <run>`: the same signal an approver sends from the Web UI or `temporal workflow signal`. */
import type { Client } from '@temporalio/client';
import { approveSignal, rejectSignal, statusQuery, type DecisionSignal } from '../../workflows/messages';
import { CliError } from './output';

export async function decideCommand(client: Client, kind: 'approve' | 'reject', runId: string, d: DecisionSignal): Promise<void> {
  const handle = client.workflow.getHandle(runId);
  const desc = await handle.describe();
  if (desc.status.name !== 'RUNNING') throw new CliError(`run ${runId} is ${desc.status.name.toLowerCase()}: there is nothing to ${kind}`);
  const before = (await handle.query(statusQuery)).approval?.decisions.length ?? 0;
  await handle.signal(kind === 'approve' ? approveSignal : rejectSignal, d);
  // The signal is durable once sent; wait briefly to show how the policy judged it.
  for (let i = 0; i < 40; i++) {
    const status = await handle.query(statusQuery).catch(() => null);
    const decisions = status?.approval?.decisions ?? [];
    if (decisions.length > before) {
      const mine = decisions[decisions.length - 1];
      console.log(`${mine.accepted ? 'accepted' : 'refused'}: ${mine.reason}`);
      if (!mine.accepted) process.exitCode = 1;
      return;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  console.log(`signal sent to ${runId}; see \`bosun status ${runId}\` for the outcome`);
}
