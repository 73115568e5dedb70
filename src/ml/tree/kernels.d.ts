// Types of kernels.js (plain JavaScript, see its header).
import type { BinMapper } from './binning';
import type { HistogramLayout } from './histogram';
import type { Matrix } from '../matrix';

/**
 * Fills hist from rows sampleIdx[start..end). Gradients are "ordered": g[i] belongs to row sampleIdx[i]
 * (gathered beforehand so the loops read them sequentially; at the root sampleIdx is the identity and
 * the raw gradient arrays qualify as they are). hess === null means every hessian is 1: the count then
 * doubles as the hessian sum (squared error), saving a third of the work. rowsInOrder: the caller
 * guarantees sampleIdx[i] === i over start..end (the root), so the loops skip the row index.
 */
export declare function buildHistogram(hist: Float64Array, layout: HistogramLayout, binned: Uint8Array, nRows: number, sampleIdx: Int32Array, start: number, end: number, g: Float32Array, hess: Hessians, firstFeature?: number, endFeature?: number, rowsInOrder?: boolean, loops?: HistogramLoops): void;
/**
 * The hessian of binary log loss from its gradient (y in {0, 1}: p(1 - p) = |g|(1 - |g|), rounded to
 * float32): no hessian array to fill, nor to move with every partition.
 */
export declare const FROM_GRADIENT: 'fromGradient';
/** One row's derived hessian, |g|(1 - |g|) rounded to float32: what the histograms add for FROM_GRADIENT. */
export declare function derivedHessian(g: number): number;
/** A fit's hessians: an array (ordered like the gradients), null when all are 1, or derived from the gradients. */
export type Hessians = Float32Array | null | typeof FROM_GRADIENT;
/** How a tree's hessians come, as threads are told: the ordered array, all 1, or derived from the gradients. */
export type HessianKind = 'array' | 'constant' | typeof FROM_GRADIENT;
/** The Hessians buildHistogram takes for a kind. */
export declare function hessiansOf(kind: HessianKind, orderedHess: Float32Array): Hessians;
/** One histogram loop: features fs[j..j+width) (width from its name: 8, 4 or 1) over rows start..end. */
export type HistogramLoop = (hist: Float64Array, binned: Uint8Array, nRows: number, offsets: Int32Array, fs: number[], j: number, sampleIdx: Int32Array, start: number, end: number, g: Float32Array, h: Float32Array | null) => void;
/**
 * The loops buildHistogram runs, by name (the JavaScript ones here, the WebAssembly ones in wasmKernels.js).
 * Only WebAssembly has the "Derived" ones (hessians from gradients); without them buildHistogram derives the
 * hessians into an array first.
 */
export type HistogramLoops = Record<
  | 'accumulate8' | 'accumulate8Root' | 'accumulate8Constant' | 'accumulate8RootConstant'
  | 'accumulate4' | 'accumulate4Root' | 'accumulate4Constant' | 'accumulate4RootConstant'
  | 'accumulate1' | 'accumulate1Constant'
  | 'twoBin4' | 'twoBin4Root' | 'twoBin4Constant' | 'twoBin4RootConstant',
  HistogramLoop
> &
  Partial<Record<'accumulate8Derived' | 'accumulate8RootDerived' | 'accumulate4Derived' | 'accumulate4RootDerived' | 'accumulate1Derived' | 'twoBin4Derived' | 'twoBin4RootDerived', HistogramLoop>>;
export declare const jsHistogramLoops: HistogramLoops;
/** The kernels a thread runs a fit with: these JavaScript ones, or WebAssembly's (wasmKernels.js). */
export interface Kernels {
  loops: HistogramLoops;
  splitChunk: typeof splitChunk;
  placeChunk: typeof placeChunk;
  /** WebAssembly's takes every array in its memory and the labels as bytes (a Uint8Array of 0 and 1). */
  binomialGradients: typeof binomialGradients;
  /** WebAssembly's takes every array (the leaves' too) in its memory. */
  addLeafValues: typeof addLeafValues;
}
export declare const jsKernels: Kernels;
/**
 * Splits features 0..nFeatures into `parts` contiguous groups (bounds[k]..bounds[k+1]), one per thread,
 * for binning: as even as possible, with bounds on multiples of 4 where the features allow.
 */
export declare function featureGroups(nFeatures: number, parts: number): Int32Array;
/**
 * Bin thresholds of features firstFeature..endFeature, fitted on the rows `sample` of row-major X (p
 * columns): feature f's go to out[f * maxBins ..], their number to counts[f] (see binning.ts).
 */
export declare function sampleThresholds(data: Float64Array, p: number, sample: Int32Array, maxBins: number, firstFeature: number, endFeature: number, out: Float64Array, counts: Int32Array): void;
/**
 * Thresholds for one sorted, NaN-free column: midpoints between distinct values when there are few,
 * otherwise the (maxBins-1) inner quantiles with numpy's "averaged_inverted_cdf" rule, as sklearn does.
 */
export declare function featureThresholds(sorted: Float64Array, maxBins: number): Float64Array;
/**
 * Bins the given rows of X into a column-major Uint8Array (feature f of row i at f * nRows + i):
 * column-major because histogram building scans one feature at a time. `out` lets the caller put the
 * bins in shared memory for histogram threads. rows null means every row of X, in order.
 */
export declare function binRows(X: Matrix, rows: Int32Array | null, mapper: BinMapper, out?: Uint8Array, firstFeature?: number, endFeature?: number): Uint8Array;
/**
 * Parallel stable partition of a node's rows (and their ordered gradients) in two phases, each thread on
 * its own contiguous chunk [cs, ce) of the node:
 *   1. splitChunk: the chunk's rows going left are written to scratch from cs upwards, those going right
 *      from ce - 1 downwards; returns how many went left.
 *   2. placeChunk: with every chunk's left count known, each chunk copies its lefts to their place in the
 *      node's left part and its rights (read backwards, restoring their order) to the right part.
 * Concatenating chunk-wise stable partitions in chunk order is the stable partition of the whole node,
 * so the rows end up exactly where the single-threaded partition puts them.
 */
export interface PartitionArrays {
    binned: Uint8Array;
    nRows: number;
    sampleIdx: Int32Array;
    orderedGrad: Float32Array;
    orderedHess: Float32Array;
    scratchIdx: Int32Array;
    scratchGrad: Float32Array;
    scratchHess: Float32Array;
}
export interface SplitRule {
    feature: number;
    bin: number;
    missingBin: number;
    missingLeft: boolean;
    hasHess: boolean;
}
export declare function splitChunk(a: PartitionArrays, r: SplitRule, cs: number, ce: number): number;
/** Copies chunk [cs, ce), split at nLeft by splitChunk, to leftDest.. and rightDest.. of the node. */
export declare function placeChunk(a: PartitionArrays, hasHess: boolean, cs: number, ce: number, nLeft: number, leftDest: number, rightDest: number): void;
/**
 * Binary logistic loss and gradient over rows [start, end) of row-major X (p columns) for weights w (p
 * weights, then the intercept at w[p]): adds the gradient into out[0..p], returns the loss sum.
 */
/** Binary log-loss gradients and hessians of rows [start, end) (the arithmetic of boost-loss.ts's binomial). */
export declare function binomialGradients(y: Float64Array | Uint8Array, raw: Float64Array, g: Float32Array, h: Float32Array | null, start: number, end: number): void;
/** The kernels whose binomialGradients takes these labels: bytes are in the arena (`kernels`), doubles are not (jsKernels). */
export declare function rowKernels(kernels: Kernels, y: Float64Array | Uint8Array): Kernels;
/** 2^(j/32) for j < 32, then 2^-i for i < 1023: expNonPositive's tables, for the WebAssembly binomialGradients. */
export declare const EXP2_TABLES: Float64Array;
/** Squared-error gradients raw - y of rows [start, end). */
export declare function squaredGradients(y: Float64Array, raw: Float64Array, g: Float32Array, start: number, end: number): void;
/** raw[idx[i]] += the value of the leaf (a range leafStart..leafEnd of positions) holding position i, for i in [cs, ce). */
export declare function addLeafValues(raw: Float64Array, idx: Int32Array, leafStart: Int32Array, leafEnd: Int32Array, leafValue: Float64Array, cs: number, ce: number): void;
export declare function logisticBlock(data: Float64Array, p: number, y: Float64Array, w: Float64Array, start: number, end: number, out: Float64Array): number;
export declare function logisticBlocks(data: Float64Array, p: number, y: Float64Array, w: Float64Array, rows: number, blockRows: number, partials: Float64Array, from: number, to: number): void;
