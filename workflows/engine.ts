/**
 * The stage engine every Bosun workflow runs on: it keeps the per-stage record the `status` query
 * returns, moves the BosunStage search attribute so the Web UI can filter by stage, and times each stage.
 * Deterministic: it only uses workflow APIs (workflow time, upsertSearchAttributes).
 */
import { ActivityFailure, ApplicationFailure, ChildWorkflowFailure, upsertSearchAttributes } from '@temporalio/workflow';
import { BOSUN_STAGE } from '../src/contract/searchAttributes';
import type { StageRecord, StageState } from '../src/contract/types';

export interface StageOutcome {
  cached?: boolean;
  summary?: string;
}

export class StageTracker {
  readonly stages: StageRecord[];
  current = 'starting';

  /** `restored`: the records of a run continued as new, so the stages it already ran keep their history. */
  constructor(names: readonly string[], restored?: StageRecord[]) {
    this.stages = restored ? restored.map((s) => ({ ...s })) : names.map((name) => ({ name, state: 'pending' as StageState }));
  }

  /** Runs one stage: marks it running, runs `fn`, records how it ended, rethrows failures. */
  async run<T>(name: string, fn: () => Promise<T>, describe?: (r: T) => string): Promise<T> {
    const rec = this.record(name);
    this.enter(name);
    // A stage resumed after continue-as-new keeps the time it really started.
    if (rec.state !== 'running' || !rec.startedAt) rec.startedAt = new Date().toISOString();
    rec.state = 'running';
    try {
      const result = await fn();
      const outcome = (typeof result === 'object' && result !== null ? result : {}) as StageOutcome;
      rec.state = outcome.cached ? 'cached' : 'succeeded';
      rec.summary = describe ? describe(result) : outcome.summary;
      return result;
    } catch (err) {
      rec.state = 'failed';
      rec.summary = describeFailure(err);
      throw err;
    } finally {
      rec.finishedAt = new Date().toISOString();
    }
  }

  /** Sets the visible stage without running anything (e.g. awaiting_approval, done). */
  enter(stage: string): void {
    if (this.current === stage) return;
    this.current = stage;
    upsertSearchAttributes([{ key: BOSUN_STAGE, value: stage }]);
  }

  skip(name: string, why: string): void {
    const rec = this.record(name);
    rec.state = 'skipped';
    rec.summary = why;
  }

  private record(name: string): StageRecord {
    let rec = this.stages.find((s) => s.name === name);
    if (!rec) {
      rec = { name, state: 'pending' };
      this.stages.push(rec);
    }
    return rec;
  }
}

/**
 * The cause a person can act on. An activity's failure arrives wrapped ("Activity task failed"); the
 * ApplicationFailure inside it carries the message the stage computed (e.g. which column is missing).
 */
export function describeFailure(err: unknown): string {
  let e: unknown = err;
  while ((e instanceof ActivityFailure || e instanceof ChildWorkflowFailure) && e.cause) e = e.cause;
  if (e instanceof ApplicationFailure || e instanceof Error) return e.message || String(e);
  return String(e);
}

/** The failure type of the innermost cause (e.g. "BadInput"), for the Web UI and the webhook. */
export function failureType(err: unknown): string | undefined {
  let e: unknown = err;
  while ((e instanceof ActivityFailure || e instanceof ChildWorkflowFailure) && e.cause) e = e.cause;
  return e instanceof ApplicationFailure ? (e.type ?? undefined) : undefined;
}
