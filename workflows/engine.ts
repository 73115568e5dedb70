/**
 * The stage engine every Bosun workflow runs on: it keeps the per-stage record the `status` query
 * returns, moves the BosunStage search attribute so the Web UI can filter by stage, and times each stage.
 * Deterministic: it only uses workflow APIs (workflow time, upsertSearchAttributes).
 */
import { upsertSearchAttributes } from '@temporalio/workflow';
import { BOSUN_STAGE } from './searchAttributes';
import type { StageRecord, StageState } from './types';

export interface StageOutcome {
  cached?: boolean;
  summary?: string;
}

export class StageTracker {
  readonly stages: StageRecord[];
  current = 'starting';

  constructor(names: readonly string[]) {
    this.stages = names.map((name) => ({ name, state: 'pending' as StageState }));
  }

  /** Runs one stage: marks it running, runs `fn`, records how it ended, rethrows failures. */
  async run<T>(name: string, fn: () => Promise<T>, describe?: (r: T) => string): Promise<T> {
    const rec = this.record(name);
    this.enter(name);
    rec.state = 'running';
    rec.startedAt = new Date().toISOString();
    try {
      const result = await fn();
      const outcome = (typeof result === 'object' && result !== null ? result : {}) as StageOutcome;
      rec.state = outcome.cached ? 'cached' : 'succeeded';
      rec.summary = describe ? describe(result) : outcome.summary;
      return result;
    } catch (err) {
      rec.state = 'failed';
      rec.summary = (err as Error).message;
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
