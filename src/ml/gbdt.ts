import type { Matrix } from './matrix';
import type { FitProgress, Model } from './model';
import type { GbdtParams } from './params';
import type { Task } from './task';
import { checkFitInput, checkPredictInput } from './checks';
import { checkTargets } from './task';
import { clearNegativeZeros } from './float';
import { createRng, type Rng } from './random';
import { holdoutSplit } from './holdout';
import { boostingLoss, softmaxRow, type BoostingLoss } from './boost-loss';
import { binRows, fitBinMapper } from './tree/binning';
import { buildHistogram, histogramLayout } from './tree/histogram';
import { FROM_GRADIENT, hessiansOf } from './tree/kernels.js';
import { TrainThreads, trainThreads } from './thread/trainThreads';
import { GrowerContext, growTree } from './tree/grower';
import { KernelArena } from './tree/wasmKernels.js';
import { addForestPredictions, addTreePredictionsBinned, type Tree } from './tree/tree';

/** sklearn's early_stopping='auto' threshold. */
const AUTO_EARLY_STOPPING_ROWS = 10_000;

export interface GbdtFitInfo {
  /** Boosting iterations actually run (fewer than maxIter after early stopping). */
  nIter: number;
  earlyStopped: boolean;
  /**
   * Mean training loss after each iteration with early stopping; with progress reporting alone, after the
   * iterations it was reported at (see PROGRESS_LOSS_ROWS); otherwise empty.
   */
  trainLoss: number[];
  /** Validation loss before any tree, then after each iteration (early stopping only). */
  validationLoss: number[];
  /** Threads that built the histograms (the trees are the same for any count; this says what ran). */
  threads: number;
}

/**
 * Histogram gradient-boosted trees after sklearn's HistGradientBoostingClassifier/Regressor.
 * trees[iteration * K + k] is the tree for output k (K = classes for multiclass, else 1).
 */
export class GbdtModel implements Model {
  readonly algorithm = 'gbdt' as const;
  featureNames?: string[];

  constructor(
    readonly task: Task,
    readonly nFeatures: number,
    readonly params: GbdtParams,
    /** Raw prediction before any tree, one per output. */
    readonly baseline: Float64Array,
    readonly trees: Tree[],
    readonly fitInfo?: GbdtFitInfo,
  ) {
    const K = treesPerIteration(task);
    if (baseline.length !== K || trees.length % K !== 0) {
      throw new Error(
        `gbdt: a ${task.kind} model needs ${K} baseline value(s) and a multiple of ${K} trees, ` +
          `got ${baseline.length} and ${trees.length}`,
      );
    }
    clearNegativeZeros(baseline);
    for (const tree of trees) {
      clearNegativeZeros(tree.value);
      clearNegativeZeros(tree.threshold);
    }
  }

  get nIter(): number {
    return this.trees.length / this.baseline.length;
  }

  /** Raw scores (log-odds / softmax logits / values), rows x K. */
  predictRaw(X: Matrix): Float64Array {
    checkPredictInput(X, this.nFeatures, this.algorithm);
    const K = this.baseline.length;
    const raw = new Float64Array(X.rows * K);
    for (let i = 0; i < X.rows; i++) for (let k = 0; k < K; k++) raw[i * K + k] = this.baseline[k];
    addForestPredictions(this.trees, X, raw, K);
    return raw;
  }

  predict(X: Matrix): Float64Array {
    const raw = this.predictRaw(X);
    return rawToOutput(this.task, raw, X.rows);
  }
}

export function fitGbdt(
  X: Matrix,
  y: Float64Array,
  task: Task,
  params: GbdtParams,
  /** wasm false: the JavaScript histogram loops instead of the WebAssembly ones (same trees; for tests). */
  opts: { seed: number; onProgress?: (p: FitProgress) => void; threads?: number; wasm?: boolean },
): GbdtModel {
  checkFitInput(X, 'gbdt');
  checkTargets(y, task, X.rows);
  const n = X.rows;
  const p = X.cols;
  const rng = createRng(opts.seed);
  const loss = boostingLoss(task);

  const earlyStopping = params.earlyStopping === 'auto' ? n > AUTO_EARLY_STOPPING_ROWS : params.earlyStopping;
  const { train, validation } = earlyStopping
    ? holdoutSplit(n, params.validationFraction, rng, task.kind === 'regression' ? undefined : y)
    : { train: null, validation: new Int32Array(0) };
  const threads = trainThreads(opts.threads, train ? train.length : n, p);
  // Helpers (spare ones are up already) help from the bin thresholds on; close() in finally, whatever happens.
  const pool = threads > 1 ? TrainThreads.start(threads, p) : null;
  try {
    return boost(X, y, task, params, opts, { rng, loss, earlyStopping, train, validation, pool });
  } finally {
    pool?.close();
  }
}

/**
 * A fit that only reports progress (no early stopping) computes its training loss over about this many
 * rows per iteration on average: every iteration up to 100k rows, every 8th on 800k.
 */
const PROGRESS_LOSS_ROWS = 100_000;

function boost(
  X: Matrix,
  y: Float64Array,
  task: Task,
  params: GbdtParams,
  opts: { onProgress?: (p: FitProgress) => void; wasm?: boolean },
  /** train null: every row trains (no early stopping), so no index list nor copy of y is made. */
  s: { rng: Rng; loss: BoostingLoss; earlyStopping: boolean; train: Int32Array | null; validation: Int32Array; pool: TrainThreads | null },
): GbdtModel {
  const { rng, loss, earlyStopping, train, validation } = s;
  const p = X.cols;
  const K = loss.nTreesPerIteration;
  const nTrain = train ? train.length : X.rows;
  const nVal = validation.length;
  // Without early stopping every row trains: no copy of y (nor of X's rows below).
  const yTrain = train ? gather(y, train) : y;
  const yVal = gather(y, validation);

  s.pool?.ready();
  const pool = s.pool && s.pool.threads > 1 ? s.pool : null;
  // Helpers read X in place only from shared memory (a fitInThread fit's is).
  const sharedX = pool && X.data.buffer instanceof SharedArrayBuffer ? pool : null;
  const mapper = fitBinMapper(X, train, params.maxBins, rng, sharedX);
  // Bins in shared memory, so helper threads read them in place: in the kernel arena (WebAssembly loops)
  // when the fit fits in wasm32's 4 GiB, with the grower's row arrays and histograms beside them.
  // Its first size: the bins, six row arrays (KernelArena grows for more histograms than the 64 estimated).
  const arena = opts.wasm === false ? null : KernelArena.create(nTrain * p + 6 * 4 * nTrain + 64 * p * 256 * 24);
  const binnedTrain = arena ? arena.uint8(nTrain * p) : new Uint8Array(new SharedArrayBuffer(nTrain * p));
  if (sharedX) {
    sharedX.binRows(X.data, p, train, mapper, binnedTrain, (f0, f1) => binRows(X, train, mapper, binnedTrain, f0, f1));
  } else {
    binRows(X, train, mapper, binnedTrain);
  }
  const binnedVal = binRows(X, validation, mapper);
  const missingBin = mapper.nBinsNonMissing;
  const hasMissing = new Uint8Array(p);
  for (let f = 0; f < p; f++) {
    const col = binnedTrain.subarray(f * nTrain, (f + 1) * nTrain);
    hasMissing[f] = col.includes(missingBin[f]) ? 1 : 0;
  }
  const layout = histogramLayout(missingBin, hasMissing);
  // Binary log loss derives its hessians from the gradients: no hessian arrays to fill or move.
  const derived = K === 1 && loss.hessianFromGradient === true;
  const ctx = new GrowerContext(binnedTrain, nTrain, layout, hasMissing, mapper.thresholds, arena, !loss.constantHessian && !derived);
  if (pool) {
    pool.attach(ctx, layout, (hist, start, end, hessians, rowsInOrder, f0, f1) =>
      buildHistogram(hist, layout, binnedTrain, nTrain, ctx.sampleIdx, start, end, ctx.orderedGrad, hessiansOf(hessians, ctx.orderedHess), f0, f1, rowsInOrder, ctx.kernels.loops),
    );
    ctx.builder = pool;
  }
  const growerParams = {
    maxLeafNodes: params.maxLeafNodes,
    maxDepth: params.maxDepth,
    minSamplesLeaf: params.minSamplesLeaf,
    l2Regularization: params.l2Regularization,
    learningRate: params.learningRate,
  };

  const baseline = loss.baseline(yTrain);
  // One tree per iteration with a row kernel: the helpers also compute the gradients and add the leaf
  // values, each on a chunk of rows (per-row work, so the same numbers for any thread count). Those arrays
  // must then be shared.
  const rowThreads = pool && K === 1 && loss.rowKernel ? pool : null;
  // One tree per iteration with an arena: the leaf values go into the predictions in WebAssembly, and binary
  // log loss's gradients come from there too (~20% faster than the JavaScript loop, the same numbers), with
  // the predictions, the labels (as bytes) and the leaves in the arena.
  const leaves = arena && K === 1 ? new LeafArrays(arena, params.maxLeafNodes) : null;
  const labels = leaves && loss.rowKernel === 'binomial' ? labelBytes(arena!, yTrain) : null;
  const raw = leaves ? arena!.float64(nTrain) : rowThreads ? new Float64Array(new SharedArrayBuffer(nTrain * 8)) : new Float64Array(nTrain * K);
  const yRows = labels ?? (rowThreads && !(yTrain.buffer instanceof SharedArrayBuffer) ? sharedCopy(yTrain) : yTrain);
  for (let i = 0; i < nTrain; i++) raw.set(baseline, i * K);
  const rawVal = new Float64Array(nVal * K);
  for (let i = 0; i < nVal; i++) rawVal.set(baseline, i * K);
  // One tree per iteration: the gradients are written straight into the grower's row-ordered arrays (in
  // row order at each tree's start), saving two arrays and a copy. Several trees per iteration all fit the
  // iteration's gradients, so those need arrays of their own.
  const grad = K === 1 ? [ctx.orderedGrad] : Array.from({ length: K }, () => new Float32Array(nTrain));
  const noHess = new Float32Array(0);
  const hess = loss.constantHessian ? [noHess] : derived ? [] : K === 1 ? [ctx.orderedHess] : Array.from({ length: K }, () => new Float32Array(nTrain));

  const trees: Tree[] = [];
  const info: GbdtFitInfo = { nIter: 0, earlyStopped: false, trainLoss: [], validationLoss: [], threads: pool ? pool.threads : 1 };
  if (earlyStopping) info.validationLoss.push(loss.loss(yVal, rawVal));
  // For progress alone, the loss every `lossStride` iterations (and the last): on 800k rows it costs ~40 ms,
  // a quarter of an iteration, and every iteration it added 20-30% to a fit.
  const lossStride = Math.max(1, Math.ceil((nTrain * K) / PROGRESS_LOSS_ROWS));

  const threadGradients = (meanwhile?: () => void) =>
    rowThreads!.gradients(loss.rowKernel!, yRows, raw, ctx.orderedGrad, derived ? null : ctx.orderedHess, meanwhile);
  // The last iteration had the helpers compute this one's gradients while it computed the training loss.
  let gradientsReady = false;
  for (let iteration = 0; iteration < params.maxIter; iteration++) {
    // All K trees of an iteration fit the gradients at the iteration's start, as in sklearn.
    if (gradientsReady) gradientsReady = false;
    else if (rowThreads) threadGradients();
    else if (labels) ctx.kernels.binomialGradients(labels, raw, ctx.orderedGrad, null, 0, nTrain);
    else loss.gradients(yTrain, raw, grad, hess);
    for (let k = 0; k < K; k++) {
      const grown = growTree(ctx, grad[k], derived ? FROM_GRADIENT : loss.constantHessian ? null : hess[k], growerParams);
      trees.push(grown.tree);
      const [start, end, value] = leaves ? leaves.copy(grown) : [grown.leafStart, grown.leafEnd, grown.leafValue];
      if (rowThreads) rowThreads.addLeafValues(raw, ctx.sampleIdx, start, end, value);
      else if (leaves) ctx.kernels.addLeafValues(raw, ctx.sampleIdx, start, end, value, 0, nTrain);
      else addLeafValues(raw, ctx.sampleIdx, start, end, value, K, k);
      if (earlyStopping) {
        addTreePredictionsBinned(grown.tree, grown.binThreshold, binnedVal, nVal, missingBin, rawVal, K, k);
      }
    }
    info.nIter = iteration + 1;

    let trainLoss: number | undefined;
    let validationLoss: number | undefined;
    const last = iteration + 1 === params.maxIter;
    if (earlyStopping || (opts.onProgress && (last || (iteration + 1) % lossStride === 0))) {
      // ~40 ms on 800k rows, on this thread alone: the helpers meanwhile start on the next gradients (both only read raw).
      const trainingLoss = () => (trainLoss = loss.loss(yTrain, raw));
      if (rowThreads && !last) {
        threadGradients(trainingLoss);
        gradientsReady = true;
      } else trainingLoss();
      info.trainLoss.push(trainLoss!);
    }
    if (earlyStopping) {
      validationLoss = loss.loss(yVal, rawVal);
      info.validationLoss.push(validationLoss);
    }
    opts.onProgress?.({ iteration: iteration + 1, total: params.maxIter, loss: trainLoss, validationLoss });
    if (earlyStopping && shouldStop(info.validationLoss, params.nIterNoChange, params.tol)) {
      info.earlyStopped = true;
      break;
    }
  }

  return new GbdtModel(task, p, params, baseline, trees, info);
}

/**
 * sklearn's rule: stop when none of the last nIterNoChange losses beats the loss nIterNoChange + 1
 * iterations back by more than tol. Keeps all trees (no rollback), also like sklearn.
 */
export function shouldStop(losses: readonly number[], nIterNoChange: number, tol: number): boolean {
  const ref = nIterNoChange + 1;
  if (losses.length < ref) return false;
  const reference = losses[losses.length - ref] - tol;
  for (let i = losses.length - ref + 1; i < losses.length; i++) if (losses[i] < reference) return false;
  return true;
}

export function treesPerIteration(task: Task): number {
  return task.kind === 'multiclass' ? task.classes.length : 1;
}

function rawToOutput(task: Task, raw: Float64Array, rows: number): Float64Array {
  if (task.kind === 'regression') return raw;
  if (task.kind === 'binary') {
    const out = new Float64Array(rows * 2);
    for (let i = 0; i < rows; i++) {
      const r = raw[i];
      const prob = r >= 0 ? 1 / (1 + Math.exp(-r)) : Math.exp(r) / (1 + Math.exp(r));
      out[2 * i] = 1 - prob;
      out[2 * i + 1] = prob;
    }
    return out;
  }
  const k = task.classes.length;
  const out = new Float64Array(rows * k);
  for (let i = 0; i < rows; i++) softmaxRow(raw, i * k, k, out, i * k);
  return out;
}

/** Training predictions += the new tree's leaf values, by the leaves' row ranges (no tree traversal). */
function addLeafValues(raw: Float64Array, idx: Int32Array, leafStart: Int32Array, leafEnd: Int32Array, leafValue: Float64Array, K: number, k: number): void {
  // A small function of its own: inside the long boosting loop V8 optimised this loop far less well.
  for (let leaf = 0; leaf < leafValue.length; leaf++) {
    const v = leafValue[leaf];
    const end = leafEnd[leaf];
    if (K === 1) for (let i = leafStart[leaf]; i < end; i++) raw[idx[i]] += v;
    else for (let i = leafStart[leaf]; i < end; i++) raw[idx[i] * K + k] += v;
  }
}

/** A tree's leaves (ranges of positions and values) copied into the arena, for the WebAssembly kernels. */
class LeafArrays {
  private start: Int32Array;
  private end: Int32Array;
  private value: Float64Array;

  constructor(
    private readonly arena: KernelArena,
    size: number,
  ) {
    [this.start, this.end, this.value] = [arena.int32(size), arena.int32(size), arena.float64(size)];
  }

  copy(t: { leafStart: Int32Array; leafEnd: Int32Array; leafValue: Float64Array }): [Int32Array, Int32Array, Float64Array] {
    const n = t.leafValue.length;
    if (n > this.value.length) [this.start, this.end, this.value] = [this.arena.int32(n), this.arena.int32(n), this.arena.float64(n)];
    this.start.set(t.leafStart);
    this.end.set(t.leafEnd);
    this.value.set(t.leafValue);
    return [this.start.subarray(0, n), this.end.subarray(0, n), this.value.subarray(0, n)];
  }
}

/** Binary labels as bytes in the arena, or null when one is not 0 or 1 (then the JavaScript gradients run). */
function labelBytes(arena: KernelArena, y: Float64Array): Uint8Array | null {
  for (let i = 0; i < y.length; i++) if (y[i] !== 0 && y[i] !== 1) return null;
  const out = arena.uint8(y.length);
  for (let i = 0; i < y.length; i++) out[i] = y[i];
  return out;
}

function sharedCopy(a: Float64Array): Float64Array {
  const out = new Float64Array(new SharedArrayBuffer(a.length * 8));
  out.set(a);
  return out;
}

function gather(y: Float64Array, idx: Int32Array): Float64Array {
  const out = new Float64Array(idx.length);
  for (let i = 0; i < idx.length; i++) out[i] = y[idx[i]];
  return out;
}
