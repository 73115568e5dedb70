/**
 * Ground truth arriving after the fact, joined to predictions by request id. One row per request id: a
 * correction replaces the earlier label.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { labels } from '../db/schema';

export interface LabelRecord {
  requestId: string;
  label: unknown;
}

export async function recordLabels(db: Db, modelName: string, records: LabelRecord[]): Promise<number> {
  const clean = records.filter((r) => typeof r.requestId === 'string' && r.requestId.length > 0 && r.label !== undefined && r.label !== null);
  for (let i = 0; i < clean.length; i += 1000) {
    await db
      .insert(labels)
      .values(clean.slice(i, i + 1000).map((r) => ({ requestId: r.requestId, modelName, label: r.label })))
      .onConflictDoUpdate({ target: labels.requestId, set: { label: sql`excluded.label`, receivedAt: new Date() } });
  }
  return clean.length;
}
