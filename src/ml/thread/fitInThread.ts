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
  const yShared = y.buffer instanceof SharedArrayBuffer;
  const yData = yShared ? y : y.slice();
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
  const worker = takeWorker();
  worker.postMessage(request, yShared ? [] : [yData.buffer as ArrayBuffer]);
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (reuse: boolean) => {
      settled = true;
      opts.signal?.removeEventListener('abort', abort);
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
      if (reuse) returnWorker(worker);
      else void worker.terminate();
    };
    const abort = () => {
      settle(false);
      reject(opts.signal?.reason ?? new Error('training cancelled'));
    };
    const onMessage = (m: FitMessage) => {
      if (m.kind === 'progress') return opts.onProgress?.(m.progress);
      settle(true);
      if (m.kind === 'done') resolve({ model: deserializeModel(m.artifact), artifact: m.artifact, fitSeconds: m.fitSeconds });
      else reject(new FitError(m.name, m.message));
    };
    const onError = (err: Error) => {
      if (settled) return;
      settle(false);
      reject(err);
    };
    const onExit = (code: number) => {
      if (settled) return;
      settle(false);
      reject(new Error(`training thread exited with code ${code}`));
    };
    if (opts.signal?.aborted) return abort();
    opts.signal?.addEventListener('abort', abort, { once: true });
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
  });
}

/**
 * One idle training thread is kept for the next fit: starting a thread that loads Bosun's TypeScript costs
 * ~0.3 s and ~45 MB that a dead thread's allocator does not always give back. It is unref'd (never keeps
 * the process alive) and ends after IDLE_MS unused. A cancelled or failed fit's thread is never reused.
 */
const IDLE_MS = 30_000;
let idle: { worker: Worker; timer: NodeJS.Timeout } | null = null;

function takeWorker(): Worker {
  if (idle) {
    const { worker, timer } = idle;
    idle = null;
    clearTimeout(timer);
    worker.ref();
    return worker;
  }
  // A small young generation: fitting allocates big typed arrays (outside the JS heap) and few small
  // objects, so V8's default semispaces would only add ~15 MB of resident memory to the thread.
  return new Worker(BOOT, { workerData: { entry: ENTRY }, resourceLimits: { maxYoungGenerationSizeMb: 4 } });
}

function returnWorker(worker: Worker): void {
  if (idle) {
    void worker.terminate();
    return;
  }
  worker.unref();
  const timer = setTimeout(() => {
    if (idle?.worker === worker) idle = null;
    void worker.terminate();
  }, IDLE_MS);
  timer.unref();
  idle = { worker, timer };
  // A thread that dies while idle must not be handed out.
  worker.once('exit', () => {
    if (idle?.worker === worker) {
      clearTimeout(idle.timer);
      idle = null;
    }
  });
}
