/**
 * Makes the `runs` table follow what Temporal says really happened. A run's workflow writes its own end
 * (finishRun), but a run that is terminated (by an operator, or by Temporal at a history limit), times
 * out, or is cancelled never gets to: its row would say "running" forever. The pipeline worker calls this
 * periodically, and `bosun status` for the run it shows.
 */
import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import { and, eq, inArray, isNull } from 'drizzle-orm';
import type { Db } from '../db/client';
import { runs } from '../db/schema';
import { failedReasons } from '../contract/checks';
import type { RunOutcome } from '../contract/types';

type Ended = { status: 'succeeded' | 'failed' | 'rejected' | 'cancelled'; error: string | null };

export interface Reconciled {
  runId: string;
  from: string;
  to: Ended['status'];
  error: string | null;
}

/** Checks runs the table still has open (or the given ones) and records the real outcome of those that ended. */
export async function reconcileRuns(db: Db, client: Client, o: { runIds?: string[]; limit?: number } = {}): Promise<Reconciled[]> {
  const open = await db
    .select({ id: runs.id, status: runs.status })
    .from(runs)
    .where(o.runIds ? inArray(runs.id, o.runIds) : and(inArray(runs.status, ['running', 'awaiting_approval', 'deploying']), isNull(runs.finishedAt)))
    .limit(o.limit ?? 200);
  const changed: Reconciled[] = [];
  for (const row of open) {
    const ended = await outcomeOf(client, row.id);
    if (!ended || ended.status === row.status) continue;
    await db.update(runs).set({ status: ended.status, error: ended.error, stage: ended.status, finishedAt: new Date() }).where(eq(runs.id, row.id));
    changed.push({ runId: row.id, from: row.status, to: ended.status, error: ended.error });
  }
  return changed;
}

/** The run's real end, or null while it is still running. */
async function outcomeOf(client: Client, runId: string): Promise<Ended | null> {
  const handle = client.workflow.getHandle(runId);
  let name: string;
  try {
    name = (await handle.describe()).status.name;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return { status: 'failed', error: 'the workflow no longer exists in Temporal (past its retention, or the Temporal database was reset)' };
    throw err;
  }
  switch (name) {
    case 'RUNNING':
    case 'CONTINUED_AS_NEW':
      return null;
    case 'COMPLETED': {
      const r = (await handle.result()) as RunOutcome;
      if (r.status === 'succeeded') return { status: 'succeeded', error: null };
      if (r.status === 'rejected') return { status: 'rejected', error: r.reason };
      return { status: 'failed', error: `${r.status}: ${'reasons' in r ? failedReasons(r).join('; ') : ''}` };
    }
    case 'CANCELLED':
      return { status: 'cancelled', error: 'cancelled in Temporal' };
    case 'TERMINATED':
      return { status: 'failed', error: `terminated in Temporal${await terminationReason(client, runId)}` };
    case 'TIMED_OUT':
      return { status: 'failed', error: 'timed out in Temporal (workflow execution timeout)' };
    default: {
      const cause = await handle.result().then(
        () => null,
        (e: Error) => (e.cause as Error | undefined)?.message ?? e.message,
      );
      return { status: 'failed', error: cause ?? `ended as ${name.toLowerCase()} in Temporal` };
    }
  }
}

async function terminationReason(client: Client, runId: string): Promise<string> {
  try {
    const history = await client.workflow.getHandle(runId).fetchHistory();
    const last = history.events?.at(-1);
    const reason = last?.workflowExecutionTerminatedEventAttributes?.reason;
    return reason ? `: ${reason}` : '';
  } catch {
    return '';
  }
}
