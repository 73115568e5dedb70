/** The user steps a run went through, as its steps table recorded them (for the report and the model card). */
import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { steps } from '../../db/schema';
import type { UserStepSummary } from '../../report/sections';

export async function userStepsOfRun(db: Db, runId: string): Promise<UserStepSummary[]> {
  const rows = await db.select().from(steps).where(and(eq(steps.runId, runId), inArray(steps.status, ['succeeded', 'cached'])));
  const out: UserStepSummary[] = [];
  for (const r of rows) {
    const o = r.output as { step?: unknown; runtime?: unknown; codeHash?: string | null; tableHash?: string } | null;
    // Only user steps record which step and runtime they are (src/pipeline/userSteps/transform.ts).
    if (!o || typeof o.step !== 'string' || (o.runtime !== 'typescript' && o.runtime !== 'python')) continue;
    out.push({ name: o.step, runtime: o.runtime, codeHash: o.codeHash ?? null, outputHash: o.tableHash ?? null, cached: r.status === 'cached' });
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : 1));
}
