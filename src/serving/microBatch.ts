/**
 * Dynamic micro-batching (as TF-Serving and Triton do it): requests for the same version that arrive in the same turn
 * of the event loop are scored together, in one feature transform and one predict call.
 *
 * Why: the transform has a fixed cost per call (building the column frame, one array per column per step) that
 * dwarfs the per-row arithmetic; a one-instance request pays ~30 µs of it, a batch of 16 pays it once. Under load
 * many requests' bodies are parsed in one turn, so the batches form by themselves; a lone request waits only for
 * the rest of the current turn (setImmediate), never for a timer.
 *
 * Isolation: each request's instances are validated on their own first, so a malformed request gets its own error
 * and is never part of a batch. If the batch itself fails (an input error only the transform can see, such as an
 * unseen category with handleUnknown: error), every request in it is scored alone, so only the culprit fails.
 */
import type { Table } from '../data/table';

/** What the batcher needs from a version: per-request validation, and one transform + predict over a table. */
export interface BatchScorer {
  /** Throws the request's own input error, if any. */
  check(instances: readonly unknown[]): void;
  /** The table of instances (all already checked). */
  read(instances: readonly unknown[]): Table;
  /** Rows of `table` through the transform and the model; rows x width scores. */
  scoreTable(table: Table): Float64Array;
  /** Scores per instance (class count, or 1). */
  readonly width: number;
}

export type ScoreCallback = (err: Error | null, scores: Float64Array | null) => void;

interface Pending {
  instances: readonly unknown[];
  done: ScoreCallback;
}

/** Requests this big are scored alone: batching cannot make them cheaper, and they would delay the small ones. */
const SOLO_ROWS = 64;
/** A queue reaching this many rows is scored at once instead of waiting for the end of the turn. */
const MAX_BATCH_ROWS = 512;

export class MicroBatcher {
  private queue: Pending[] = [];
  private rows = 0;
  private scheduled = false;

  constructor(private readonly scorer: BatchScorer) {}

  /** Scores `instances`; `done` runs once, synchronously for large requests, else after the current turn. */
  submit(instances: readonly unknown[], done: ScoreCallback): void {
    try {
      this.scorer.check(instances);
    } catch (err) {
      return done(err as Error, null);
    }
    if (instances.length >= SOLO_ROWS) return this.solo({ instances, done });
    this.queue.push({ instances, done });
    this.rows += instances.length;
    if (this.rows >= MAX_BATCH_ROWS) this.flush();
    else if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.flush);
    }
  }

  /** Scores everything queued now (bound: it is the setImmediate callback). */
  readonly flush = (): void => {
    this.scheduled = false;
    const batch = this.queue;
    if (batch.length === 0) return;
    this.queue = [];
    this.rows = 0;
    if (batch.length === 1) return this.solo(batch[0]);
    let scores: Float64Array;
    try {
      // Every request passed its check, so the batch reads into one table (one array per column for all of them).
      const all: unknown[] = [];
      for (const p of batch) for (const instance of p.instances) all.push(instance);
      scores = this.scorer.scoreTable(this.scorer.read(all));
    } catch {
      // Someone's input only failed in the transform: score each alone so the others still get their answer.
      for (const p of batch) this.solo(p);
      return;
    }
    const w = this.scorer.width;
    let offset = 0;
    for (const p of batch) {
      const end = offset + p.instances.length * w;
      p.done(null, scores.subarray(offset, end));
      offset = end;
    }
  };

  private solo(p: Pending): void {
    let scores: Float64Array;
    try {
      scores = this.scorer.scoreTable(this.scorer.read(p.instances));
    } catch (err) {
      return p.done(err as Error, null);
    }
    p.done(null, scores);
  }
}
