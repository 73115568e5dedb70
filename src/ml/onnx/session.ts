/**
 * A synchronous onnxruntime session.
 *
 * Why not `InferenceSession` from onnxruntime-node's public API: its `create` and `run` are async, but they only
 * defer the native binding's synchronous calls by one `setImmediate` (dist/backend.js). Bosun's Model.predict is
 * synchronous and is called from evaluation, permutation importance, drift profiles and serving alike, so the ONNX
 * model calls the same native session directly and fits every one of them unchanged. The binding module is not a
 * documented export, so the version is pinned in package.json and test/unit/ml/onnx*.test.ts check this file
 * against the public async API's answers; an onnxruntime-node upgrade that moves it fails there, not in production.
 */
import { createRequire } from 'node:module';
import { Tensor } from 'onnxruntime-node';

interface NativeValueMetadata {
  name: string;
  isTensor: boolean;
  shape: number[];
  type: number;
}
interface NativeSession {
  loadModel(buffer: ArrayBuffer, byteOffset: number, byteLength: number, options: Record<string, unknown>): void;
  readonly inputMetadata: NativeValueMetadata[];
  readonly outputMetadata: NativeValueMetadata[];
  run(feeds: Record<string, Tensor>, fetches: Record<string, null>, options: Record<string, unknown>): Record<string, Tensor>;
  dispose(): void;
}

const require = createRequire(import.meta.url);
let native: { binding: { InferenceSession: new () => NativeSession }; initOrt: () => void } | undefined;

function nativeBinding() {
  if (!native) {
    try {
      native = require('onnxruntime-node/dist/binding.js') as NonNullable<typeof native>;
    } catch (err) {
      throw new Error(
        `onnxruntime-node's native binding did not load (${(err as Error).message}); run npm install in the Bosun ` +
          'checkout (.npmrc skips only the optional GPU download), on linux/x64, linux/arm64, darwin/arm64 or win32',
      );
    }
  }
  native.initOrt();
  return native.binding;
}

/**
 * Tabular models are small: one intra-op thread answers a request faster than a pool that must wake up, and
 * leaves the other cores to concurrent requests and the rest of the worker.
 */
const SESSION_OPTIONS = { executionProviders: ['cpu'], intraOpNumThreads: 1, interOpNumThreads: 1, graphOptimizationLevel: 'all' };

export class OnnxSession {
  private readonly session: NativeSession;

  constructor(bytes: Uint8Array) {
    const { InferenceSession } = nativeBinding();
    this.session = new InferenceSession();
    try {
      this.session.loadModel(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.byteLength, SESSION_OPTIONS);
    } catch (err) {
      throw new Error(`onnxruntime cannot load the model: ${(err as Error).message}`);
    }
  }

  get inputNames(): string[] {
    return this.session.inputMetadata.map((m) => m.name);
  }

  /** Runs the model on `feeds` and returns the tensors named in `outputs`. */
  run(feeds: Record<string, Tensor>, outputs: readonly string[]): Record<string, Tensor> {
    const fetches: Record<string, null> = {};
    for (const name of outputs) fetches[name] = null;
    return this.session.run(feeds, fetches, {});
  }
}

export { Tensor };
