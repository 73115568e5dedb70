/**
 * Features: split the dataset, fit the transform graph on the training rows only, materialize train and
 * test design matrices. The fitted graph is the artifact serving applies, so training and serving share code.
 */
import { and, eq } from 'drizzle-orm';
import { decodeTable } from '../../data/codec';
import { randomSplit, stratifiedSplit, timeSplit } from '../../data/split';
import { takeRows, type Table } from '../../data/table';
import { featureSets } from '../../db/schema';
import { fitFeatures, serializeFeatures, transformTable, validateFeaturesSpec } from '../../features';
import type { FeaturesResult, IngestResult, StepContext } from '../../contract/types';
import { hashOf } from '../canonical';
import type { StageDeps } from '../deps';
import { encodeDesign } from '../design';
import { BadInputError } from '../errors';
import { indexArtifact, link } from '../records';
import type { PipelineSpec } from '../spec';
import { loadSpec } from '../specStore';
import { runStep } from '../stepRunner';
import { encodeTarget, resolveTask } from '../target';

export async function featuresStage(deps: StageDeps, ctx: StepContext, ingested: IngestResult): Promise<FeaturesResult> {
  const spec = await loadSpec(deps.store, ctx.specHash);
  const specPart = { features: spec.features, split: spec.split, target: spec.target, task: spec.task ?? null, positive: spec.positiveClass ?? null, seed: spec.seed };
  const key = hashOf('features', ingested.tableHash, specPart);
  // Pure in its inputs (the table and the spec's feature section): pipelines with the same data share it.
  return runStep<FeaturesResult>(deps.db, ctx, 'features', key, async () => {
    const table = decodeTable(await deps.store.get(ingested.tableHash));
    const task = resolveTask(spec, table);
    const target = encodeTarget(table, spec.target, task);

    if (!spec.features.auto) {
      const problems = validateFeaturesSpec(spec.features, table.columns.map((c) => ({ name: c.name, type: c.type })), { target: spec.target });
      if (problems.length) throw new BadInputError(`features spec does not fit the data:\n  ${problems.join('\n  ')}`);
    }

    // Rows without a target can be neither trained nor scored.
    const labelled = labelledRows(target.y);
    const split = splitRows(spec, table, labelled, task.kind !== 'regression');
    const trainTable = takeRows(table, split.train);
    let fitted;
    try {
      fitted = fitFeatures(spec.features, trainTable, { target: spec.target });
    } catch (err) {
      throw new BadInputError(`features: ${(err as Error).message}`);
    }
    const design = (rows: Int32Array, part: Table) => ({
      X: transformTable(fitted, part),
      y: Float64Array.from(rows, (r) => target.y[r]),
      rowIndex: rows,
      featureNames: fitted.outputNames,
      task,
    });
    const testTable = takeRows(table, split.test);
    const [fittedRef, trainRef, testRef] = await Promise.all([
      deps.store.put(serializeFeatures(fitted)),
      deps.store.put(encodeDesign(design(split.train, trainTable))),
      deps.store.put(encodeDesign(design(split.test, testTable))),
    ]);
    await indexArtifact(deps.db, fittedRef, 'features', 'application/json');
    await indexArtifact(deps.db, trainRef, 'feature_data', 'application/x-bosun-design');
    await indexArtifact(deps.db, testRef, 'feature_data', 'application/x-bosun-design');

    const specHash = hashOf(specPart);
    await deps.db
      .insert(featureSets)
      .values({ datasetVersionId: ingested.datasetVersionId, specHash, fittedHash: fittedRef.hash, trainHash: trainRef.hash, testHash: testRef.hash, featureNames: fitted.outputNames })
      .onConflictDoNothing();
    const [fs] = await deps.db
      .select()
      .from(featureSets)
      .where(and(eq(featureSets.datasetVersionId, ingested.datasetVersionId), eq(featureSets.specHash, specHash)));
    await link(deps.db, ['dataset_version', ingested.datasetVersionId], ['feature_set', fs.id], 'features_of');
    return {
      featureSetId: fs.id,
      fittedHash: fs.fittedHash,
      trainHash: fs.trainHash,
      testHash: fs.testHash,
      nFeatures: fitted.outputNames.length,
      trainRows: split.train.length,
      testRows: split.test.length,
    };
  }, { sharedAcrossPipelines: true });
}

function labelledRows(y: Float64Array): Int32Array {
  const out: number[] = [];
  for (let i = 0; i < y.length; i++) if (!Number.isNaN(y[i])) out.push(i);
  return Int32Array.from(out);
}

/** Splits the labelled rows; returns indexes into the full table. */
function splitRows(spec: PipelineSpec, table: Table, labelled: Int32Array, classification: boolean) {
  const sub = labelled.length === table.nrows ? table : takeRows(table, labelled);
  const opts = { testRatio: spec.split.testSize, seed: spec.seed };
  let parts;
  try {
    if (spec.split.strategy === 'time') parts = timeSplit(sub, spec.split.timeColumn!, opts);
    else if (spec.split.strategy === 'stratified' && classification) parts = stratifiedSplit(sub, spec.target, opts);
    else parts = randomSplit(sub.nrows, opts);
  } catch (err) {
    throw new BadInputError(`split: ${(err as Error).message}`);
  }
  const back = (idx: Int32Array) => Int32Array.from(idx, (i) => labelled[i]);
  if (parts.train.length === 0 || parts.test.length === 0) {
    throw new BadInputError(`split: ${table.nrows} labelled rows are too few to split into train and test; add data or lower split.testSize`);
  }
  return { train: back(parts.train), test: back(parts.test) };
}
