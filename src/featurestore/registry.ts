/** Feature view versions in the database: registered when first used, found by name (latest) or version prefix. */
import { desc, eq, like } from 'drizzle-orm';
import type { Db } from '../db/client';
import { featureMaterializations, featureViews } from '../db/schema';
import { nearestName } from '../features/nearest';
import { BadInputError } from '../pipeline/errors';
import { parseFeatureView, type FeatureView, type VersionedFeatureView } from './spec';

export async function registerFeatureView(db: Db, v: VersionedFeatureView): Promise<void> {
  await db.insert(featureViews).values({ version: v.version, name: v.view.name, spec: v.view }).onConflictDoNothing();
}

/** `name` (its latest version), `name@<version prefix>`, or a bare version prefix of at least 8 hex digits. */
export async function findFeatureView(db: Db, ref: string): Promise<VersionedFeatureView> {
  const [name, prefix] = ref.includes('@') ? ref.split('@', 2) : /^[0-9a-f]{8,64}$/.test(ref) ? [undefined, ref] : [ref, undefined];
  const rows = prefix
    ? await db.select().from(featureViews).where(like(featureViews.version, `${prefix}%`)).orderBy(desc(featureViews.createdAt)).limit(2)
    : await db.select().from(featureViews).where(eq(featureViews.name, name!)).orderBy(desc(featureViews.createdAt)).limit(1);
  const hit = rows.filter((r) => name === undefined || r.name === name);
  if (hit.length === 0) {
    const names = [...new Set((await db.select({ name: featureViews.name }).from(featureViews)).map((r) => r.name))];
    const near = name ? nearestName(name, names) : undefined;
    throw new BadInputError(
      `feature view "${ref}" is not registered${near ? `; did you mean "${near}"?` : names.length ? `; registered views: ${names.join(', ')}` : '; none is registered yet: run `bosun features materialize <file>`'}`,
    );
  }
  if (prefix && hit.length > 1) throw new BadInputError(`feature view version "${prefix}" is ambiguous; give more hex digits`);
  return { view: hit[0].spec as FeatureView, version: hit[0].version };
}

export interface FeatureViewSummary {
  name: string;
  version: string;
  createdAt: Date;
  watermark: Date | null;
  rows: number;
}

/** Every registered version, newest first, with its materialization state. */
export async function listFeatureViews(db: Db): Promise<FeatureViewSummary[]> {
  const rows = await db
    .select({ name: featureViews.name, version: featureViews.version, createdAt: featureViews.createdAt, watermark: featureMaterializations.watermark, rows: featureMaterializations.rows })
    .from(featureViews)
    .leftJoin(featureMaterializations, eq(featureMaterializations.viewVersion, featureViews.version))
    .orderBy(featureViews.name, desc(featureViews.createdAt));
  return rows.map((r) => ({ ...r, rows: r.rows ?? 0 }));
}

/** Parses a view written in code and registers it: the one way a view enters the database. */
export async function registerFromCode(db: Db, raw: unknown, where?: string): Promise<VersionedFeatureView> {
  const v = parseFeatureView(raw, where);
  await registerFeatureView(db, v);
  return v;
}
