/**
 * Writes the run's approval decisions to the `approvals` table in the background: one `recordApproval`
 * activity per decision, scheduled in arrival order in the same workflow task the signal arrived in, exactly
 * as when each handler awaited it itself (so histories of runs started before the writer existed replay
 * unchanged; test/integration/replay.test.ts). Rows are keyed by seq, so the writes may finish in any order. Signal handlers only judge and enqueue (they never await an activity), so they finish at once:
 * a flood of signals cannot keep the run from continuing as new, and a database outage delays the audit
 * without failing the run. What is not yet written travels with the run when it continues as new.
 */
import { condition, log, proxyActivities } from '@temporalio/workflow';
import type { PipelineActivities } from '../activities';
import type { PendingWrite } from '../src/contract/trainingPipeline';
import type { StepContext } from '../src/contract/types';

/** Retried until the database takes it: an accepted decision must never be lost. Idempotent by seq. */
const durable = proxyActivities<PipelineActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', nonRetryableErrorTypes: ['BadInput'] },
});

export class AuditWriter {
  private queue: PendingWrite[];
  private readonly inFlight = new Set<PendingWrite>();

  constructor(
    private readonly ctx: StepContext,
    carried: PendingWrite[] = [],
  ) {
    this.queue = [...carried];
    void this.loop();
  }

  enqueue(w: PendingWrite): void {
    this.queue.push(w);
  }

  /** Resolves once everything enqueued so far is in the database. */
  flushed(): Promise<void> {
    return condition(() => this.queue.length === 0 && this.inFlight.size === 0);
  }

  /** What a continued run must still write (a write in flight is done again; rows are keyed by seq). */
  unwritten(): PendingWrite[] {
    return [...this.inFlight, ...this.queue].sort((a, b) => a.entry.seq - b.entry.seq);
  }

  private async loop(): Promise<void> {
    for (;;) {
      await condition(() => this.queue.length > 0);
      for (const w of this.queue.splice(0)) {
        this.inFlight.add(w);
        durable
          .recordApproval(this.ctx, w.entry, w.candidateVersion, w.entry.seq)
          .catch((err: unknown) => log.error('approval audit write refused by the database; the decision stays in the run state and history', { seq: w.entry.seq, error: String(err) }))
          .finally(() => this.inFlight.delete(w));
      }
    }
  }
}
