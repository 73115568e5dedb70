/**
 * Runs one step of a run idempotently and with caching:
 * - a step that already succeeded in this run (the activity is being retried after a crash) returns its
 *   recorded output instead of doing the work again;
 * - a step whose cache key (step name + input hashes + the spec section it reads + Bosun's source hash, and a
 *   user step's own code hash)
 *   matches an earlier successful step reuses that output, unless the run asked for --no-cache.
 * Results are reused only within the same pipeline unless the step says it is pure (`sharedAcrossPipelines`):
 * a cached train step carries a registered model version, and handing pipeline A's version to pipeline
 * B's run would let B's approval policy promote A's model.
 */
import { and, desc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../db/client';
import { steps } from '../db/schema';
import type { StepContext } from '../contract/types';
import { hashOf } from './canonical';
import { bosunSourceHash } from './codeVersion';

export interface StepOutput {
  cached: boolean;
}

export interface StepKeyOptions {
  sharedAcrossPipelines?: boolean;
  /** A user step's own code (sha256 of its source): editing it re-runs the step, like upgrading Bosun does. */
  codeHash?: string;
}

export async function runStep<T extends StepOutput>(
  db: Db,
  ctx: StepContext,
  name: string,
  inputKey: string,
  compute: () => Promise<Omit<T, 'cached'>>,
  o: StepKeyOptions = {},
): Promise<T> {
  const key = stepKey(ctx, name, inputKey, o);
  const done = await findStep<T>(db, ctx, name, key);
  if (done) return done;
  const started = await beginStep(db, ctx, name, key);
  try {
    const output = (await compute()) as T;
    await finishStep(db, ctx, name, key, output, started);
    return { ...output, cached: false };
  } catch (err) {
    await failStep(db, ctx, name, started, err);
    throw err;
  }
}

/*
 * The pieces of runStep, for a step whose work runs elsewhere (a Python worker): one activity looks up and
 * begins, the Python activity computes, another records. The key and the rules are runStep's.
 */

export function stepKey(ctx: StepContext, name: string, inputKey: string, o: StepKeyOptions = {}): string {
  // A key without a code hash stays what it was, so built-in stages keep their cached results.
  const parts = [name, inputKey, bosunSourceHash(), o.sharedAcrossPipelines ? '' : `pipeline:${ctx.pipeline}`];
  return o.codeHash ? hashOf(...parts, `code:${o.codeHash}`) : hashOf(...parts);
}

/** This run's own earlier success (a retried activity), or a cached result of the same key. */
export async function findStep<T extends StepOutput>(db: Db, ctx: StepContext, name: string, key: string): Promise<T | undefined> {
  const [mine] = await db.select().from(steps).where(and(eq(steps.runId, ctx.runId), eq(steps.name, name)));
  if (mine && (mine.status === 'succeeded' || mine.status === 'cached') && mine.cacheKey === key) {
    return { ...(mine.output as T), cached: mine.status === 'cached' };
  }
  if (ctx.noCache) return undefined;
  const [hit] = await db
    .select()
    .from(steps)
    .where(and(eq(steps.cacheKey, key), eq(steps.name, name), inArray(steps.status, ['succeeded', 'cached'])))
    .orderBy(desc(steps.finishedAt))
    .limit(1);
  if (!hit) return undefined;
  const output = hit.output as T;
  await record(db, ctx, name, key, 'cached', output, 0, hit.cachedFromRun ?? hit.runId);
  return { ...output, cached: true };
}

/** Marks the step running; returns when it started (epoch ms). */
export async function beginStep(db: Db, ctx: StepContext, name: string, key: string): Promise<number> {
  await db
    .insert(steps)
    .values({ runId: ctx.runId, name, status: 'running', cacheKey: key })
    .onConflictDoUpdate({ target: [steps.runId, steps.name], set: { status: 'running', cacheKey: key, startedAt: new Date() } });
  return Date.now();
}

export async function finishStep(db: Db, ctx: StepContext, name: string, key: string, output: unknown, startedMs: number): Promise<void> {
  await record(db, ctx, name, key, 'succeeded', output, Date.now() - startedMs, null);
}

export async function failStep(db: Db, ctx: StepContext, name: string, startedMs: number, err: unknown): Promise<void> {
  await db
    .update(steps)
    .set({ status: 'failed', finishedAt: new Date(), durationMs: Date.now() - startedMs, output: { error: (err as Error).message } })
    .where(and(eq(steps.runId, ctx.runId), eq(steps.name, name)))
    // The database may be what failed: keep the original error, not this write's.
    .catch(() => undefined);
}

async function record(db: Db, ctx: StepContext, name: string, cacheKey: string, status: 'succeeded' | 'cached', output: unknown, durationMs: number, cachedFromRun: string | null) {
  const values = { runId: ctx.runId, name, status, cacheKey, output, durationMs, cachedFromRun, finishedAt: new Date() } as const;
  await db.insert(steps).values(values).onConflictDoUpdate({ target: [steps.runId, steps.name], set: values });
}
