/**
 * How an ONNX model's tensors meet Bosun's columns: which feature columns feed each model input, which output holds
 * the probabilities (or the predicted value), and which of the model's probability columns is each of Bosun's
 * classes. Read from the model itself where it says (input names, ZipMap or classifier class labels, Bosun's own
 * metadata_props), else from the spec's hints; anything that does not fit is an OnnxMismatchError naming the input,
 * output or class and what to do.
 */
import type { Task } from '../task';
import { META_CLASSES, META_INPUTS } from './export';
import { ELEM } from './proto';
import type { OnnxSignature, TensorInfo } from './signature';

export interface OnnxInputBinding {
  /** The model's input tensor. */
  name: string;
  /** Indices into the feature columns, in the order the tensor's columns take them. */
  columns: number[];
  type: 'float32' | 'float64';
  /** 1: a [N] tensor (one column); 2: [N, columns]. */
  rank: 1 | 2;
}

export interface OnnxBinding {
  inputs: OnnxInputBinding[];
  /** The output tensor read: probabilities [N, C] for classification, values [N] or [N, 1] for regression. */
  output: string;
  /** Classification: for each of the task's classes in Bosun's order, its column in the model's probabilities. */
  classColumns?: number[];
}

/** What the spec (or a user step's result) says where the model does not. */
export interface OnnxHints {
  /** Feature columns the model reads: for a one-tensor input, its columns in order; for a model with one input per column, the column each input reads. */
  inputs?: string[];
  /** Class labels in the order of the model's probability output. */
  classes?: string[];
  /** Name of the output tensor holding the probabilities (classification) or predicted values (regression). */
  output?: string;
}

export class OnnxMismatchError extends Error {
  override name = 'OnnxMismatchError';
}

const TYPES: Record<number, OnnxInputBinding['type']> = { [ELEM.FLOAT]: 'float32', [ELEM.DOUBLE]: 'float64' };

/**
 * Binds the model to `columns` (the feature columns it will be fed, by name) for `task`. With `task` null (at
 * submit, before the data has been read) only the inputs are checked.
 */
export function bindOnnx(sig: OnnxSignature, columns: readonly string[], task: Task | null, hints: OnnxHints = {}): OnnxBinding {
  const inputs = bindInputs(sig, columns, hints);
  if (!task) return { inputs, output: '' };
  const output = pickOutput(sig, task, hints);
  if (task.kind === 'regression') return { inputs, output: output.name };
  return { inputs, output: output.name, classColumns: bindClasses(sig, task.classes, output, hints) };
}

function bindInputs(sig: OnnxSignature, columns: readonly string[], hints: OnnxHints): OnnxInputBinding[] {
  if (sig.inputs.length === 0) throw new OnnxMismatchError('the model has no inputs');
  const index = new Map(columns.map((c, i) => [c, i]));
  const find = (column: string, input: string): number => {
    const at = index.get(column);
    if (at !== undefined) return at;
    const shown = columns.length > 12 ? `${columns.slice(0, 12).join(', ')} … (${columns.length} in all)` : columns.join(', ');
    throw new OnnxMismatchError(
      `model input "${input}" reads column "${column}", which the data's features do not have (they are: ${shown || 'none'}); ` +
        'rename the column in the data, or map the model\'s inputs to columns with model.inputs: ["<column>", …] in the model\'s order',
    );
  };
  if (sig.inputs.length === 1) {
    const input = sig.inputs[0];
    const type = inputType(input);
    const width = input.shape && input.shape.length >= 2 ? input.shape[1] : input.shape?.length === 1 ? 1 : null;
    const names = hints.inputs ?? metaList(sig, META_INPUTS) ?? (width === 1 ? [input.name] : undefined);
    if (!names) {
      throw new OnnxMismatchError(
        `model input "${input.name}" takes ${width ?? 'several'} columns but the model does not name them; list the feature columns it ` +
          'was trained on, in order, as model.inputs: ["<column>", …]',
      );
    }
    if (width !== null && names.length !== width) {
      throw new OnnxMismatchError(`model input "${input.name}" takes ${width} columns but ${names.length} are named (${names.join(', ')}); name exactly ${width} in model.inputs`);
    }
    return [{ name: input.name, columns: names.map((n) => find(n, input.name)), type, rank: input.shape?.length === 1 ? 1 : 2 }];
  }
  if (hints.inputs && hints.inputs.length !== sig.inputs.length) {
    throw new OnnxMismatchError(
      `the model has ${sig.inputs.length} inputs (${sig.inputs.map((i) => i.name).join(', ')}) but model.inputs names ${hints.inputs.length} columns; ` +
        'name one column per model input, in the model\'s input order',
    );
  }
  return sig.inputs.map((input, i) => {
    const width = input.shape?.[1];
    if (input.shape && input.shape.length >= 2 && width !== 1 && width !== null) {
      throw new OnnxMismatchError(`model input "${input.name}" takes ${width} columns; with several inputs Bosun feeds each one column (shape [N, 1]); export the model with one input per column or one [N, k] input`);
    }
    const column = hints.inputs?.[i] ?? input.name;
    return { name: input.name, columns: [find(column, input.name)], type: inputType(input), rank: input.shape?.length === 1 ? 1 : 2 };
  });
}

function inputType(input: TensorInfo): OnnxInputBinding['type'] {
  const type = TYPES[input.elemType];
  if (!type) {
    throw new OnnxMismatchError(
      `model input "${input.name}" is not a float or double tensor (ONNX element type ${input.elemType}); Bosun feeds numeric feature columns as float or double: ` +
        're-export the model with FloatTensorType or DoubleTensorType inputs, and encode categories with Bosun\'s features',
    );
  }
  return type;
}

function pickOutput(sig: OnnxSignature, task: Task, hints: OnnxHints): TensorInfo {
  const numeric = sig.outputs.filter((o) => TYPES[o.elemType]);
  const list = sig.outputs.map((o) => o.name).join(', ');
  if (hints.output) {
    const named = sig.outputs.find((o) => o.name === hints.output);
    if (!named) throw new OnnxMismatchError(`model.outputs names "${hints.output}", which the model does not have; its outputs are: ${list}`);
    if (!TYPES[named.elemType]) throw new OnnxMismatchError(`model output "${named.name}" is not a float or double tensor; name the probability (or value) output in model.outputs`);
    return named;
  }
  if (task.kind === 'regression') {
    if (numeric.length === 1) return numeric[0];
    throw new OnnxMismatchError(`the model has ${numeric.length} numeric outputs (${list}); name the one holding the predicted value as model.outputs: "<name>"`);
  }
  const k = task.classes.length;
  const zip = sig.zipMapInput ? numeric.find((o) => o.name === sig.zipMapInput) : undefined;
  const candidates = zip ? [zip] : numeric.filter((o) => o.shape?.length === 2 && (o.shape[1] === k || o.shape[1] === null));
  const byName = candidates.find((o) => /probabilit/i.test(o.name));
  if (byName ?? candidates.length === 1) return byName ?? candidates[0];
  throw new OnnxMismatchError(
    `cannot tell which model output holds the ${k} class probabilities (outputs: ${list}); name it as model.outputs: "<name>"`,
  );
}

function bindClasses(sig: OnnxSignature, classes: readonly string[], output: TensorInfo, hints: OnnxHints): number[] {
  const modelClasses = hints.classes ?? sig.classes ?? metaList(sig, META_CLASSES);
  if (!modelClasses) {
    throw new OnnxMismatchError(
      `the model does not name the classes of its probability output "${output.name}"; list them in the order of its columns as model.classes: [${classes.map((c) => JSON.stringify(c)).join(', ')}] (or however the model orders them)`,
    );
  }
  const width = output.shape?.[1];
  if (typeof width === 'number' && width !== modelClasses.length) {
    throw new OnnxMismatchError(`model output "${output.name}" has ${width} columns but ${modelClasses.length} classes are named (${modelClasses.join(', ')})`);
  }
  const missing = classes.filter((c) => !modelClasses.includes(c));
  const extra = modelClasses.filter((c) => !classes.includes(c));
  if (missing.length || extra.length || modelClasses.length !== classes.length) {
    throw new OnnxMismatchError(
      `the model's classes (${modelClasses.join(', ')}) are not the target's (${classes.join(', ')})` +
        `${missing.length ? `; missing: ${missing.join(', ')}` : ''}${extra.length ? `; not in the data: ${extra.join(', ')}` : ''}; ` +
        'when the model calls them by other names (e.g. 0 and 1), give the target\'s labels in the order of the model\'s columns as model.classes',
    );
  }
  return classes.map((c) => modelClasses.indexOf(c));
}

function metaList(sig: OnnxSignature, key: string): string[] | undefined {
  const raw = sig.metadata[key];
  if (raw === undefined) return undefined;
  try {
    const list = JSON.parse(raw) as unknown;
    if (Array.isArray(list) && list.every((x) => typeof x === 'string')) return list;
  } catch {
    // fall through to the error below
  }
  throw new OnnxMismatchError(`the model's metadata_props "${key}" is not a JSON list of strings: ${raw.slice(0, 80)}`);
}
