/**
 * Writes the run's approval decisions to the `approvals` table in the background, in order and in
 * batches. Signal handlers only judge and enqueue (they never await an activity), so they finish at once:
 * a flood of signals cannot keep the run from continuing as new, and a database outage delays the audit
 * without failing the run. What is not yet written travels with the run when it continues as new.
 */
import { condition, log, proxyActivities } from '@temporalio/workflow';
import type { PipelineActivities } from '../activities';
import type { AuditEntry } from '../src/approval/auditLog';
import type { StepContext } from './types';

export interface PendingWrite {
  entry: AuditEntry;
  candidateVersion: string | null;
}

/** Retried until the database takes it: an accepted decision must never be lost. Idempotent by seq. */
const durable = proxyActivities<PipelineActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', nonRetryableErrorTypes: ['BadInput'] },
});

const BATCH = 100;

export class AuditWriter {
  private queue: PendingWrite[];
  private inFlight: PendingWrite[] = [];

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
    return condition(() => this.queue.length === 0 && this.inFlight.length === 0);
  }

  /** What a continued run must still write (a batch in flight is written again; rows are keyed by seq). */
  unwritten(): PendingWrite[] {
    return [...this.inFlight, ...this.queue];
  }

  private async loop(): Promise<void> {
    for (;;) {
      await condition(() => this.queue.length > 0);
      this.inFlight = this.queue.splice(0, BATCH);
      try {
        await durable.recordApprovals(this.ctx, this.inFlight);
      } catch (err) {
        log.error('approval audit batch refused by the database; it stays in the run state and history', { seqs: this.inFlight.map((w) => w.entry.seq), error: String(err) });
      }
      this.inFlight = [];
    }
  }
}
