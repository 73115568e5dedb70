/**
 * The approval audit as the workflow keeps it: every accepted decision, and only the latest refused ones.
 * The full record of every attempt is the `approvals` table; workflow state must stay small however many
 * signals arrive, or the `status` query outgrows gRPC's message limit and the run's history its size limit.
 * Pure and deterministic (workflow code imports it).
 */

export interface AuditEntry {
  /** Position in the run's audit: the key of its row in the `approvals` table. */
  seq: number;
  at: string;
  decision: 'approve' | 'reject' | 'timeout' | 'auto';
  reviewer: string;
  comment?: string;
  accepted: boolean;
  reason: string;
  /** On the decision that settled the gate: what it settled it to (typed, so nothing parses `reason`). */
  outcome?: 'approved' | 'rejected' | 'timed_out';
  /** sha256 of the candidate's model artifact the decision was judged against. */
  artifactHash?: string;
}

export interface AuditSnapshot {
  entries: AuditEntry[];
  /** Every decision ever appended, kept or not: the next entry's seq. */
  total: number;
  /** Refused decisions no longer kept in workflow state (they are in the `approvals` table). */
  omitted: number;
}

export const REFUSED_KEPT = 50;
/** Comments in workflow state are cut to this; the table keeps the (bounded) full comment. */
const COMMENT_KEPT = 500;

export class AuditLog {
  private entries: AuditEntry[];
  private total: number;
  private omitted: number;

  constructor(from?: AuditSnapshot) {
    this.entries = from ? [...from.entries] : [];
    this.total = from?.total ?? 0;
    this.omitted = from?.omitted ?? 0;
  }

  /** Appends a decision and returns it with its seq. */
  append(e: Omit<AuditEntry, 'seq'>): AuditEntry {
    const entry: AuditEntry = { ...e, seq: this.total++ };
    const kept = e.comment && e.comment.length > COMMENT_KEPT ? { ...entry, comment: `${e.comment.slice(0, COMMENT_KEPT)}…` } : entry;
    this.entries.push(kept);
    if (!e.accepted) {
      const refused = this.entries.filter((x) => !x.accepted);
      if (refused.length > REFUSED_KEPT) {
        const drop = refused[0];
        this.entries = this.entries.filter((x) => x !== drop);
        this.omitted++;
      }
    }
    return entry;
  }

  lastAccepted(): AuditEntry | undefined {
    return this.entries.filter((a) => a.accepted).at(-1);
  }

  snapshot(): AuditSnapshot {
    return { entries: [...this.entries], total: this.total, omitted: this.omitted };
  }
}
