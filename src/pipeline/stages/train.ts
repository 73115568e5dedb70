/**
 * Train: optional hyperparameter search (each trial an activity of its own, scored on a holdout carved from
 * the training rows — the test split stays untouched for evaluation), then the final fit with the winning
 * params, registered once per run as a model version.
 */
import { holdoutSplit } from '../../ml/holdout';
import { matrix, type Matrix } from '../../ml/matrix';
import { higherIsBetter, isMetricName, scoreMetric, type MetricName } from '../../ml/metrics';
import type { ParamValues } from '../../ml/params';
import { createRng } from '../../ml/random';
import { expandSearch, pickBest } from '../../ml/search';
import { FitError, fitInThread } from '../../ml/thread/fitInThread';
import type { Task } from '../../ml/task';
import { registerVersion } from '../../registry/registry';
import type { FeaturesResult, StepContext, TrainResult, TrialResult } from '../../contract/types';
import { hashOf } from '../canonical';
import type { StageDeps } from '../deps';
import { decodeDesign, type Design } from '../design';
import { BadInputError } from '../errors';
import { indexArtifact, link } from '../records';
import type { PipelineSpec } from '../spec';
import { deserializeFeatures } from '../../features';
import type { Model } from '../../ml/model';
import { referenceProfile } from '../../monitor/referenceProfile';
import { loadRawRows } from '../rawRows';
import { loadSpec } from '../specStore';
import { runStep } from '../stepRunner';

const TRIAL_HOLDOUT = 0.2;

export async function planTrials(deps: StageDeps, ctx: StepContext): Promise<ParamValues[]> {
  const spec = await loadSpec(deps.store, ctx.specHash);
  return expandSearch(spec.model, spec.seed);
}

export async function trainTrial(deps: StageDeps, ctx: StepContext, features: FeaturesResult, params: ParamValues, index: number): Promise<TrialResult> {
  const spec = await loadSpec(deps.store, ctx.specHash);
  const design = decodeDesign(await deps.store.get(features.trainHash));
  const metric = searchMetric(spec, design.task);
  const rng = createRng(spec.seed);
  const strata = design.task.kind === 'regression' ? undefined : design.y;
  const split = holdoutSplit(design.X.rows, TRIAL_HOLDOUT, rng, strata);
  const fitPart = subset(design, split.train);
  const valPart = subset(design, split.validation);
  const { model } = await fit(deps, spec, { algorithm: spec.model.algorithm, params: { ...spec.model.params, ...params } }, fitPart.X, fitPart.y, design.task, `trial ${index + 1}`);
  const score = scoreMetric(metric, valPart.y, model.predict(valPart.X));
  return { params: params as Record<string, unknown>, score, metric };
}

export async function trainStage(deps: StageDeps, ctx: StepContext, features: FeaturesResult, trials: TrialResult[] | null, trialCount: number): Promise<TrainResult> {
  const spec = await loadSpec(deps.store, ctx.specHash);
  let params: Record<string, unknown> = { ...spec.model.params };
  if (trials && trials.length) {
    const metric = trials[0].metric as MetricName;
    const best = pickBest(trials, (t) => t.score, higherIsBetter(metric) ? 'higher' : 'lower');
    params = { ...params, ...best.item.params };
  }
  // A reproduction's output names no version: it must never be a cache hit for a run that registers one.
  const key = hashOf('train', features.trainHash, spec.model.algorithm, params, spec.seed, ...(ctx.reproduce ? ['reproduce'] : []));
  return runStep<TrainResult>(deps.db, ctx, 'train', key, async () => {
    const design = decodeDesign(await deps.store.get(features.trainHash));
    const { artifact, model } = await fit(deps, spec, { algorithm: spec.model.algorithm, params: params as ParamValues }, design.X, design.y, design.task, 'train', design.featureNames);
    const ref = await deps.store.put(JSON.stringify(artifact));
    await indexArtifact(deps.db, ref, 'model', 'application/json');
    // `bosun reproduce` compares the artifact's sha256 with the recorded one: no version, no lineage, no profile.
    if (ctx.reproduce) return { modelVersionId: -1, modelName: ctx.pipeline, version: -1, artifactHash: ref.hash, params, trials: trialCount };
    deps.progress?.({ stage: 'train', step: 'reference profile' });
    const profile = await deps.store.put(JSON.stringify(await profileOf(deps, features, design, model)));
    await indexArtifact(deps.db, profile, 'drift_profile', 'application/json');
    const version = await registerVersion(deps.db, {
      modelName: ctx.pipeline,
      runId: ctx.runId,
      featureSetId: features.featureSetId,
      algorithm: spec.model.algorithm,
      params,
      seed: spec.seed,
      artifactHash: ref.hash,
      profileHash: profile.hash,
      metrics: trials ? { search: trials.map((t) => ({ params: t.params, [t.metric]: t.score })) } : null,
    });
    await link(deps.db, ['feature_set', features.featureSetId], ['model_version', version.id], 'trained_on');
    await link(deps.db, ['run', ctx.runId], ['model_version', version.id], 'produced');
    return { modelVersionId: version.id, modelName: ctx.pipeline, version: version.version, artifactHash: ref.hash, params, trials: trialCount };
  });
}

async function fit(
  deps: StageDeps,
  spec: PipelineSpec,
  model: { algorithm: PipelineSpec['model']['algorithm']; params?: ParamValues },
  X: Matrix,
  y: Float64Array,
  task: Task,
  stage: string,
  featureNames?: string[],
) {
  try {
    return await fitInThread(model, X, y, task, { seed: spec.seed, featureNames, signal: deps.signal, onProgress: (p) => deps.progress?.({ stage, ...p }) });
  } catch (err) {
    // A spec that cannot fit this task is the user's to fix; numerical trouble on good input is a bug to see.
    if (err instanceof FitError && (err.originalName === 'ModelSpecError' || /is a classifier|predicts numbers|hold out/.test(err.message))) {
      throw new BadInputError(`model: ${err.message}`);
    }
    throw err;
  }
}

/** The drift reference: training rows as serving receives them, and the model's predictions on them. */
async function profileOf(deps: StageDeps, features: FeaturesResult, design: Design, model: Model) {
  const fitted = deserializeFeatures((await deps.store.get(features.fittedHash)).toString('utf8'));
  const rows = await loadRawRows(deps, features.featureSetId, design.rowIndex);
  return referenceProfile(rows, fitted, design.task, model.predict(design.X));
}

function searchMetric(spec: PipelineSpec, task: Task): MetricName {
  const m = spec.model.search?.metric ?? spec.evaluation.primaryMetric ?? (task.kind === 'regression' ? 'rmse' : task.kind === 'binary' ? 'roc_auc' : 'log_loss');
  if (!isMetricName(m)) throw new BadInputError(`model.search.metric: unknown metric "${m}"`);
  return m;
}

function subset(d: Design, rows: Int32Array): { X: Matrix; y: Float64Array } {
  const cols = d.X.cols;
  const X = new Float64Array(rows.length * cols);
  const y = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    X.set(d.X.data.subarray(rows[i] * cols, rows[i] * cols + cols), i * cols);
    y[i] = d.y[rows[i]];
  }
  return { X: matrix(rows.length, cols, X), y };
}
