/**
 * Runs inside a worker thread: fits one model per request message and posts back progress and the
 * serialized artifact. The thread serves requests one at a time and may be reused (see fitInThread).
 */
import os from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { matrix } from '../matrix';
import { fitModel } from '../model';
import { serializeModel } from '../serialize';
import type { FitRequest, FitMessage } from './protocol';
import { TrainThreads } from './trainThreads';
import { warmFitKernels } from './warmKernels';

const post = (m: FitMessage) => parentPort!.postMessage(m);

parentPort!.on('message', (req: FitRequest) => {
  try {
    let last = 0;
    const started = performance.now();
    const model = fitModel(req.spec, matrix(req.rows, req.cols, req.X), req.y, req.task, {
      seed: req.seed,
      featureNames: req.featureNames,
      threads: req.threads,
      onProgress: (p) => {
        const now = Date.now();
        if (now - last >= 250) {
          last = now;
          post({ kind: 'progress', progress: p });
        }
      },
    });
    const fitSeconds = (performance.now() - started) / 1000;
    post({ kind: 'done', artifact: serializeModel(model), fitSeconds });
  } catch (err) {
    post({ kind: 'error', name: (err as Error).name, message: (err as Error).message });
  }
});
// A thread kept warm for fitting starts its helper threads now, so that no fit waits for one to load.
if ((workerData as { warmHelpers?: boolean } | null)?.warmHelpers) {
  TrainThreads.prewarm(os.availableParallelism());
  try {
    warmFitKernels(os.availableParallelism());
  } catch {
    // Only a warm-up: the first real fit runs (and reports) whatever went wrong here.
  }
}
// Modules loaded, listener on: a thread started ahead of its first fit (prewarmFitThread) waits for this.
post({ kind: 'ready' });
