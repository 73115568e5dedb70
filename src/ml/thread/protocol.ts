import type { FitProgress } from '../model';
import type { ParamValues } from '../params';
import type { ModelArtifact } from '../serialize';
import type { Algorithm } from '../params';
import type { Task } from '../task';

export interface FitRequest {
  spec: { algorithm: Algorithm; params?: ParamValues };
  /** Row-major rows × cols: a view of shared memory (not copied) or of a buffer moved to the thread. */
  X: Float64Array;
  rows: number;
  cols: number;
  y: Float64Array;
  task: Task;
  seed: number;
  featureNames?: string[];
  /** GBDT threads (see FitOptions.threads). */
  threads?: number;
}

export type FitMessage =
  /** Sent once, when the thread has loaded Bosun's modules and listens for requests (see prewarmFitThread). */
  | { kind: 'ready' }
  | { kind: 'progress'; progress: FitProgress }
  | { kind: 'done'; artifact: ModelArtifact; /** Seconds inside fitModel, without the thread's start-up. */ fitSeconds: number }
  | { kind: 'error'; name: string; message: string };
