import type { FitProgress } from '../model';
import type { ParamValues } from '../params';
import type { ModelArtifact } from '../serialize';
import type { Algorithm } from '../params';
import type { Task } from '../task';

export interface FitRequest {
  spec: { algorithm: Algorithm; params?: ParamValues };
  X: ArrayBuffer;
  rows: number;
  cols: number;
  y: ArrayBuffer;
  task: Task;
  seed: number;
  featureNames?: string[];
}

export type FitMessage =
  | { kind: 'progress'; progress: FitProgress }
  | { kind: 'done'; artifact: ModelArtifact }
  | { kind: 'error'; name: string; message: string };
