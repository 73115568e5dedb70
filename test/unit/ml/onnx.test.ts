import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { readTable } from '../../../src/data/read';
import type { Table } from '../../../src/data/table';
import { fitFeatures, transformTable } from '../../../src/features';
import type { Matrix } from '../../../src/ml/matrix';
import { fitModel, type Model } from '../../../src/ml/model';
import { bindOnnx, OnnxMismatchError } from '../../../src/ml/onnx/binding';
import { exportOnnx, OnnxExportError } from '../../../src/ml/onnx/export';
import { OnnxModel } from '../../../src/ml/onnx/model';
import { decodeOnnx, encodeOnnx, ELEM } from '../../../src/ml/onnx/proto';
import { readSignature, withoutZipMap } from '../../../src/ml/onnx/signature';
import { deserializeModel, serializeModel } from '../../../src/ml/serialize';
import type { Task } from '../../../src/ml/task';
import { encodeTarget, resolveTask } from '../../../src/pipeline/target';
import { maxAbsDiff } from './helpers';

const DATA = fileURLToPath(new URL('../../../data/', import.meta.url));

interface Fitted {
  model: Model;
  X: Matrix;
  task: Task;
  names: string[];
}

async function fitOn(file: string, target: string, algorithm: 'logistic_regression' | 'linear_regression' | 'gbdt', o: { task?: 'regression'; positiveClass?: string } = {}): Promise<Fitted> {
  const table: Table = await readTable(readFileSync(DATA + file));
  const task = resolveTask({ target, task: o.task, positiveClass: o.positiveClass }, table);
  const { y } = encodeTarget(table, target, task);
  const fitted = fitFeatures({ auto: true }, table, { target });
  const X = transformTable(fitted, table);
  const model = fitModel({ algorithm, params: algorithm === 'gbdt' ? { maxIter: 5 } : {} }, X, y, task, { seed: 1, featureNames: fitted.outputNames });
  return { model, X, task, names: fitted.outputNames };
}

/** The independent reference: onnxruntime's public async API on the exported bytes, fed doubles. */
async function publicRun(bytes: Uint8Array, X: Matrix, output: string): Promise<Float64Array> {
  const session = await InferenceSession.create(bytes);
  const result = await session.run({ input: new Tensor('float64', Float64Array.from(X.data), [X.rows, X.cols]) });
  return Float64Array.from(result[output].data as Float64Array);
}

function asOnnx(f: Fitted, bytes: Uint8Array, hints = {}): OnnxModel {
  const binding = bindOnnx(readSignature(bytes), f.names, f.task, hints);
  return new OnnxModel(f.task, f.X.cols, bytes, binding, { sha256: 'a'.repeat(64), framework: 'bosun' });
}

describe('ONNX export of Bosun models', () => {
  let breast: Fitted;
  let wine: Fitted;
  let fair: Fitted;
  beforeAll(async () => {
    breast = await fitOn('breast_cancer.csv', 'diagnosis', 'logistic_regression', { positiveClass: 'malignant' });
    wine = await fitOn('wine.csv', 'cultivar', 'logistic_regression');
    fair = await fitOn('fair.csv', 'affairs', 'linear_regression', { task: 'regression' });
  });

  it('binary logistic regression: onnxruntime gives Bosun\'s probabilities within 1e-6 (30 features, 569 rows)', async () => {
    const bytes = exportOnnx(breast.model);
    const ours = breast.model.predict(breast.X);
    const theirs = await publicRun(bytes, breast.X, 'probabilities');
    expect(theirs.length).toBe(ours.length);
    expect(maxAbsDiff(theirs, ours)).toBeLessThan(1e-6);
    // Not a vacuous match: the probabilities spread over (0, 1).
    expect(Math.min(...ours.filter((_, i) => i % 2 === 1))).toBeLessThan(0.05);
    expect(Math.max(...ours.filter((_, i) => i % 2 === 1))).toBeGreaterThan(0.95);
  });

  it('multinomial logistic regression and linear regression round-trip within 1e-6', async () => {
    const w = exportOnnx(wine.model);
    expect(maxAbsDiff(await publicRun(w, wine.X, 'probabilities'), wine.model.predict(wine.X))).toBeLessThan(1e-6);
    const r = exportOnnx(fair.model);
    expect(maxAbsDiff(await publicRun(r, fair.X, 'variable'), fair.model.predict(fair.X))).toBeLessThan(1e-6);
  });

  it('names its inputs and classes in metadata, which is all the binding needs', () => {
    const sig = readSignature(exportOnnx(breast.model));
    expect(sig.inputs).toEqual([{ name: 'input', elemType: ELEM.DOUBLE, shape: [null, 30] }]);
    expect(JSON.parse(sig.metadata['bosun.inputs'])).toEqual(breast.names);
    expect(JSON.parse(sig.metadata['bosun.classes'])).toEqual(['benign', 'malignant']);
    const binding = bindOnnx(sig, breast.names, breast.task);
    expect(binding.inputs[0].columns).toEqual(breast.names.map((_, i) => i));
    expect(binding.classColumns).toEqual([0, 1]);
  });

  it('refuses GBDT with what can be exported instead', async () => {
    const gbdt = await fitOn('breast_cancer.csv', 'diagnosis', 'gbdt', { positiveClass: 'malignant' });
    expect(() => exportOnnx(gbdt.model)).toThrow(OnnxExportError);
    expect(() => exportOnnx(gbdt.model)).toThrow(/logistic_regression and linear_regression can/);
  });
});

describe('OnnxModel (the synchronous session behind Model.predict)', () => {
  let breast: Fitted;
  beforeAll(async () => {
    breast = await fitOn('breast_cancer.csv', 'diagnosis', 'logistic_regression', { positiveClass: 'malignant' });
  });

  it('predicts what the public async API predicts, and survives the Bosun artifact round trip', async () => {
    const bytes = exportOnnx(breast.model);
    const model = asOnnx(breast, bytes);
    const sync = model.predict(breast.X);
    expect(maxAbsDiff(sync, await publicRun(bytes, breast.X, 'probabilities'))).toBe(0);
    const loaded = deserializeModel(JSON.stringify(serializeModel(model)));
    expect(loaded.algorithm).toBe('onnx');
    expect(maxAbsDiff(loaded.predict(breast.X), sync)).toBe(0);
  });

  it('feeds each input the columns it names, whatever order the features come in', () => {
    const bytes = exportOnnx(breast.model);
    // The same features, reversed: the binding must undo it.
    const reversed = [...breast.names].reverse();
    const Xr = { rows: breast.X.rows, cols: breast.X.cols, data: new Float64Array(breast.X.data.length) };
    for (let i = 0; i < Xr.rows; i++) for (let j = 0; j < Xr.cols; j++) Xr.data[i * Xr.cols + j] = breast.X.data[i * Xr.cols + (Xr.cols - 1 - j)];
    const model = asOnnx({ ...breast, names: reversed }, bytes);
    expect(maxAbsDiff(model.predict(Xr), breast.model.predict(breast.X))).toBeLessThan(1e-12);
  });

  it('reads an skl2onnx-style ZipMap output: drops the ZipMap, takes class labels from it, maps them with model.classes', () => {
    const bytes = withZipMap(exportOnnx(breast.model), [0, 1]);
    const sig = readSignature(bytes);
    expect(sig.classes).toEqual(['0', '1']);
    expect(sig.outputs.map((o) => o.name)).toEqual(['probabilities_f']);
    expect(() => bindOnnx(sig, breast.names, breast.task)).toThrow(/the model's classes \(0, 1\) are not the target's \(benign, malignant\).*model\.classes/);
    const model = asOnnx(breast, bytes, { classes: ['benign', 'malignant'] });
    // float32 probabilities: equal to Bosun's to float precision.
    expect(maxAbsDiff(model.predict(breast.X), breast.model.predict(breast.X))).toBeLessThan(1e-6);
    // The rewrite touched only the ZipMap: the rest decodes the same.
    const stripped = decodeOnnx(withoutZipMap(bytes));
    expect(stripped.graph!.node!.map((n) => n.opType)).toEqual(['MatMul', 'Add', 'Sigmoid', 'Sub', 'Concat', 'Cast']);
    expect(stripped.metadataProps).toEqual(decodeOnnx(bytes).metadataProps);
  });

  it('a model input that reads a column the data lacks is refused, naming the input, the column and the fix', () => {
    const bytes = exportOnnx(breast.model);
    const names = breast.names.map((n) => (n === 'mean radius' ? 'radius_mean' : n));
    let err: unknown;
    try {
      bindOnnx(readSignature(bytes), names, breast.task);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(OnnxMismatchError);
    expect((err as Error).message).toMatch(/^model input "input" reads column "mean radius", which the data's features do not have \(they are: .*radius_mean.*\); .*model\.inputs/);
  });

  it('a one-tensor model that does not name its columns needs model.inputs, and a wrong count is refused', () => {
    const model = decodeOnnx(exportOnnx(breast.model));
    model.metadataProps = [];
    const bytes = encodeOnnx(model);
    expect(() => bindOnnx(readSignature(bytes), breast.names, breast.task, { classes: ['benign', 'malignant'] })).toThrow(
      'model input "input" takes 30 columns but the model does not name them; list the feature columns it was trained on, in order, as model.inputs: ["<column>", …]',
    );
    expect(() => bindOnnx(readSignature(bytes), breast.names, breast.task, { inputs: breast.names.slice(0, 29) })).toThrow(/takes 30 columns but 29 are named/);
    const bound = bindOnnx(readSignature(bytes), breast.names, breast.task, { inputs: breast.names, classes: ['benign', 'malignant'] });
    expect(bound.inputs[0].columns).toHaveLength(30);
  });

  it('bytes that are not ONNX are refused as such', () => {
    expect(() => readSignature(new TextEncoder().encode('{"format":"bosun.model"}'))).toThrow(/not an ONNX model/);
  });
});

/** The exported model with skl2onnx's ending: probabilities cast to float, then a ZipMap over integer labels. */
function withZipMap(bytes: Uint8Array, labels: number[]): Uint8Array {
  const m = decodeOnnx(bytes);
  const g = m.graph!;
  g.node!.push(
    { opType: 'Cast', input: ['probabilities'], output: ['probabilities_f'], name: 'cast', attribute: [{ name: 'to', type: 2, i: ELEM.FLOAT }] },
    { opType: 'ZipMap', domain: 'ai.onnx.ml', input: ['probabilities_f'], output: ['output_probability'], name: 'zipmap', attribute: [{ name: 'classlabels_int64s', type: 7, ints: labels }] },
  );
  g.output = [{ name: 'output_probability', type: { sequenceType: { elemType: { mapType: { keyType: ELEM.INT64, valueType: { tensorType: { elemType: ELEM.FLOAT } } } } } } }];
  m.opsetImport.push({ domain: 'ai.onnx.ml', version: 1 });
  return encodeOnnx(m);
}
