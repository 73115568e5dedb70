/**
 * An ONNX model as a Bosun Model: it takes the same design matrix Bosun's own models take (the fitted features'
 * columns) and returns the same shape (class probabilities in the task's class order, or values), so evaluation,
 * the champion comparison, permutation importance, drift profiles and serving treat it like any other version.
 * The binding (binding.ts) picks and orders the columns each ONNX input reads and the probability columns.
 */
import type { Matrix } from '../matrix';
import type { Model } from '../model';
import type { Task } from '../task';
import type { OnnxBinding } from './binding';
import { OnnxSession, Tensor } from './session';
import { withoutZipMap } from './signature';

export interface OnnxModelInfo {
  /** sha256 of the ONNX file as registered (before any ZipMap is dropped). */
  sha256: string;
  /** Who made it, e.g. "sklearn.linear_model.LogisticRegression" or "skl2onnx 1.17". */
  framework: string;
}

export class OnnxModel implements Model {
  readonly algorithm = 'onnx' as const;
  featureNames?: string[];
  private readonly session: OnnxSession;

  constructor(
    readonly task: Task,
    /** Width of the design matrix predict takes (all fitted feature columns; the binding picks the ones it reads). */
    readonly nFeatures: number,
    /** The ONNX file's bytes as registered. */
    readonly bytes: Uint8Array,
    readonly binding: OnnxBinding,
    readonly info: OnnxModelInfo,
  ) {
    this.session = new OnnxSession(withoutZipMap(bytes));
    const names = this.session.inputNames;
    for (const input of binding.inputs) {
      if (!names.includes(input.name)) throw new Error(`onnx: the binding feeds input "${input.name}" but the model's inputs are ${names.join(', ')}`);
    }
  }

  predict(X: Matrix): Float64Array {
    if (X.cols !== this.nFeatures) throw new Error(`onnx: expected ${this.nFeatures} feature columns, got ${X.cols}`);
    const rows = X.rows;
    const k = this.task.kind === 'regression' ? 1 : this.task.classes.length;
    const out = new Float64Array(rows * k);
    if (rows === 0) return out;
    const feeds: Record<string, Tensor> = {};
    for (const input of this.binding.inputs) {
      const w = input.columns.length;
      const data = input.type === 'float32' ? new Float32Array(rows * w) : new Float64Array(rows * w);
      for (let i = 0; i < rows; i++) {
        const xo = i * X.cols;
        for (let c = 0; c < w; c++) data[i * w + c] = X.data[xo + input.columns[c]];
      }
      feeds[input.name] = new Tensor(input.type, data, input.rank === 1 ? [rows] : [rows, w]);
    }
    const result = this.session.run(feeds, [this.binding.output])[this.binding.output];
    const values = result.data as Float32Array | Float64Array;
    const width = values.length / rows;
    if (!Number.isInteger(width) || width < (this.binding.classColumns ? Math.max(...this.binding.classColumns) + 1 : 1)) {
      throw new Error(`onnx: output "${this.binding.output}" has shape [${result.dims.join(', ')}] for ${rows} rows; expected ${k} value(s) per row`);
    }
    const cols = this.binding.classColumns ?? [0];
    for (let i = 0; i < rows; i++) {
      for (let c = 0; c < k; c++) out[i * k + c] = values[i * width + cols[c]];
    }
    return out;
  }
}
