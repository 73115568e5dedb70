/**
 * Runs one step of a run idempotently and with caching:
 * - a step that already succeeded in this run (the activity is being retried after a crash) returns its
 *   recorded output instead of doing the work again;
 * - a step whose cache key (step name + input hashes + the spec section it reads + Bosun's source hash)
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

export async function runStep<T extends StepOutput>(
  db: Db,
  ctx: StepContext,
  name: string,
  inputKey: string,
  compute: () => Promise<Omit<T, 'cached'>>,
  o: { sharedAcrossPipelines?: boolean } = {},
): Promise<T> {
  const key = hashOf(name, inputKey, bosunSourceHash(), o.sharedAcrossPipelines ? '' : `pipeline:${ctx.pipeline}`);
  const [mine] = await db.select().from(steps).where(and(eq(steps.runId, ctx.runId), eq(steps.name, name)));
  if (mine && (mine.status === 'succeeded' || mine.status === 'cached') && mine.cacheKey === key) {
    return { ...(mine.output as T), cached: mine.status === 'cached' };
  }
  if (!ctx.noCache) {
    const [hit] = await db
      .select()
      .from(steps)
      .where(and(eq(steps.cacheKey, key), eq(steps.name, name), inArray(steps.status, ['succeeded', 'cached'])))
      .orderBy(desc(steps.finishedAt))
      .limit(1);
    if (hit) {
      const output = hit.output as T;
      await record(db, ctx, name, key, 'cached', output, 0, hit.cachedFromRun ?? hit.runId);
      return { ...output, cached: true };
    }
  }
  const started = Date.now();
  await db
    .insert(steps)
    .values({ runId: ctx.runId, name, status: 'running', cacheKey: key })
    .onConflictDoUpdate({ target: [steps.runId, steps.name], set: { status: 'running', cacheKey: key, startedAt: new Date() } });
  try {
    const output = (await compute()) as T;
    await record(db, ctx, name, key, 'succeeded', output, Date.now() - started, null);
    return { ...output, cached: false };
  } catch (err) {
    await db
      .update(steps)
      .set({ status: 'failed', finishedAt: new Date(), durationMs: Date.now() - started, output: { error: (err as Error).message } })
      .where(and(eq(steps.runId, ctx.runId), eq(steps.name, name)))
      // The database may be what failed: keep the original error, not this write's.
      .catch(() => undefined);
    throw err;
  }
}

async function record(db: Db, ctx: StepContext, name: string, cacheKey: string, status: 'succeeded' | 'cached', output: unknown, durationMs: number, cachedFromRun: string | null) {
  const values = { runId: ctx.runId, name, status, cacheKey, output, durationMs, cachedFromRun, finishedAt: new Date() } as const;
  await db.insert(steps).values(values).onConflictDoUpdate({ target: [steps.runId, steps.name], set: values });
}
