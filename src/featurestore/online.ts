/**
 * Online lookup: the stored features of many entities across several views in ONE database round trip, merged
 * with what the request itself carries. Request-time values win over stored ones (a caller that knows a fresher
 * value says so); a value older than the view's TTL counts as missing, as it did when the training table was built.
 */
import { and, inArray, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { featureOnline } from '../db/schema';
import { entityKey } from './keys';
import { durationMs, shortVersion, type VersionedFeatureView } from './spec';

export interface OnlineView {
  name: string;
  version: string;
  keys: string[];
  features: string[];
  ttlMs: number;
}

export const onlineView = (v: VersionedFeatureView): OnlineView => ({ name: v.view.name, version: v.version, keys: v.view.entity, features: v.view.features, ttlMs: durationMs(v.view.ttl) });

export interface MissingEntity {
  instance: number;
  view: string;
  /** The key as the request gave it, e.g. `customer_id=42`. */
  key: string;
  reason: 'no key in the request' | 'unknown entity' | 'stale';
}

export interface OnlineLookup {
  /** One object per instance: the request's fields, then each view's stored features where the request has none. */
  instances: Record<string, unknown>[];
  missing: MissingEntity[];
}

function describeKey(view: OnlineView, inst: Record<string, unknown>): string {
  return view.keys.map((k) => `${k}=${JSON.stringify(inst[k] ?? null)}`).join(', ');
}

export async function lookupOnline(db: Db, views: readonly OnlineView[], instances: readonly Record<string, unknown>[], now = Date.now()): Promise<OnlineLookup> {
  const missing: MissingEntity[] = [];
  const wanted = new Map<string, Set<string>>();
  const keyOf: (string | null)[][] = instances.map((inst, i) =>
    views.map((v) => {
      if (v.keys.some((k) => inst[k] === undefined || inst[k] === null)) {
        // Every feature given in the request: nothing to look up.
        if (v.features.every((f) => inst[f] !== undefined)) return null;
        missing.push({ instance: i, view: v.name, key: describeKey(v, inst), reason: 'no key in the request' });
        return null;
      }
      const key = entityKey(v.keys.map((k) => inst[k]));
      let set = wanted.get(v.version);
      if (!set) wanted.set(v.version, (set = new Set()));
      set.add(key);
      return key;
    }),
  );

  const found = new Map<string, { eventTime: Date; values: Record<string, unknown> }>();
  if (wanted.size > 0) {
    // One statement for every view and entity of the request.
    const conditions = [...wanted].map(([version, keys]) => and(sql`${featureOnline.viewVersion} = ${version}`, inArray(featureOnline.entityKey, [...keys])));
    const rows = await db
      .select({ viewVersion: featureOnline.viewVersion, entityKey: featureOnline.entityKey, eventTime: featureOnline.eventTime, values: featureOnline.values })
      .from(featureOnline)
      .where(conditions.length === 1 ? conditions[0] : sql.join(conditions.map((c) => sql`(${c})`), sql` or `));
    for (const r of rows) found.set(`${r.viewVersion}\0${r.entityKey}`, { eventTime: r.eventTime, values: r.values as Record<string, unknown> });
  }

  const merged = instances.map((inst, i) => {
    const out: Record<string, unknown> = {};
    views.forEach((v, j) => {
      const key = keyOf[i][j];
      if (key === null) return;
      const hit = found.get(`${v.version}\0${key}`);
      if (!hit) {
        if (!v.features.every((f) => inst[f] !== undefined)) missing.push({ instance: i, view: v.name, key: describeKey(v, inst), reason: 'unknown entity' });
        // Null rather than absent, for a model whose spec imputes missing values.
        for (const f of v.features) out[f] = null;
        return;
      }
      if (now - hit.eventTime.getTime() > v.ttlMs) {
        missing.push({ instance: i, view: v.name, key: describeKey(v, inst), reason: 'stale' });
        for (const f of v.features) out[f] = null;
        return;
      }
      for (const f of v.features) out[f] = hit.values[f] ?? null;
    });
    // Request-time values override or complement the stored ones.
    return Object.assign(out, inst);
  });
  return { instances: merged, missing };
}

/** A missing entity as one sentence a client can act on. */
export function missingMessage(m: MissingEntity, views: readonly OnlineView[]): string {
  const v = views.find((x) => x.name === m.view);
  const version = v ? ` (version ${shortVersion(v.version)})` : '';
  switch (m.reason) {
    case 'no key in the request':
      return `instances[${m.instance}]: no ${v?.keys.join(', ') ?? 'key'} to look up feature view "${m.view}"; send the entity key, or every one of its features (${v?.features.join(', ')})`;
    case 'unknown entity':
      return `instances[${m.instance}]: ${m.key} is not in the online store of feature view "${m.view}"${version}; check the key, or materialize the view (bosun features materialize ${m.view})`;
    case 'stale':
      return `instances[${m.instance}]: the stored features of ${m.key} in feature view "${m.view}" are older than its TTL; materialize the view again`;
  }
}

interface Waiting {
  instances: readonly Record<string, unknown>[];
  resolve: (r: OnlineLookup) => void;
  reject: (err: unknown) => void;
}

/**
 * Lookups that arrive in the same turn of the event loop share one query (per set of views): under load a
 * serving process makes far fewer round trips than requests, and never more than one per request. On PGlite,
 * which runs queries one at a time on the serving thread, this is most of the by-key path's throughput.
 */
export class OnlineLookupBatcher {
  private readonly queues = new Map<string, { views: readonly OnlineView[]; waiting: Waiting[] }>();
  constructor(private readonly db: Db) {}

  lookup(views: readonly OnlineView[], instances: readonly Record<string, unknown>[]): Promise<OnlineLookup> {
    const key = views.map((v) => v.version).join(',');
    let q = this.queues.get(key);
    if (!q) {
      q = { views, waiting: [] };
      this.queues.set(key, q);
      setImmediate(() => void this.flush(key));
    }
    const waiting = q.waiting;
    return new Promise((resolve, reject) => waiting.push({ instances, resolve, reject }));
  }

  private async flush(key: string): Promise<void> {
    const q = this.queues.get(key)!;
    this.queues.delete(key);
    const all = q.waiting.flatMap((w) => w.instances);
    try {
      const r = await lookupOnline(this.db, q.views, all);
      let offset = 0;
      for (const w of q.waiting) {
        const n = w.instances.length;
        const missing = r.missing.filter((m) => m.instance >= offset && m.instance < offset + n).map((m) => ({ ...m, instance: m.instance - offset }));
        w.resolve({ instances: r.instances.slice(offset, offset + n), missing });
        offset += n;
      }
    } catch (err) {
      for (const w of q.waiting) w.reject(err);
    }
  }
}
