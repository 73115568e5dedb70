/**
 * Fits a model on a worker thread. Training is synchronous CPU work; on the activity's own thread it would
 * block the event loop, so heartbeats would stop and Temporal would think the worker dead. Here the
 * activity thread stays free to heartbeat, and cancellation terminates the thread.
 */
import { Worker } from 'node:worker_threads';
import type { Matrix } from '../matrix';
import type { FitProgress, Model } from '../model';
import { deserializeModel, type ModelArtifact } from '../serialize';
import type { Task } from '../task';
import type { FitMessage, FitRequest } from './protocol';

const BOOT = new URL('./boot.mjs', import.meta.url);
const ENTRY = new URL('./fitWorker.ts', import.meta.url).href;

/** An error thrown while fitting on the thread; `originalName` tells a spec problem from a numerical one. */
export class FitError extends Error {
  override name = 'FitError';
  constructor(
    readonly originalName: string,
    message: string,
  ) {
    super(message);
  }
}

export async function fitInThread(
  spec: FitRequest['spec'],
  X: Matrix,
  y: Float64Array,
  task: Task,
  opts: { seed: number; featureNames?: string[]; onProgress?: (p: FitProgress) => void; signal?: AbortSignal; threads?: number },
): Promise<{ model: Model; artifact: ModelArtifact; fitSeconds: number }> {
  // A matrix in shared memory goes to the thread as it is: no copy, so the feature matrix exists once.
  // Otherwise a copy into shared memory (as cheap as any copy, and GBDT's helper threads can then bin it
  // in place), so the caller's arrays stay usable.
  const shared = X.data.buffer instanceof SharedArrayBuffer;
  const xData = shared ? X.data : new Float64Array(new SharedArrayBuffer(X.data.byteLength));
  if (!shared) xData.set(X.data);
  const yData = y.slice();
  const request: FitRequest = {
    spec,
    X: xData,
    rows: X.rows,
    cols: X.cols,
    y: yData,
    task,
    seed: opts.seed,
    featureNames: opts.featureNames,
    threads: opts.threads,
  };
  const transferList = [yData.buffer];
  const worker = new Worker(BOOT, { workerData: { entry: ENTRY, request }, transferList, resourceLimits: { maxYoungGenerationSizeMb: 16 } });
  return new Promise((resolve, reject) => {
    const abort = () => {
      void worker.terminate();
      reject(opts.signal?.reason ?? new Error('training cancelled'));
    };
    opts.signal?.addEventListener('abort', abort, { once: true });
    const finish = () => opts.signal?.removeEventListener('abort', abort);
    worker.on('message', (m: FitMessage) => {
      if (m.kind === 'progress') opts.onProgress?.(m.progress);
      else {
        finish();
        void worker.terminate();
        if (m.kind === 'done') resolve({ model: deserializeModel(m.artifact), artifact: m.artifact, fitSeconds: m.fitSeconds });
        else reject(new FitError(m.name, m.message));
      }
    });
    worker.once('error', (err) => {
      finish();
      reject(err);
    });
    worker.once('exit', (code) => {
      finish();
      if (code !== 0) reject(new Error(`training thread exited with code ${code}`));
    });
  });
}
