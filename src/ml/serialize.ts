import { z } from 'zod';
import type { Model } from './model';
import { taskSchema, type ClassificationTask, type Task } from './task';
import { ALGORITHMS, paramProblems, resolveParams, type Algorithm } from './params';
import { formatPath } from './spec';
import { LogisticModel } from './logistic';
import { LinearModel } from './linear';
import { GbdtModel, treesPerIteration } from './gbdt';
import type { Tree } from './tree/tree';
import { OnnxModel } from './onnx/model';

/**
 * Versioned JSON artifact for fitted models; the format is specified in docs/model-format.md.
 * Numbers are plain JSON numbers: JavaScript prints doubles with enough digits to parse back to the
 * same bits, which is what makes loaded models predict bit-identically.
 */
export const MODEL_FORMAT = 'bosun.model';
export const MODEL_FORMAT_VERSION = 1;

export interface SerializedTree {
  feature: number[];
  /** null encodes +Infinity (the "NaN vs every real value" split), which JSON cannot represent. */
  threshold: (number | null)[];
  missingLeft: number[];
  left: number[];
  right: number[];
  value: number[];
}

/**
 * An ONNX model: the file itself (base64, so the artifact stays one self-contained JSON document that loads
 * synchronously like the others) and how its tensors meet the feature columns (src/ml/onnx/binding.ts).
 */
export interface OnnxState {
  onnx: string;
  sha256: string;
  framework: string;
  binding: OnnxModel['binding'];
}

export type ModelState =
  | { coef: number[]; intercept: number[] }
  | { coef: number[]; intercept: number }
  | { baseline: number[]; trees: SerializedTree[] }
  | OnnxState;

export interface ModelArtifact {
  format: typeof MODEL_FORMAT;
  version: typeof MODEL_FORMAT_VERSION;
  algorithm: Algorithm | 'onnx';
  task: Task;
  nFeatures: number;
  featureNames?: string[];
  params: Record<string, unknown>;
  state: ModelState;
}

export class ModelArtifactError extends Error {
  constructor(message: string) {
    super(`invalid model artifact: ${message}`);
    this.name = 'ModelArtifactError';
  }
}

export function serializeModel(model: Model): ModelArtifact {
  const base = {
    format: MODEL_FORMAT,
    version: MODEL_FORMAT_VERSION,
    algorithm: model.algorithm,
    task: model.task,
    nFeatures: model.nFeatures,
    ...(model.featureNames ? { featureNames: [...model.featureNames] } : {}),
  } as const;
  if (model instanceof LogisticModel) {
    return {
      ...base,
      params: { ...model.params },
      state: { coef: Array.from(model.coef), intercept: Array.from(model.intercept) },
    };
  }
  if (model instanceof LinearModel) {
    return { ...base, params: { ...model.params }, state: { coef: Array.from(model.coef), intercept: model.intercept } };
  }
  if (model instanceof GbdtModel) {
    return {
      ...base,
      params: { ...model.params },
      state: { baseline: Array.from(model.baseline), trees: model.trees.map(serializeTree) },
    };
  }
  if (model instanceof OnnxModel) {
    const state: OnnxState = { onnx: Buffer.from(model.bytes).toString('base64'), sha256: model.info.sha256, framework: model.info.framework, binding: model.binding };
    return { ...base, params: { framework: model.info.framework, onnxSha256: model.info.sha256 }, state };
  }
  throw new Error(
    `serializeModel: cannot save a ${model.algorithm} model of class ${model.constructor?.name ?? 'unknown'}; ` +
      'only models returned by fitModel or deserializeModel can be saved',
  );
}

function serializeTree(tree: Tree): SerializedTree {
  return {
    feature: Array.from(tree.feature),
    threshold: Array.from(tree.threshold, (t) => (t === Infinity ? null : t)),
    missingLeft: Array.from(tree.missingLeft),
    left: Array.from(tree.left),
    right: Array.from(tree.right),
    value: Array.from(tree.value),
  };
}

const finite = z.number().refine(Number.isFinite, 'expected a finite number');
const int = z.number().int();

const envelopeSchema = z.object({
  format: z.string(),
  version: z.number(),
  algorithm: z.enum(ALGORITHMS),
  task: taskSchema,
  nFeatures: int.min(1),
  featureNames: z.array(z.string()).optional(),
  params: z.record(z.string(), z.unknown()),
  state: z.record(z.string(), z.unknown()),
});

const onnxEnvelopeSchema = envelopeSchema.extend({ algorithm: z.literal('onnx') });
const onnxStateSchema = z.object({
  onnx: z.base64().min(1),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  framework: z.string(),
  binding: z.object({
    inputs: z.array(z.object({ name: z.string(), columns: z.array(int.min(0)).min(1), type: z.enum(['float32', 'float64']), rank: z.union([z.literal(1), z.literal(2)]) })).min(1),
    output: z.string().min(1),
    classColumns: z.array(int.min(0)).optional(),
  }),
});

const linearStateSchema = z.object({ coef: z.array(finite), intercept: finite });
const logisticStateSchema = z.object({ coef: z.array(finite), intercept: z.array(finite) });
const treeSchema = z.object({
  feature: z.array(int.min(-1)).min(1),
  threshold: z.array(z.number().nullable()),
  missingLeft: z.array(z.union([z.literal(0), z.literal(1)])),
  left: z.array(int),
  right: z.array(int),
  value: z.array(finite),
});
const gbdtStateSchema = z.object({ baseline: z.array(finite).min(1), trees: z.array(treeSchema) });

/**
 * Rebuilds a model from an artifact (object or JSON text). Checks everything a corrupted or
 * hand-edited file could get wrong (format, version, shapes, tree structure) and says where.
 */
export function deserializeModel(input: unknown): Model {
  let json = input;
  if (typeof input === 'string') {
    try {
      json = JSON.parse(input);
    } catch (e) {
      throw new ModelArtifactError(`not valid JSON (${(e as Error).message})`);
    }
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new ModelArtifactError('expected a JSON object');
  }
  const raw = json as Record<string, unknown>;
  if (raw.format !== MODEL_FORMAT) {
    throw new ModelArtifactError(
      `format is ${JSON.stringify(raw.format)}, expected "${MODEL_FORMAT}"; this file is not a Bosun model`,
    );
  }
  if (typeof raw.version === 'number' && raw.version > MODEL_FORMAT_VERSION) {
    throw new ModelArtifactError(
      `version ${raw.version} is newer than this Bosun build reads (up to ${MODEL_FORMAT_VERSION}); upgrade Bosun to load it`,
    );
  }
  if (raw.version !== MODEL_FORMAT_VERSION) {
    throw new ModelArtifactError(`version must be ${MODEL_FORMAT_VERSION}, got ${JSON.stringify(raw.version)}`);
  }
  if (raw.algorithm === 'onnx') return deserializeOnnx(raw);
  const env = parseWith(envelopeSchema, raw, '');
  if (env.featureNames && env.featureNames.length !== env.nFeatures) {
    throw new ModelArtifactError(`featureNames has ${env.featureNames.length} names but nFeatures is ${env.nFeatures}`);
  }
  const problems = paramProblems(env.algorithm, env.params);
  if (problems.length > 0) throw new ModelArtifactError(`params.${problems[0].name}: ${problems[0].message}`);
  const task = env.task as Task;
  const p = env.nFeatures;

  let model: Model;
  switch (env.algorithm) {
    case 'logistic_regression': {
      if (task.kind === 'regression') throw new ModelArtifactError('a logistic_regression model needs a classification task');
      const s = parseWith(logisticStateSchema, env.state, 'state');
      const rows = task.kind === 'binary' ? 1 : task.classes.length;
      expectLength(s.coef.length, rows * p, 'state.coef', `${rows} x ${p} weights`);
      expectLength(s.intercept.length, rows, 'state.intercept', `${rows} intercepts`);
      model = new LogisticModel(
        task as ClassificationTask,
        p,
        Float64Array.from(s.coef),
        Float64Array.from(s.intercept),
        resolveParams('logistic_regression', env.params),
      );
      break;
    }
    case 'linear_regression': {
      if (task.kind !== 'regression') throw new ModelArtifactError('a linear_regression model needs a regression task');
      const s = parseWith(linearStateSchema, env.state, 'state');
      expectLength(s.coef.length, p, 'state.coef', `${p} weights`);
      model = new LinearModel(p, Float64Array.from(s.coef), s.intercept, resolveParams('linear_regression', env.params));
      break;
    }
    case 'gbdt': {
      const s = parseWith(gbdtStateSchema, env.state, 'state');
      const K = treesPerIteration(task);
      expectLength(s.baseline.length, K, 'state.baseline', `${K} value(s) for a ${task.kind} task`);
      if (s.trees.length % K !== 0) {
        throw new ModelArtifactError(`state.trees has ${s.trees.length} trees, not a multiple of ${K} (one per class per iteration)`);
      }
      const trees = s.trees.map((t, i) => toTree(t, p, `state.trees[${i}]`));
      model = new GbdtModel(task, p, resolveParams('gbdt', env.params), Float64Array.from(s.baseline), trees);
      break;
    }
  }
  if (env.featureNames) model.featureNames = env.featureNames;
  return model;
}

function deserializeOnnx(raw: Record<string, unknown>): Model {
  const env = parseWith(onnxEnvelopeSchema, raw, '');
  const s = parseWith(onnxStateSchema, env.state, 'state');
  const task = env.task as Task;
  for (const [i, input] of s.binding.inputs.entries()) {
    const bad = input.columns.find((c) => c >= env.nFeatures);
    if (bad !== undefined) throw new ModelArtifactError(`state.binding.inputs[${i}] reads column ${bad} but the model has ${env.nFeatures} features`);
  }
  if (task.kind !== 'regression' && s.binding.classColumns?.length !== task.classes.length) {
    throw new ModelArtifactError(`state.binding.classColumns must name a column for each of the ${task.classes.length} classes`);
  }
  let model: OnnxModel;
  try {
    model = new OnnxModel(task, env.nFeatures, Buffer.from(s.onnx, 'base64'), s.binding, { sha256: s.sha256, framework: s.framework });
  } catch (err) {
    throw new ModelArtifactError(`state.onnx: ${(err as Error).message}`);
  }
  if (env.featureNames) model.featureNames = env.featureNames;
  return model;
}

/**
 * Children must come after their parent: guarantees every prediction walk ends at a leaf, so a
 * corrupted file cannot hang prediction in a cycle.
 */
function toTree(t: z.infer<typeof treeSchema>, nFeatures: number, where: string): Tree {
  const n = t.feature.length;
  for (const key of ['threshold', 'missingLeft', 'left', 'right', 'value'] as const) {
    expectLength(t[key].length, n, `${where}.${key}`, `${n} entries, one per node like feature`);
  }
  for (let i = 0; i < n; i++) {
    const f = t.feature[i];
    if (f === -1) continue;
    if (f >= nFeatures) {
      throw new ModelArtifactError(`${where}.feature[${i}] is ${f} but the model has ${nFeatures} features`);
    }
    for (const side of ['left', 'right'] as const) {
      const child = t[side][i];
      if (!(child > i && child < n)) {
        throw new ModelArtifactError(
          `${where}.${side}[${i}] is ${child}; a child index must be greater than its parent's (${i}) and below ${n}`,
        );
      }
    }
    if (t.threshold[i] !== null && !Number.isFinite(t.threshold[i])) {
      throw new ModelArtifactError(`${where}.threshold[${i}] must be a finite number or null (+Infinity)`);
    }
  }
  return {
    feature: Int32Array.from(t.feature),
    threshold: Float64Array.from(t.threshold, (v) => (v === null ? Infinity : v)),
    missingLeft: Uint8Array.from(t.missingLeft),
    left: Int32Array.from(t.left),
    right: Int32Array.from(t.right),
    value: Float64Array.from(t.value),
  };
}

function parseWith<T>(schema: z.ZodType<T>, value: unknown, where: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw new ModelArtifactError(`${formatPath(where, issue.path) || '(top level)'}: ${issue.message}`);
}

function expectLength(actual: number, expected: number, where: string, what: string): void {
  if (actual !== expected) throw new ModelArtifactError(`${where} has ${actual} entries, expected ${what}`);
}
