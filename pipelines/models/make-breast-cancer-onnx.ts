/**
 * Writes pipelines/models/breast-cancer-lr.onnx, the model pipelines/onnx-model.ts registers: a standardize +
 * logistic-regression model over the 30 raw breast-cancer columns, shaped the way skl2onnx exports a scikit-learn
 * Pipeline(StandardScaler, LogisticRegression), so the example exercises what a model trained elsewhere looks like
 * without needing Python here: one float32 input "float_input" [N, 30] that does not name its columns, an int64
 * "output_label", and the probabilities behind a ZipMap keyed by the integer labels 0 and 1.
 *
 *   npx tsx pipelines/models/make-breast-cancer-onnx.ts
 *
 * The weights come from Bosun's own logistic regression fitted on the standardized columns (seed 1), so the file is
 * the same on every run.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readTable } from '../../src/data/read';
import { isFloatColumn } from '../../src/data/table';
import { LogisticModel } from '../../src/ml/logistic';
import { matrix } from '../../src/ml/matrix';
import { fitModel } from '../../src/ml/model';
import { ATTR, ELEM, encodeOnnx, type NodeJson, type TensorJson } from '../../src/ml/onnx/proto';
import { encodeTarget, resolveTask } from '../../src/pipeline/target';

export const COLUMNS_NOTE = 'the 30 numeric columns of data/breast_cancer.csv, in file order';

export async function makeBreastCancerOnnx(): Promise<Uint8Array> {
  const table = await readTable(readFileSync(fileURLToPath(new URL('../../data/breast_cancer.csv', import.meta.url))));
  const task = resolveTask({ target: 'diagnosis', positiveClass: 'malignant' }, table);
  const { y } = encodeTarget(table, 'diagnosis', task);
  const cols = table.columns.filter(isFloatColumn).filter((c) => c.name !== 'diagnosis');
  const n = table.nrows;
  const p = cols.length;
  const mean = cols.map((c) => c.values.reduce((a, b) => a + b, 0) / n);
  const sd = cols.map((c, j) => Math.sqrt(c.values.reduce((a, v) => a + (v - mean[j]) ** 2, 0) / n) || 1);
  const X = matrix(n, p);
  for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) X.data[i * p + j] = (cols[j].values[i] - mean[j]) / sd[j];
  const lr = fitModel({ algorithm: 'logistic_regression' }, X, y, task, { seed: 1 }) as LogisticModel;

  const floats = (name: string, dims: number[], v: ArrayLike<number>): TensorJson => ({ name, dims, dataType: ELEM.FLOAT, floatData: Array.from(v) });
  const initializer = [floats('mean', [p], mean), floats('scale', [p], sd), floats('coef', [p, 1], lr.coef), floats('intercept', [1], lr.intercept), floats('one', [1], [1])];
  const node = (opType: string, input: string[], output: string[], attribute?: NodeJson['attribute'], domain?: string): NodeJson => ({ opType, input, output, name: output[0], attribute, domain });
  const nodes = [
    node('Sub', ['float_input', 'mean'], ['centred']),
    node('Div', ['centred', 'scale'], ['scaled']),
    node('MatMul', ['scaled', 'coef'], ['xw']),
    node('Add', ['xw', 'intercept'], ['logit']),
    node('Sigmoid', ['logit'], ['p1']),
    node('Sub', ['one', 'p1'], ['p0']),
    node('Concat', ['p0', 'p1'], ['probabilities'], [{ name: 'axis', type: ATTR.INT, i: 1 }]),
    node('ArgMax', ['probabilities'], ['output_label'], [{ name: 'axis', type: ATTR.INT, i: 1 }, { name: 'keepdims', type: ATTR.INT, i: 0 }]),
    node('ZipMap', ['probabilities'], ['output_probability'], [{ name: 'classlabels_int64s', type: ATTR.INTS, ints: [0, 1] }], 'ai.onnx.ml'),
  ];
  return encodeOnnx({
    irVersion: 8,
    opsetImport: [
      { domain: '', version: 13 },
      { domain: 'ai.onnx.ml', version: 1 },
    ],
    producerName: 'bosun-fixture',
    producerVersion: '1',
    docString: `StandardScaler + LogisticRegression on ${COLUMNS_NOTE}; 0 = benign, 1 = malignant`,
    graph: {
      name: 'breast_cancer_lr',
      node: nodes,
      initializer,
      input: [{ name: 'float_input', type: { tensorType: { elemType: ELEM.FLOAT, shape: { dim: [{ dimParam: 'N' }, { dimValue: p }] } } } }],
      output: [
        { name: 'output_label', type: { tensorType: { elemType: ELEM.INT64, shape: { dim: [{ dimParam: 'N' }] } } } },
        { name: 'output_probability', type: { sequenceType: { elemType: { mapType: { keyType: ELEM.INT64, valueType: { tensorType: { elemType: ELEM.FLOAT } } } } } } },
      ],
    },
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const out = fileURLToPath(new URL('./breast-cancer-lr.onnx', import.meta.url));
  const bytes = await makeBreastCancerOnnx();
  writeFileSync(out, bytes);
  console.log(`wrote ${out} (${bytes.length} bytes)`);
}
