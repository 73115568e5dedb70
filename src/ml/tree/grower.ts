import type { Tree } from './tree';
import { buildHistogram, histogramLength, histogramTotals, subtractHistogram, type HistogramLayout } from './histogram';
import { derivedHessian, FROM_GRADIENT, hessiansOf, jsKernels, type HessianKind, type Hessians, type Kernels, type SplitRule } from './kernels.js';
import { wasmKernels, type KernelArena } from './wasmKernels.js';
import { emptySplit, findBestSplit, nodeValue, type SplitConstraints, type SplitInfo } from './split';

export interface GrowerParams {
  maxLeafNodes: number;
  maxDepth: number | null;
  minSamplesLeaf: number;
  l2Regularization: number;
  /** Multiplies every leaf value (shrinkage). */
  learningRate: number;
}

/** sklearn's min_hessian_to_split: a side whose hessian sum is below this is too uncertain to fit. */
const MIN_HESSIAN_TO_SPLIT = 1e-3;

/**
 * Builds the histograms of one boosting run's nodes, possibly with helper threads (src/ml/thread/histThreads):
 * fill(start, end, hessians) writes the histogram of rows sampleIdx[start..end) into `target`.
 */
export interface HistogramBuilder {
  readonly target: Float64Array;
  /** rowsInOrder: sampleIdx is the identity over start..end (the root), see buildHistogram. */
  fill(start: number, end: number, hessians: HessianKind, rowsInOrder: boolean): void;
  /** Stable partition of rows start..end across threads (see partition.ts); returns how many went left. */
  partition(start: number, end: number, rule: SplitRule): number;
}

/**
 * Nodes smaller than this are partitioned on one thread: a helper spins between a tree's commands, so a
 * hand-off costs a few µs, about what the helper saves on this many rows (halving 32768 and 8192 to
 * these gave ~4% on the 800k-row bench fit).
 */
const PARALLEL_PARTITION_MIN_ROWS = 8192;
/** Likewise for histograms (roughly this many rows of histogram work pay for the hand-off). */
const PARALLEL_HISTOGRAM_MIN_ROWS = 2048;

/** Typed arrays over SharedArrayBuffer, so helper threads can read and write them without copies. */
export function sharedInt32(n: number): Int32Array {
  return new Int32Array(new SharedArrayBuffer(n * 4));
}
export function sharedFloat32(n: number): Float32Array {
  return new Float32Array(new SharedArrayBuffer(n * 4));
}

/**
 * Buffers shared by all trees of one boosting run: allocating them per tree would dominate the cost
 * of small trees. The gradients travel with the row indices ("ordered": orderedGrad[i] belongs to row
 * sampleIdx[i]) and are moved by every partition, so a node's histogram reads them in sequence instead
 * of gathering them through the row index (a random read per row, per node).
 */
export class GrowerContext {
  readonly sampleIdx: Int32Array;
  readonly orderedGrad: Float32Array;
  readonly orderedHess: Float32Array;
  readonly scratchIdx: Int32Array;
  readonly scratchGrad: Float32Array;
  readonly scratchHess: Float32Array;
  private readonly histPool: Float64Array[] = [];
  private readonly histLength: number;
  /** Set by the caller to build histograms with threads; null builds them here. */
  builder: HistogramBuilder | null = null;
  /** This thread's histogram and partition kernels: WebAssembly over the arena when there is one, else JavaScript. */
  readonly kernels: Kernels;

  constructor(
    /** Column-major bins of the training rows (see binRows); in shared memory when threads help. */
    readonly binned: Uint8Array,
    readonly nRows: number,
    readonly layout: HistogramLayout,
    /** 1 for features that had NaN in the training rows: only those try sending NaN left. */
    readonly hasMissing: Uint8Array,
    /** Raw-value bin thresholds, to turn bin splits into numeric thresholds for prediction. */
    readonly thresholds: Float64Array[],
    /**
     * Where the loops' arrays live for the WebAssembly loops (`binned` must already be in it); null: plain
     * shared memory and the JavaScript loops.
     */
    readonly arena: KernelArena | null = null,
    /** False when no tree of the fit has a hessian array (constant or derived): orderedHess and scratchHess stay empty. */
    hessianArrays = true,
  ) {
    const int32 = arena ? (n: number) => arena.int32(n) : sharedInt32;
    const float32 = arena ? (n: number) => arena.float32(n) : sharedFloat32;
    this.sampleIdx = int32(nRows);
    this.orderedGrad = float32(nRows);
    this.orderedHess = float32(hessianArrays ? nRows : 0);
    this.scratchIdx = int32(nRows);
    this.scratchGrad = float32(nRows);
    this.scratchHess = float32(hessianArrays ? nRows : 0);
    this.histLength = histogramLength(layout);
    this.kernels = arena ? wasmKernels(arena.memory) : jsKernels;
  }

  acquireHistogram(): Float64Array {
    return this.histPool.pop() ?? (this.arena ? this.arena.float64(this.histLength) : new Float64Array(this.histLength));
  }

  releaseHistogram(h: Float64Array | null): void {
    if (h) this.histPool.push(h);
  }

  /** Starts a tree: every row in the root, gradients in row order. */
  reset(grad: Float32Array, hess: Float32Array | null): void {
    const { sampleIdx } = this;
    for (let i = 0; i < this.nRows; i++) sampleIdx[i] = i;
    // The caller may have computed the gradients in place (see fitGbdt): then there is nothing to copy.
    if (grad !== this.orderedGrad) this.orderedGrad.set(grad);
    if (hess && hess !== this.orderedHess) this.orderedHess.set(hess);
  }

  /** Histogram of the node's rows (ctx.reset first for a new tree). */
  histogramOf(node: { id: number; start: number; end: number }, hessians: HessianKind): Float64Array {
    const hist = this.acquireHistogram();
    // The root's rows are in order (reset), and only the root's.
    const rowsInOrder = node.id === 0;
    if (this.builder && node.end - node.start >= PARALLEL_HISTOGRAM_MIN_ROWS) {
      this.builder.fill(node.start, node.end, hessians, rowsInOrder);
      hist.set(this.builder.target);
    } else {
      const { sampleIdx, orderedGrad, orderedHess, layout } = this;
      buildHistogram(hist, layout, this.binned, this.nRows, sampleIdx, node.start, node.end, orderedGrad, hessiansOf(hessians, orderedHess), 0, layout.nFeatures, rowsInOrder, this.kernels.loops);
    }
    return hist;
  }

  /** Stable in-place partition of the node's rows (and their ordered gradients); returns how many went left. */
  partition(node: GrowNode, feature: number, bin: number, missingLeft: boolean, hasHess: boolean): number {
    const missingBin = this.layout.nBinsNonMissing[feature];
    if (this.builder && node.end - node.start >= PARALLEL_PARTITION_MIN_ROWS) {
      return this.builder.partition(node.start, node.end, { feature, bin, missingBin, missingLeft, hasHess });
    }
    // One chunk of the threads' two-phase partition (kernels.d.ts): the same rows in the same places.
    const nLeft = this.kernels.splitChunk(this, { feature, bin, missingBin, missingLeft, hasHess }, node.start, node.end);
    this.kernels.placeChunk(this, hasHess, node.start, node.end, nLeft, node.start, node.start + nLeft);
    return nLeft;
  }
}

interface GrowNode {
  id: number;
  start: number;
  end: number;
  depth: number;
  sumGrad: number;
  sumHess: number;
  hist: Float64Array | null;
  split: SplitInfo;
}

export interface GrownTree {
  tree: Tree;
  /** Per node, last bin going left (for predicting binned validation rows). */
  binThreshold: Uint8Array;
  /** Leaves as ranges of ctx.sampleIdx, so training predictions update without traversing the tree. */
  leafStart: Int32Array;
  leafEnd: Int32Array;
  leafValue: Float64Array;
}

/**
 * Grows one tree best-first (leaf-wise), like sklearn's TreeGrower: always split the open leaf with the
 * largest gain until maxLeafNodes leaves exist or no leaf can be split. Only the smaller child's
 * histogram is built from rows; the larger is parent minus smaller.
 */
export function growTree(
  ctx: GrowerContext,
  grad: Float32Array,
  /** null: every hessian is 1; FROM_GRADIENT: binary log loss's, derived from the gradients. */
  hess: Hessians,
  params: GrowerParams,
): GrownTree {
  const n = ctx.nRows;
  const { hasMissing, thresholds, layout } = ctx;
  const kind: HessianKind = hess === null ? 'constant' : hess === FROM_GRADIENT ? FROM_GRADIENT : 'array';
  // Only a hessian array moves with the rows in a partition.
  const hasHess = kind === 'array';
  ctx.reset(grad, hess instanceof Float32Array ? hess : null);
  const constraints: SplitConstraints = {
    minSamplesLeaf: params.minSamplesLeaf,
    minHessianToSplit: MIN_HESSIAN_TO_SPLIT,
    l2Regularization: params.l2Regularization,
    constantHessian: hess === null,
  };

  // Per-node output arrays, filled as nodes are created (root = 0, children appended in pairs).
  const feature: number[] = [];
  const threshold: number[] = [];
  const binThreshold: number[] = [];
  const missingLeft: number[] = [];
  const left: number[] = [];
  const right: number[] = [];
  const value: number[] = [];
  const leaves: GrowNode[] = [];
  const open: GrowNode[] = [];

  const newNode = (start: number, end: number, depth: number, sumGrad: number, sumHess: number): GrowNode => {
    const id = feature.length;
    feature.push(-1);
    threshold.push(0);
    binThreshold.push(0);
    missingLeft.push(0);
    left.push(-1);
    right.push(-1);
    value.push(0);
    return { id, start, end, depth, sumGrad, sumHess, hist: null, split: emptySplit() };
  };
  const makeLeaf = (node: GrowNode): void => {
    value[node.id] = nodeValue(node.sumGrad, node.sumHess, params.l2Regularization) * params.learningRate;
    ctx.releaseHistogram(node.hist);
    node.hist = null;
    leaves.push(node);
  };
  const tryOpen = (node: GrowNode): void => {
    const count = node.end - node.start;
    if (findBestSplit(node.hist!, layout, hasMissing, node.sumGrad, node.sumHess, count, constraints, node.split)) {
      open.push(node);
    } else {
      makeLeaf(node);
    }
  };

  const root = newNode(0, n, 0, 0, 0);
  if (n < 2 * params.minSamplesLeaf) {
    [root.sumGrad, root.sumHess] = rowSums(grad, hess, n);
    makeLeaf(root);
  } else {
    // The root's sums come from its histogram: a pass over every row on this thread alone cost ~5-8 ms a
    // tree (800k rows), and the histogram, built by all threads, holds the same sums.
    root.hist = ctx.histogramOf(root, kind);
    [root.sumGrad, root.sumHess] = histogramTotals(root.hist, layout, n, hess === null);
    if (root.sumHess < MIN_HESSIAN_TO_SPLIT) makeLeaf(root);
    else tryOpen(root);
  }

  while (open.length > 0) {
    let best = 0;
    for (let i = 1; i < open.length; i++) if (open[i].split.gain > open[best].split.gain) best = i;
    const node = open[best];
    open.splice(best, 1);
    const s = node.split;

    const nLeft = ctx.partition(node, s.feature, s.bin, s.missingLeft, hasHess);
    const mid = node.start + nLeft;
    const depth = node.depth + 1;
    const l = newNode(node.start, mid, depth, s.gradLeft, s.hessLeft);
    const r = newNode(mid, node.end, depth, s.gradRight, s.hessRight);
    feature[node.id] = s.feature;
    binThreshold[node.id] = s.bin;
    // Splitting on the last real bin separates NaN from all values: only +Infinity keeps every real value left.
    threshold[node.id] = s.bin === layout.nBinsNonMissing[s.feature] - 1 ? Infinity : thresholds[s.feature][s.bin];
    // NaN never seen in training for this feature: send it where most rows went, the likelier guess.
    const nanLeft = hasMissing[s.feature] === 1 ? s.missingLeft : nLeft > node.end - mid;
    missingLeft[node.id] = nanLeft ? 1 : 0;
    left[node.id] = l.id;
    right[node.id] = r.id;

    const nLeaves = leaves.length + open.length + 2;
    if (nLeaves >= params.maxLeafNodes) {
      ctx.releaseHistogram(node.hist);
      makeLeaf(l);
      makeLeaf(r);
      for (const o of open) makeLeaf(o);
      open.length = 0;
      break;
    }
    if (params.maxDepth !== null && depth >= params.maxDepth) {
      ctx.releaseHistogram(node.hist);
      makeLeaf(l);
      makeLeaf(r);
      continue;
    }
    const splitLeft = nLeft >= 2 * params.minSamplesLeaf;
    const splitRight = node.end - mid >= 2 * params.minSamplesLeaf;
    if (!splitLeft && !splitRight) {
      ctx.releaseHistogram(node.hist);
      makeLeaf(l);
      makeLeaf(r);
      continue;
    }
    const [small, large] = nLeft < node.end - mid ? [l, r] : [r, l];
    small.hist = ctx.histogramOf(small, kind);
    subtractHistogram(node.hist!, small.hist);
    large.hist = node.hist;
    node.hist = null;
    if (splitLeft) tryOpen(l);
    else makeLeaf(l);
    if (splitRight) tryOpen(r);
    else makeLeaf(r);
  }

  const nLeavesFinal = leaves.length;
  const leafStart = new Int32Array(nLeavesFinal);
  const leafEnd = new Int32Array(nLeavesFinal);
  const leafValue = new Float64Array(nLeavesFinal);
  for (let i = 0; i < nLeavesFinal; i++) {
    leafStart[i] = leaves[i].start;
    leafEnd[i] = leaves[i].end;
    leafValue[i] = value[leaves[i].id];
  }
  return {
    tree: {
      feature: Int32Array.from(feature),
      threshold: Float64Array.from(threshold),
      missingLeft: Uint8Array.from(missingLeft),
      left: Int32Array.from(left),
      right: Int32Array.from(right),
      value: Float64Array.from(value),
    },
    binThreshold: Uint8Array.from(binThreshold),
    leafStart,
    leafEnd,
    leafValue,
  };
}

/** Gradient and hessian sums of rows 0..n, for a root too small to split (no histogram is built). */
function rowSums(grad: Float32Array, hess: Hessians, n: number): [number, number] {
  let sumGrad = 0;
  let sumHess = 0;
  for (let i = 0; i < n; i++) sumGrad += grad[i];
  if (hess instanceof Float32Array) for (let i = 0; i < n; i++) sumHess += hess[i];
  else if (hess === FROM_GRADIENT) for (let i = 0; i < n; i++) sumHess += derivedHessian(grad[i]);
  else sumHess = n;
  return [sumGrad, sumHess];
}
