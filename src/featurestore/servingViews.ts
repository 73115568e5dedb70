/** The feature views a registered model was trained on, found through its run's stored spec, for serving. */
import { eq } from 'drizzle-orm';
import type { Db } from '../db/client';
import { runs } from '../db/schema';
import { loadSpec } from '../pipeline/specStore';
import type { ArtifactStore } from '../storage';
import { onlineView, type OnlineView } from './online';
import { parseFeatureViewsSection } from './spec';

export interface ModelFeatureViews {
  views: OnlineView[];
  onMissing: 'error' | 'impute';
  /** Fields the lookup consumes and the model never sees: the entity keys. */
  keyFields: string[];
}

/** Null for a model trained on a plain table (the usual case, answered from one query and then cached by the caller). */
export async function featureViewsOfRun(db: Db, store: ArtifactStore, runId: string): Promise<ModelFeatureViews | null> {
  const [run] = await db.select({ specHash: runs.specHash }).from(runs).where(eq(runs.id, runId));
  if (!run) return null;
  const spec = await loadSpec(store, run.specHash);
  if (!spec.featureViews) return null;
  const views = parseFeatureViewsSection(spec.featureViews).map(onlineView);
  return { views, onMissing: spec.featureViews.onMissing, keyFields: [...new Set(views.flatMap((v) => v.keys))] };
}
