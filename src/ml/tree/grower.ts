import type { Tree } from './tree';
import { buildHistogram, histogramLength, subtractHistogram, type HistogramLayout } from './histogram';
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
 * Buffers shared by all trees of one boosting run: allocating them per tree would dominate the cost
 * of small trees.
 */
export class GrowerContext {
  readonly sampleIdx: Int32Array;
  private readonly scratch: Int32Array;
  private readonly orderedGrad: Float64Array;
  private readonly orderedHess: Float64Array;
  private readonly histPool: Float64Array[] = [];
  private readonly histLength: number;

  constructor(
    /** Column-major bins of the training rows (see binRows). */
    readonly binned: Uint8Array,
    readonly nRows: number,
    readonly layout: HistogramLayout,
    /** 1 for features that had NaN in the training rows: only those try sending NaN left. */
    readonly hasMissing: Uint8Array,
    /** Raw-value bin thresholds, to turn bin splits into numeric thresholds for prediction. */
    readonly thresholds: Float64Array[],
  ) {
    this.sampleIdx = new Int32Array(nRows);
    this.scratch = new Int32Array(nRows);
    this.orderedGrad = new Float64Array(nRows);
    this.orderedHess = new Float64Array(nRows);
    this.histLength = histogramLength(layout);
  }

  acquireHistogram(): Float64Array {
    return this.histPool.pop() ?? new Float64Array(this.histLength);
  }

  releaseHistogram(h: Float64Array | null): void {
    if (h) this.histPool.push(h);
  }

  /** Histogram of a non-root node; gathers its gradients first so the per-feature loops read them in order. */
  histogramOf(node: GrowNode, grad: Float64Array, hess: Float64Array | null): Float64Array {
    const hist = this.acquireHistogram();
    const { sampleIdx, orderedGrad, orderedHess } = this;
    for (let i = node.start; i < node.end; i++) orderedGrad[i] = grad[sampleIdx[i]];
    if (hess) for (let i = node.start; i < node.end; i++) orderedHess[i] = hess[sampleIdx[i]];
    buildHistogram(
      hist,
      this.layout,
      this.binned,
      this.nRows,
      sampleIdx,
      node.start,
      node.end,
      orderedGrad,
      hess ? orderedHess : null,
    );
    return hist;
  }

  rootHistogram(grad: Float64Array, hess: Float64Array | null): Float64Array {
    const hist = this.acquireHistogram();
    // At the root sampleIdx is the identity, so the raw gradients are already in row order.
    buildHistogram(hist, this.layout, this.binned, this.nRows, this.sampleIdx, 0, this.nRows, grad, hess);
    return hist;
  }

  /** Stable in-place partition of the node's rows; returns how many went left. */
  partition(node: GrowNode, feature: number, bin: number, missingLeft: boolean): number {
    const { sampleIdx, scratch, binned, nRows } = this;
    const col = feature * nRows;
    const missingBin = this.layout.nBinsNonMissing[feature];
    let l = node.start;
    let r = 0;
    for (let i = node.start; i < node.end; i++) {
      const s = sampleIdx[i];
      const b = binned[col + s];
      if (b === missingBin ? missingLeft : b <= bin) sampleIdx[l++] = s;
      else scratch[r++] = s;
    }
    sampleIdx.set(scratch.subarray(0, r), l);
    return l - node.start;
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
  grad: Float64Array,
  hess: Float64Array | null,
  params: GrowerParams,
): GrownTree {
  const n = ctx.nRows;
  const { sampleIdx, hasMissing, thresholds, layout } = ctx;
  for (let i = 0; i < n; i++) sampleIdx[i] = i;
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

  let sumGrad = 0;
  let sumHess = 0;
  for (let i = 0; i < n; i++) sumGrad += grad[i];
  if (hess) for (let i = 0; i < n; i++) sumHess += hess[i];
  else sumHess = n;
  const root = newNode(0, n, 0, sumGrad, sumHess);
  if (n < 2 * params.minSamplesLeaf || sumHess < MIN_HESSIAN_TO_SPLIT) {
    makeLeaf(root);
  } else {
    root.hist = ctx.rootHistogram(grad, hess);
    tryOpen(root);
  }

  while (open.length > 0) {
    let best = 0;
    for (let i = 1; i < open.length; i++) if (open[i].split.gain > open[best].split.gain) best = i;
    const node = open[best];
    open.splice(best, 1);
    const s = node.split;

    const nLeft = ctx.partition(node, s.feature, s.bin, s.missingLeft);
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
    small.hist = ctx.histogramOf(small, grad, hess);
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
