/**
 * Feature views as code: an entity (its key columns), a source (any Bosun source), the column that says when
 * each value became true, the feature columns, and how long a value stays valid (TTL).
 *
 * ```ts
 * export default defineFeatureView({
 *   name: 'customer-activity',
 *   entity: 'customer_id',
 *   source: 's3://lake/customer_activity.parquet',
 *   timestamp: 'event_time',
 *   features: ['balance', 'txn_count_30d', 'segment'],
 *   ttl: '30d',
 * });
 * ```
 *
 * A view is versioned by the sha256 of its canonical JSON: any change to what it reads or keeps is a new
 * version, and training tables and online rows name the version they came from.
 */
import { z } from 'zod';
import { formatSpecPath } from '../evaluate/spec';
import { nearestName } from '../features/nearest';
import { hashOf } from '../pipeline/canonical';
import { BadInputError } from '../pipeline/errors';
import { sourceSchema } from '../pipeline/sourceSpec';

const nameRe = /^[a-z][a-z0-9-]{0,62}$/;
const columnName = z.string().min(1, 'column names must not be empty');
const columnList = z.preprocess((v) => (typeof v === 'string' ? [v] : v), z.array(columnName, { error: 'expected a column name or a list of column names' }).min(1, 'name at least one column'));

const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** "30d" → milliseconds; the schema has already checked the shape. */
export function durationMs(d: string): number {
  const m = /^(\d+)(s|m|h|d)$/.exec(d)!;
  return Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
}

export const featureViewSchema = z
  .strictObject({
    name: z.string().regex(nameRe, 'expected lowercase letters, digits and dashes, starting with a letter (e.g. "customer-activity")'),
    description: z.string().optional(),
    /** The entity's key columns: one name, or several for a composite key. */
    entity: columnList,
    source: sourceSchema,
    /** The event-time column: when each row's values became true (a datetime, or epoch milliseconds). */
    timestamp: columnName,
    features: columnList,
    /** A value older than this at the time it is asked for counts as missing. */
    ttl: z.string().regex(/^\d+(s|m|h|d)$/, 'expected a duration such as "12h" or "30d"'),
  })
  .superRefine((v, ctx) => {
    const keys = Array.isArray(v.entity) ? v.entity : [];
    const features = Array.isArray(v.features) ? v.features : [];
    const seen = new Set<string>();
    for (const [i, f] of features.entries()) {
      if (keys.includes(f)) ctx.addIssue({ code: 'custom', path: ['features', i], message: `"${f}" is an entity key column; keys identify the entity and are not features` });
      else if (f === v.timestamp) ctx.addIssue({ code: 'custom', path: ['features', i], message: `"${f}" is the timestamp column; list only value columns as features` });
      else if (seen.has(f)) ctx.addIssue({ code: 'custom', path: ['features', i], message: `"${f}" is listed twice` });
      seen.add(f);
    }
    if (keys.includes(v.timestamp)) ctx.addIssue({ code: 'custom', path: ['timestamp'], message: `"${v.timestamp}" is also an entity key; the timestamp must be its own column` });
    if (typeof v.ttl === 'string' && /^0+(s|m|h|d)$/.test(v.ttl)) ctx.addIssue({ code: 'custom', path: ['ttl'], message: 'a TTL of zero keeps no value; give a positive duration such as "30d"' });
  });

export type FeatureViewInput = z.input<typeof featureViewSchema>;
export type FeatureView = z.output<typeof featureViewSchema> & { entity: string[]; features: string[] };

/** A parsed view with its content version. */
export interface VersionedFeatureView {
  view: FeatureView;
  /** sha256 hex of the view's canonical JSON. */
  version: string;
}

/** Types a feature view for the editor; validation happens when it is used. */
export function defineFeatureView(view: FeatureViewInput): FeatureViewInput {
  return view;
}

const FIELDS = ['name', 'description', 'entity', 'source', 'timestamp', 'features', 'ttl'];

export function parseFeatureView(raw: unknown, where = 'feature view'): VersionedFeatureView {
  const res = featureViewSchema.safeParse(raw);
  if (!res.success) {
    const problems = res.error.issues.map((issue) => {
      const at = issue.path.length ? `${formatSpecPath(issue.path)}: ` : '';
      if (issue.code === 'unrecognized_keys') {
        return (issue as { keys: string[] }).keys
          .map((k) => {
            const near = nearestName(k, FIELDS);
            return `${at}unknown field "${k}"${near ? `; did you mean "${near}"?` : `; a view has ${FIELDS.join(', ')}`}`;
          })
          .join('\n  ');
      }
      if (issue.code === 'invalid_type' && !issue.path.length) return 'a feature view is an object such as defineFeatureView({ name, entity, source, timestamp, features, ttl })';
      return `${at}${issue.message}`;
    });
    const name = typeof (raw as { name?: unknown })?.name === 'string' ? ` "${(raw as { name: string }).name}"` : '';
    throw new BadInputError(`${where}${name} is invalid:\n  ${problems.join('\n  ')}`);
  }
  const view = res.data as FeatureView;
  return { view, version: featureViewVersion(view) };
}

export function featureViewVersion(view: FeatureView): string {
  return hashOf('feature-view/v1', view);
}

/** The first 12 hex digits of a version: what people read and type. */
export const shortVersion = (version: string) => version.slice(0, 12);

/**
 * A pipeline's `featureViews` section: the pipeline's source is the entity dataframe (keys, event time,
 * label and any request-time columns); each listed view is joined onto it as of each row's time.
 */
export const featureViewsSectionSchema = z.strictObject({
  /** The entity dataframe's event-time column: features are taken as of this time, never later. */
  timestamp: columnName,
  views: z.array(z.unknown(), { error: 'expected a list of feature views (defineFeatureView objects)' }).min(1, 'name at least one feature view'),
  /**
   * At serving, an entity the online store does not know (or knows only past the TTL): `error` answers 422 naming
   * the key; `impute` sends its features as nulls to the model, whose fitted imputation fills them.
   */
  onMissing: z.enum(['error', 'impute']).default('error'),
});
export type FeatureViewsSection = z.output<typeof featureViewsSectionSchema>;

/** Parses every view of a pipeline's section and refuses two views that would produce the same column. */
export function parseFeatureViewsSection(section: FeatureViewsSection): VersionedFeatureView[] {
  const views = section.views.map((raw, i) => parseFeatureView(raw, `featureViews.views[${i}]`));
  const owner = new Map<string, string>();
  const names = new Set<string>();
  for (const { view } of views) {
    if (names.has(view.name)) throw new BadInputError(`featureViews.views: the view "${view.name}" is listed twice`);
    names.add(view.name);
    for (const f of view.features) {
      const prev = owner.get(f);
      if (prev) throw new BadInputError(`featureViews.views: feature "${f}" comes from both "${prev}" and "${view.name}"; rename the column in one of the views' sources`);
      owner.set(f, view.name);
    }
  }
  return views;
}
