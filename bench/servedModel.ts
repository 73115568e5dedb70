/**
 * The serving benchmarks' setup: a fitted model and its features registered and promoted to production as a run
 * would leave them (dataset, dataset version, feature set, model version), without running a pipeline.
 */
import type { Db } from '../src/db/client';
import { datasets, datasetVersions, featureSets } from '../src/db/schema';
import { serializeFeatures, type FittedFeatures } from '../src/features';
import type { Model } from '../src/ml/model';
import { serializeModel } from '../src/ml/serialize';
import { promote, registerVersion } from '../src/registry/registry';
import type { ArtifactStore } from '../src/storage';

export interface ServedModel {
  /** Dataset source shown in the registry, e.g. "bench:breast_cancer.csv". */
  source: string;
  rows: number;
  fitted: FittedFeatures;
  model: Model;
  /** One production version per entry, all of the same model artifact and feature set. */
  versions: { modelName: string; runId: string }[];
}

export async function registerServedModel(db: Db, store: ArtifactStore, o: ServedModel): Promise<void> {
  const [modelRef, featuresRef] = await Promise.all([store.put(JSON.stringify(serializeModel(o.model))), store.put(serializeFeatures(o.fitted))]);
  const [ds] = await db.insert(datasets).values({ source: o.source }).returning();
  const [dv] = await db.insert(datasetVersions).values({ datasetId: ds.id, contentHash: 'bench', tableHash: 'bench', rows: o.rows, schema: {}, statistics: {} }).returning();
  const [fs] = await db
    .insert(featureSets)
    .values({ datasetVersionId: dv.id, specHash: 'bench', fittedHash: featuresRef.hash, trainHash: 'bench', testHash: 'bench', featureNames: o.fitted.outputNames })
    .returning();
  for (const { modelName, runId } of o.versions) {
    const mv = await registerVersion(db, { modelName, runId, featureSetId: fs.id, algorithm: o.model.algorithm, params: {}, seed: 1, artifactHash: modelRef.hash, profileHash: null, metrics: null });
    await promote(db, modelName, mv.version, { breakGlass: true, reason: 'benchmark setup', actor: 'bench' });
  }
}
