/** `bosun approve|reject <run>`: the same signal an approver sends from the Web UI or `temporal workflow signal`. */
import type { Client } from '@temporalio/client';
import { approveSignal, rejectSignal, statusQuery, type DecisionSignal } from '../../workflows/messages';
import { parseDecision } from '../approval/decisionPayload';
import { CliError } from './output';

export async function decideCommand(client: Client, kind: 'approve' | 'reject', runId: string, d: DecisionSignal): Promise<void> {
  // The workflow refuses a bad decision anyway; saying so here saves a round trip and an audit entry.
  const parsed = parseDecision(d);
  if (!parsed.ok) throw new CliError(parsed.reason.replace(/^malformed: /, ''));
  const handle = client.workflow.getHandle(runId);
  const desc = await handle.describe();
  if (desc.status.name !== 'RUNNING') throw new CliError(`run ${runId} is ${desc.status.name.toLowerCase()}: there is nothing to ${kind}`);
  const before = (await handle.query(statusQuery)).approval?.total ?? 0;
  await sendWithRetry(() => handle.signal(kind === 'approve' ? approveSignal : rejectSignal, d));
  // The signal is durable once sent; wait briefly to show how the policy judged it.
  for (let i = 0; i < 40; i++) {
    const status = await handle.query(statusQuery).catch(() => null);
    const decisions = status?.approval?.decisions ?? [];
    if ((status?.approval?.total ?? 0) > before && decisions.length) {
      const mine = decisions[decisions.length - 1];
      console.log(`${mine.accepted ? 'accepted' : 'refused'}: ${mine.reason}`);
      if (!mine.accepted) process.exitCode = 1;
      return;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  console.log(`signal sent to ${runId}; see \`bosun status ${runId}\` for the outcome`);
}

/** While a run continues as new (a long wait at the gate), Temporal refuses signals for a moment. */
async function sendWithRetry(send: () => Promise<void>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await send();
    } catch (err) {
      if (attempt >= 10 || !/workflow is closing/i.test((err as Error).message)) throw err;
      await new Promise((r) => setTimeout(r, 200 * attempt));
    }
  }
}
