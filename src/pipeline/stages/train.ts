/**
 * Train: optional hyperparameter search or model selection (each trial an activity of its own, scored on a
 * holdout or by k-fold cross-validation inside the training rows — the test split stays untouched for
 * evaluation), then the final fit of the winning algorithm and params on the whole training split, registered
 * once per run as a model version. A spec whose model is an ONNX file fits nothing: the
 * file is registered as the run's version (registerOnnxModel, also what a Python train step's result goes
 * through), with the same artifact, drift profile and lineage a fitted model gets.
 */
import { crossValidate, validationFolds } from '../../ml/crossValidation';
import type { Matrix } from '../../ml/matrix';
import { higherIsBetter, isMetricName, type MetricName } from '../../ml/metrics';
import type { Algorithm, ParamValues } from '../../ml/params';
import { createRng } from '../../ml/random';
import { expandSearch, pickBest } from '../../ml/search';
import { expandSelection, type Candidate } from '../../ml/selection';
import type { CvSpec } from '../../ml/spec';
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
import { bindOnnx, OnnxMismatchError, type OnnxHints } from '../../ml/onnx/binding';
import { OnnxModel } from '../../ml/onnx/model';
import { isOnnxSpec, isSelectionSpec, searchMetricOf, type OnnxModelSpec } from '../../ml/onnx/spec';
import { OnnxFormatError, readSignature } from '../../ml/onnx/signature';
import { serializeModel } from '../../ml/serialize';
import { uploadedHash } from '../onnxModel';
import { referenceProfile } from '../../monitor/referenceProfile';
import { loadRawRows } from '../rawRows';
import { loadSpec } from '../specStore';
import { runStep } from '../stepRunner';

export async function planTrials(deps: StageDeps, ctx: StepContext): Promise<Candidate[]> {
  const spec = await loadSpec(deps.store, ctx.specHash);
  if (isOnnxSpec(spec.model)) return [];
  if (isSelectionSpec(spec.model)) return expandSelection(spec.model, spec.seed);
  const algorithm = spec.model.algorithm;
  return expandSearch(spec.model, spec.seed).map((params) => ({ algorithm, params }));
}

/**
 * Scores one candidate: one fit on the holdout's training part, or one per fold, each scored on the rows it did
 * not see. `candidate` may be a bare params object: what planTrials returned for runs planned before model
 * selection existed, which a worker of this version may still be asked to continue.
 */
export async function trainTrial(deps: StageDeps, ctx: StepContext, features: FeaturesResult, candidate: Candidate | ParamValues, index: number): Promise<TrialResult> {
  const spec = await loadSpec(deps.store, ctx.specHash);
  if (isOnnxSpec(spec.model)) throw new BadInputError('model: an ONNX model is registered as it is; it has no hyperparameter search to run');
  const c = isCandidate(candidate) ? candidate : { algorithm: spec.model.algorithm as Algorithm, params: { ...spec.model.params, ...candidate } };
  const design = decodeDesign(await deps.store.get(features.trainHash));
  const metric = searchMetric(spec, design.task);
  const strata = design.task.kind === 'regression' ? undefined : design.y;
  const folds = (() => {
    try {
      return validationFolds(design.X.rows, cvOf(spec), createRng(spec.seed), strata);
    } catch (err) {
      throw new BadInputError(`${isSelectionSpec(spec.model) ? 'model.cv' : 'model.search.cv'}: ${(err as Error).message}`);
    }
  })();
  const { score, foldScores } = await crossValidate(design.X, design.y, folds, metric, async (X, y, f) => {
    const label = `trial ${index + 1} (${c.algorithm})${folds.length > 1 ? ` fold ${f + 1}/${folds.length}` : ''}`;
    return (await fit(deps, spec, c, X, y, design.task, label)).model;
  });
  return { algorithm: c.algorithm, params: c.params as Record<string, unknown>, score, metric, ...(folds.length > 1 ? { foldScores } : {}) };
}

function isCandidate(x: Candidate | ParamValues): x is Candidate {
  return typeof (x as { algorithm?: unknown }).algorithm === 'string' && typeof (x as { params?: unknown }).params === 'object';
}

function cvOf(spec: PipelineSpec): CvSpec | undefined {
  return isSelectionSpec(spec.model) ? spec.model.cv : spec.model.search?.cv;
}

export async function trainStage(deps: StageDeps, ctx: StepContext, features: FeaturesResult, trials: TrialResult[] | null, trialCount: number): Promise<TrainResult> {
  const spec = await loadSpec(deps.store, ctx.specHash);
  if (isOnnxSpec(spec.model)) return trainOnnx(deps, ctx, features, spec.model, spec.seed);
  let algorithm = spec.model.algorithm as Algorithm;
  let params: Record<string, unknown> = { ...spec.model.params };
  if (trials && trials.length) {
    const metric = trials[0].metric as MetricName;
    const best = pickBest(trials, (t) => t.score, higherIsBetter(metric) ? 'higher' : 'lower');
    // A trial recorded before model selection names no algorithm: it is the spec's own.
    if (best.item.algorithm) algorithm = best.item.algorithm as Algorithm;
    params = isSelectionSpec(spec.model) ? { ...best.item.params } : { ...params, ...best.item.params };
  } else if (isSelectionSpec(spec.model)) {
    throw new BadInputError('model.candidates: a selection needs its trials scored before the final fit; none were given');
  }
  // A reproduction's output names no version: it must never be a cache hit for a run that registers one.
  const key = hashOf('train', features.trainHash, algorithm, params, spec.seed, ...(ctx.reproduce ? ['reproduce'] : []));
  return runStep<TrainResult>(deps.db, ctx, 'train', key, async () => {
    const design = decodeDesign(await deps.store.get(features.trainHash));
    const { artifact, model } = await fit(deps, spec, { algorithm, params: params as ParamValues }, design.X, design.y, design.task, 'train', design.featureNames);
    const metrics = trials ? { search: trials.map((t) => ({ ...(t.algorithm ? { algorithm: t.algorithm } : {}), params: t.params, [t.metric]: t.score, ...(t.foldScores ? { folds: t.foldScores } : {}) })) } : null;
    return registerModel(deps, ctx, features, design, { model, artifact: JSON.stringify(artifact), params, seed: spec.seed, metrics, trials: trialCount });
  });
}

/** Stores the model artifact, and (unless reproducing) its drift profile, the version and its lineage. */
async function registerModel(
  deps: StageDeps,
  ctx: StepContext,
  features: FeaturesResult,
  design: Design,
  m: { model: Model; artifact: string; params: Record<string, unknown>; seed: number; metrics: Record<string, unknown> | null; trials: number },
): Promise<Omit<TrainResult, 'cached'>> {
  const ref = await deps.store.put(m.artifact);
  await indexArtifact(deps.db, ref, 'model', 'application/json');
  // `bosun reproduce` compares the artifact's sha256 with the recorded one: no version, no lineage, no profile.
  if (ctx.reproduce) return { modelVersionId: -1, modelName: ctx.pipeline, version: -1, artifactHash: ref.hash, algorithm: m.model.algorithm, params: m.params, trials: m.trials };
  deps.progress?.({ stage: 'train', step: 'reference profile' });
  const profile = await deps.store.put(JSON.stringify(await profileOf(deps, features, design, m.model)));
  await indexArtifact(deps.db, profile, 'drift_profile', 'application/json');
  const version = await registerVersion(deps.db, {
    modelName: ctx.pipeline,
    runId: ctx.runId,
    featureSetId: features.featureSetId,
    algorithm: m.model.algorithm,
    params: m.params,
    seed: m.seed,
    artifactHash: ref.hash,
    profileHash: profile.hash,
    metrics: m.metrics,
  });
  await link(deps.db, ['feature_set', features.featureSetId], ['model_version', version.id], 'trained_on');
  await link(deps.db, ['run', ctx.runId], ['model_version', version.id], 'produced');
  return { modelVersionId: version.id, modelName: ctx.pipeline, version: version.version, artifactHash: ref.hash, algorithm: m.model.algorithm, params: m.params, trials: m.trials };
}

/** An ONNX file already in the artifact store, and what its producer says about it. */
export interface OnnxRegistration extends OnnxHints {
  /** The ONNX bytes in Bosun's artifact store (a Python train step's result carries exactly this). */
  onnx: { sha256: string; bytes?: number };
  /** e.g. "sklearn.linear_model.LogisticRegression"; shown in the model card and kept with the version. */
  framework: string;
  /** The producer's own parameters, kept with the version (small JSON). */
  params?: Record<string, unknown>;
  seed?: number;
}

async function trainOnnx(deps: StageDeps, ctx: StepContext, features: FeaturesResult, model: OnnxModelSpec, seed: number): Promise<TrainResult> {
  const registration: OnnxRegistration = { onnx: { sha256: uploadedHash(model.onnx) }, framework: model.framework ?? 'onnx', inputs: model.inputs, classes: model.classes, output: model.output, seed };
  const key = hashOf('train', features.trainHash, 'onnx', registration, ...(ctx.reproduce ? ['reproduce'] : []));
  return runStep<TrainResult>(deps.db, ctx, 'train', key, () => registerOnnxModel(deps, ctx, features, registration));
}

/**
 * Registers an ONNX model as this run's model version, as the train stage does for a fitted one: checks the model
 * against the run's fitted features (every input names a feature column, its classes are the target's; a
 * BadInputError says which and what to do), stores the Bosun artifact wrapping it, the drift profile of its
 * predictions on the training rows, the version and its lineage (including the ONNX file itself). Idempotent for a
 * run (a retry finds the version the first attempt registered). Called by the train stage for `model: { onnx }`
 * and with a Python train step's result.
 */
export async function registerOnnxModel(deps: StageDeps, ctx: StepContext, features: FeaturesResult, m: OnnxRegistration): Promise<Omit<TrainResult, 'cached'>> {
  let bytes: Buffer;
  try {
    bytes = await deps.store.get(m.onnx.sha256);
  } catch (err) {
    throw new BadInputError(`model.onnx: the ONNX file sha256:${m.onnx.sha256} is not in the artifact store (${(err as Error).message}); upload it before registering`);
  }
  const design = decodeDesign(await deps.store.get(features.trainHash));
  let model: OnnxModel;
  try {
    const binding = bindOnnx(readSignature(bytes), design.featureNames, design.task, m);
    model = new OnnxModel(design.task, design.X.cols, bytes, binding, { sha256: m.onnx.sha256, framework: m.framework });
    model.featureNames = [...design.featureNames];
    // A model that loads but cannot run on these columns fails here, not at evaluation or serving.
    model.predict({ rows: Math.min(design.X.rows, 8), cols: design.X.cols, data: design.X.data.subarray(0, Math.min(design.X.rows, 8) * design.X.cols) });
  } catch (err) {
    if (err instanceof OnnxMismatchError || err instanceof OnnxFormatError) throw new BadInputError(`model.onnx: ${err.message}`);
    throw new BadInputError(`model.onnx: ${(err as Error).message}`);
  }
  await indexArtifact(deps.db, { hash: m.onnx.sha256, size: bytes.length }, 'onnx_model', 'application/onnx');
  const params = { ...(m.params ?? {}), framework: m.framework, onnxSha256: m.onnx.sha256, inputs: model.binding.inputs.map((i) => i.name) };
  const result = await registerModel(deps, ctx, features, design, { model, artifact: JSON.stringify(serializeModel(model)), params, seed: m.seed ?? 0, metrics: null, trials: 0 });
  if (result.modelVersionId > 0) await link(deps.db, ['artifact', m.onnx.sha256], ['model_version', result.modelVersionId], 'registered_from');
  return result;
}

async function fit(
  deps: StageDeps,
  spec: PipelineSpec,
  model: { algorithm: Algorithm; params?: ParamValues },
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
    if (err instanceof FitError && (err.originalName === 'ModelSpecError' || err.originalName === 'ModelInputError')) {
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
  const m = searchMetricOf(spec.model) ?? spec.evaluation.primaryMetric ?? (task.kind === 'regression' ? 'rmse' : task.kind === 'binary' ? 'roc_auc' : 'log_loss');
  if (!isMetricName(m)) throw new BadInputError(`${isSelectionSpec(spec.model) ? 'model.metric' : 'model.search.metric'}: unknown metric "${m}"`);
  return m;
}
