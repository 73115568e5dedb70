/**
 * A real model trained in-process and promoted in a real (embedded) database, for serving tests that need no
 * Temporal: the library fits the features and the model on a shipped dataset, the artifacts go to a filesystem store
 * in a temporary directory, and the version is registered and promoted in `db` (PGlite in memory by default, or a
 * PostgreSQL given by the caller). The same steps a pipeline's train and deploy stages take, without the workflow.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readTable } from '../../../../src/data/read';
import { isFloatColumn, type Table } from '../../../../src/data/table';
import { openDb, type Db, type DbHandle } from '../../../../src/db/client';
import { datasets, datasetVersions, featureSets } from '../../../../src/db/schema';
import { fitFeatures, serializeFeatures, transformTable } from '../../../../src/features';
import { fitModel } from '../../../../src/ml/model';
import { serializeModel } from '../../../../src/ml/serialize';
import { encodeTarget, resolveTask } from '../../../../src/pipeline/target';
import { promote, registerVersion } from '../../../../src/registry/registry';
import { FsArtifactStore } from '../../../../src/storage/fsStore';

export const DATA_DIR = fileURLToPath(new URL('../../../../data/', import.meta.url));

export interface ModelSpec {
  name: string;
  file: 'breast_cancer.csv' | 'wine.csv' | 'fair.csv' | 'vote.csv';
  target: string;
  task?: 'regression';
  positiveClass?: string;
  algorithm: 'logistic_regression' | 'linear_regression' | 'gbdt';
}

export const BREAST_CANCER: Omit<ModelSpec, 'name'> = { file: 'breast_cancer.csv', target: 'diagnosis', positiveClass: 'malignant', algorithm: 'logistic_regression' };
export const FAIR_REGRESSION: Omit<ModelSpec, 'name'> = { file: 'fair.csv', target: 'affairs', task: 'regression', algorithm: 'linear_regression' };

export interface ServedModelFixture {
  home: string;
  store: FsArtifactStore;
  db: Db;
  /** The dataset's rows (target removed) as JSON instances, per model name. */
  rows: Map<string, Record<string, unknown>[]>;
  close(): Promise<void>;
}

/** The table's rows as instances (the target left out; missing values as null). */
export function instancesOf(table: Table, target: string): Record<string, unknown>[] {
  const cols = table.columns.filter((c) => c.name !== target);
  return Array.from({ length: table.nrows }, (_, i) =>
    Object.fromEntries(cols.map((c) => [c.name, isFloatColumn(c) ? (Number.isNaN(c.values[i]) ? null : c.values[i]) : c.codes[i] >= 0 ? c.levels[c.codes[i]] : null])),
  );
}

/** Trains, registers and promotes each model; `db` defaults to a fresh in-memory PGlite. */
export async function servedModels(specs: ModelSpec[], db?: DbHandle): Promise<ServedModelFixture> {
  const home = mkdtempSync(path.join(os.tmpdir(), 'bosun-served-'));
  const store = new FsArtifactStore(path.join(home, 'artifacts'));
  const handle = db ?? (await openDb({ kind: 'pglite', dataDir: 'memory://' }));
  const rows = new Map<string, Record<string, unknown>[]>();
  for (const s of specs) {
    const table = await readTable(readFileSync(path.join(DATA_DIR, s.file)));
    const task = resolveTask({ target: s.target, task: s.task, positiveClass: s.positiveClass }, table);
    const { y } = encodeTarget(table, s.target, task);
    const fitted = fitFeatures({ auto: true }, table, { target: s.target });
    const model = fitModel({ algorithm: s.algorithm, params: {} }, transformTable(fitted, table), y, task, { seed: 1, featureNames: fitted.outputNames });
    const [modelRef, featuresRef] = await Promise.all([store.put(JSON.stringify(serializeModel(model))), store.put(serializeFeatures(fitted))]);
    const [ds] = await handle.db.insert(datasets).values({ source: `test:${s.name}:${s.file}` }).returning();
    const [dv] = await handle.db
      .insert(datasetVersions)
      .values({ datasetId: ds.id, contentHash: `test-${s.name}`, tableHash: `test-${s.name}`, rows: table.nrows, schema: {}, statistics: {} })
      .returning();
    const [fs] = await handle.db
      .insert(featureSets)
      .values({ datasetVersionId: dv.id, specHash: 'test', fittedHash: featuresRef.hash, trainHash: 'test', testHash: 'test', featureNames: fitted.outputNames })
      .returning();
    const mv = await registerVersion(handle.db, {
      modelName: s.name,
      runId: `test-run-${s.name}`,
      featureSetId: fs.id,
      algorithm: s.algorithm,
      params: {},
      seed: 1,
      artifactHash: modelRef.hash,
      profileHash: null,
      metrics: null,
    });
    // No pipeline run approved it: promoted the audited emergency way, as an operator would without a run.
    await promote(handle.db, s.name, mv.version, { breakGlass: true, reason: 'test fixture trained in-process, no pipeline run', actor: 'serving-tests' });
    rows.set(s.name, instancesOf(table, s.target));
  }
  return {
    home,
    store,
    db: handle.db,
    rows,
    async close() {
      if (!db) await handle.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}
