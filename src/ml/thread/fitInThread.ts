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
      if (m.kind === 'ready') return;
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
 * ~0.2-0.3 s and ~45 MB that a dead thread's allocator does not always give back. It is unref'd (never keeps
 * the process alive) and ends after IDLE_MS unused, unless prewarmFitThread asked to keep it. A cancelled or
 * failed fit's thread is never reused.
 */
const IDLE_MS = 30_000;
let idle: { worker: Worker; timer: NodeJS.Timeout | null; ready: Promise<boolean> } | null = null;
/** Set by prewarmFitThread: the idle thread stays (no IDLE_MS timeout) until closeFitThreads. */
let keepWarm = false;

/**
 * Starts the training thread ahead of the first fit and keeps one warm from then on, so no fit pays the
 * thread's start-up: for a process whose work is fitting (a pipeline worker calls it when it starts; the
 * training bench before it times a fit, as scikit-learn's import is done before its fit is timed).
 * Resolves true once the thread has loaded Bosun's modules, false if it failed to start (the next fit then
 * starts a fresh thread and reports that thread's error). The thread never keeps the process alive;
 * closeFitThreads ends it.
 */
export function prewarmFitThread(): Promise<boolean> {
  keepWarm = true;
  if (!idle) park(startWorker(true));
  else if (idle.timer) {
    clearTimeout(idle.timer);
    idle.timer = null;
  }
  return idle!.ready;
}

/** Ends the idle training thread and stops keeping one warm (a fit in progress is not affected). */
export async function closeFitThreads(): Promise<void> {
  keepWarm = false;
  const parked = idle;
  idle = null;
  if (!parked) return;
  if (parked.timer) clearTimeout(parked.timer);
  await parked.worker.terminate();
}

function startWorker(warmHelpers = false): { worker: Worker; ready: Promise<boolean> } {
  // A small young generation: fitting allocates big typed arrays (outside the JS heap) and few small
  // objects, so V8's default semispaces would only add ~15 MB of resident memory to the thread.
  const worker = new Worker(BOOT, { workerData: { entry: ENTRY, warmHelpers }, resourceLimits: { maxYoungGenerationSizeMb: 4 } });
  // A thread that dies while idle must not be handed out (one listener for the thread's life, however often reused).
  worker.on('exit', () => {
    if (idle?.worker === worker) {
      if (idle.timer) clearTimeout(idle.timer);
      idle = null;
    }
  });
  const ready = new Promise<boolean>((resolve) => {
    const done = (ok: boolean) => {
      worker.off('message', onMessage);
      worker.off('error', onFail);
      worker.off('exit', onFail);
      resolve(ok);
    };
    const onMessage = (m: FitMessage) => m.kind === 'ready' && done(true);
    const onFail = () => done(false);
    worker.on('message', onMessage);
    worker.on('error', onFail);
    worker.on('exit', onFail);
  });
  return { worker, ready };
}

function takeWorker(): Worker {
  if (idle) {
    const { worker, timer } = idle;
    idle = null;
    if (timer) clearTimeout(timer);
    worker.ref();
    return worker;
  }
  return startWorker().worker;
}

function returnWorker(worker: Worker): void {
  if (idle) {
    void worker.terminate();
    return;
  }
  park({ worker, ready: Promise.resolve(true) });
}

function park({ worker, ready }: { worker: Worker; ready: Promise<boolean> }): void {
  // Held (ref'd) only while it starts, so a caller awaiting prewarmFitThread is not left with an empty event loop.
  void ready.then(() => {
    if (idle?.worker === worker) worker.unref();
  });
  let timer: NodeJS.Timeout | null = null;
  if (!keepWarm) {
    timer = setTimeout(() => {
      if (idle?.worker === worker) idle = null;
      void worker.terminate();
    }, IDLE_MS);
    timer.unref();
  }
  idle = { worker, timer, ready };
}
