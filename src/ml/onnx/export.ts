/**
 * Bosun models as ONNX files (`bosun models export`). Logistic and linear regression become standard ai.onnx
 * operators in double precision (MatMul, Add, then Sigmoid or Softmax), so onnxruntime reproduces Bosun's
 * probabilities to rounding; GBDT is not exported yet (ONNX-ML's TreeEnsemble operators compute in float32, which
 * misses Bosun's 1e-6 agreement on deep ensembles, and need their own parity work).
 *
 * The file's input is one double tensor [N, p] of the model's feature columns (the fitted features' outputs, in
 * the model's order), named in metadata_props `bosun.inputs`; classes in probability order are in `bosun.classes`.
 * The feature transforms are not part of the file: a model trained behind `features: { steps: [], passthrough:
 * 'keep' }` takes raw columns, one trained behind standardize takes standardized ones.
 */
import type { Model } from '../model';
import { LinearModel } from '../linear';
import { LogisticModel } from '../logistic';
import { ELEM, encodeOnnx, type ModelJson, type NodeJson, type TensorJson, type TypeProtoJson } from './proto';

export const INPUT_NAME = 'input';
export const PROBABILITIES = 'probabilities';
export const VARIABLE = 'variable';
export const META_INPUTS = 'bosun.inputs';
export const META_CLASSES = 'bosun.classes';

export class OnnxExportError extends Error {
  override name = 'OnnxExportError';
}

export function exportOnnx(model: Model, o: { name?: string; docString?: string } = {}): Uint8Array {
  const p = model.nFeatures;
  const names = model.featureNames ?? Array.from({ length: p }, (_, j) => `x${j}`);
  const nodes: NodeJson[] = [];
  const initializers: TensorJson[] = [];
  let output: { name: string; width: number };
  if (model instanceof LogisticModel) {
    const k = model.task.classes.length;
    const rows = model.task.kind === 'binary' ? 1 : k;
    // Bosun keeps weights class-major (rows x p); MatMul wants them feature-major (p x rows).
    initializers.push(doubles('W', [p, rows], transpose(model.coef, rows, p)), doubles('B', [rows], model.intercept));
    nodes.push(node('MatMul', [INPUT_NAME, 'W'], ['xw']), node('Add', ['xw', 'B'], ['logits']));
    if (model.task.kind === 'binary') {
      initializers.push(doubles('one', [1], [1]));
      nodes.push(node('Sigmoid', ['logits'], ['p1']), node('Sub', ['one', 'p1'], ['p0']), node('Concat', ['p0', 'p1'], [PROBABILITIES], [{ name: 'axis', type: 2, i: 1 }]));
    } else {
      nodes.push(node('Softmax', ['logits'], [PROBABILITIES], [{ name: 'axis', type: 2, i: 1 }]));
    }
    output = { name: PROBABILITIES, width: k };
  } else if (model instanceof LinearModel) {
    initializers.push(doubles('W', [p, 1], model.coef), doubles('B', [1], [model.intercept]));
    nodes.push(node('MatMul', [INPUT_NAME, 'W'], ['xw']), node('Add', ['xw', 'B'], [VARIABLE]));
    output = { name: VARIABLE, width: 1 };
  } else {
    throw new OnnxExportError(
      `a ${model.algorithm} model cannot be exported to ONNX yet; logistic_regression and linear_regression can ` +
        '(GBDT needs float32 tree operators whose rounding Bosun has not matched yet)',
    );
  }
  const metadataProps = [{ key: META_INPUTS, value: JSON.stringify(names) }];
  if (model.task.kind !== 'regression') metadataProps.push({ key: META_CLASSES, value: JSON.stringify(model.task.classes) });
  const onnx: ModelJson = {
    irVersion: 8,
    opsetImport: [{ domain: '', version: 13 }],
    producerName: 'bosun',
    producerVersion: '1',
    docString: o.docString ?? `Bosun ${model.algorithm} model`,
    graph: {
      name: o.name ?? model.algorithm,
      node: nodes,
      initializer: initializers,
      input: [{ name: INPUT_NAME, type: doubleTensor(p) }],
      output: [{ name: output.name, type: doubleTensor(output.width) }],
    },
    metadataProps,
  };
  return encodeOnnx(onnx);
}

function node(opType: string, input: string[], output: string[], attribute?: NodeJson['attribute']): NodeJson {
  return { opType, input, output, name: output[0], ...(attribute ? { attribute } : {}) };
}

function doubles(name: string, dims: number[], values: ArrayLike<number>): TensorJson {
  return { name, dims, dataType: ELEM.DOUBLE, doubleData: Array.from(values) };
}

function doubleTensor(width: number): TypeProtoJson {
  return { tensorType: { elemType: ELEM.DOUBLE, shape: { dim: [{ dimParam: 'N' }, { dimValue: width }] } } };
}

function transpose(a: Float64Array, rows: number, cols: number): Float64Array {
  const out = new Float64Array(a.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = a[r * cols + c];
  return out;
}
