import type { Matrix } from './matrix';
import type { Task } from './task';
import type { Algorithm } from './params';
import { fitLogistic } from './logistic';
import { fitLinear } from './linear';
import { fitGbdt } from './gbdt';
import { resolveParams } from './params';
import { ModelInputError, ModelSpecError, modelSpecIssues, type ModelSpec } from './spec';

export type { Algorithm } from './params';

/**
 * What every fitted model offers. predict returns, row-major:
 * - classification: class probabilities, rows x k (k = task.classes.length, so 2 columns for binary);
 * - regression: the predicted values, rows x 1.
 */
export interface Model {
  /** 'onnx': a model trained elsewhere, run by onnxruntime (src/ml/onnx); it is registered, never fitted here. */
  readonly algorithm: Algorithm | 'onnx';
  readonly task: Task;
  readonly nFeatures: number;
  /** Column names the model was trained on, when known; carried into the saved artifact. */
  featureNames?: string[];
  predict(X: Matrix): Float64Array;
}

export interface FitProgress {
  /** 1-based iteration just completed. */
  iteration: number;
  /** Iteration budget (the actual count may be lower after convergence or early stopping). */
  total: number;
  /** Training objective (mean loss) after this iteration, when the algorithm computes it. */
  loss?: number;
  /** Held-out loss for early stopping, when used. */
  validationLoss?: number;
}

export interface FitOptions {
  /** Seeds every random choice (validation split, binning subsample); same seed, same model. */
  seed: number;
  onProgress?: (progress: FitProgress) => void;
  featureNames?: string[];
  /**
   * Threads for GBDT (histograms and binning split by feature; the model is bit-identical for any count).
   * Default: BOSUN_TRAIN_THREADS, else os.availableParallelism() when the data is big enough to repay it.
   */
  threads?: number;
}


export { modelSpecSchema, parseModelSpec, ModelSpecError, type ModelSpec, type SearchSpec } from './spec';

/**
 * Fits the model a spec describes. `spec.search` is ignored here: expand it with expandSearch and fit
 * each candidate as { algorithm, params: candidate }.
 */
export function fitModel(
  spec: Pick<ModelSpec, 'algorithm' | 'params'>,
  X: Matrix,
  y: Float64Array,
  task: Task,
  opts: FitOptions,
): Model {
  const issues = modelSpecIssues({ algorithm: spec.algorithm, params: spec.params });
  if (issues.length > 0) throw new ModelSpecError(issues, 'model');
  if (opts.featureNames && opts.featureNames.length !== X.cols) {
    throw new Error(`featureNames has ${opts.featureNames.length} names but the feature matrix has ${X.cols} columns`);
  }

  let model: Model;
  switch (spec.algorithm) {
    case 'logistic_regression': {
      if (task.kind === 'regression') {
        throw new ModelInputError(
          'logistic_regression is a classifier but the task is regression (numeric target); ' +
            'use linear_regression or gbdt, or make the target categorical',
        );
      }
      model = fitLogistic(X, y, task, resolveParams('logistic_regression', spec.params), opts.onProgress, opts.threads);
      break;
    }
    case 'linear_regression': {
      if (task.kind !== 'regression') {
        throw new ModelInputError(
          `linear_regression predicts numbers but the task is ${task.kind} classification; ` +
            'use logistic_regression or gbdt for a categorical target',
        );
      }
      const params = resolveParams('linear_regression', spec.params);
      model = fitLinear(X, y, params);
      opts.onProgress?.({ iteration: 1, total: 1 });
      break;
    }
    case 'gbdt':
      model = fitGbdt(X, y, task, resolveParams('gbdt', spec.params), opts);
      break;
  }
  if (opts.featureNames) model.featureNames = [...opts.featureNames];
  return model;
}
