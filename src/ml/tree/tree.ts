import type { Matrix } from '../matrix';

/**
 * A fitted regression tree as parallel arrays (one entry per node, root at 0): no per-node objects,
 * cheap to traverse and to serialise.
 *
 * Node i is a leaf when feature[i] === -1; its output is value[i] (already scaled by the learning rate).
 * Otherwise a row goes to left[i] when x[feature] <= threshold[i], to right[i] when greater, and to the
 * left child when x[feature] is NaN only if missingLeft[i] === 1. threshold may be +Infinity: that split
 * separates NaN (right) from every real value (left).
 */
export interface Tree {
  feature: Int32Array;
  threshold: Float64Array;
  missingLeft: Uint8Array;
  left: Int32Array;
  right: Int32Array;
  value: Float64Array;
}

/**
 * Adds one tree's output for each row into out[row * stride + offset], reading binned, column-major data
 * (see binRows): used for the validation set during training so that no raw-value lookups are needed. binThreshold[i] is the last bin that goes
 * left; missingBin[f] the NaN bin of feature f.
 */
export function addTreePredictionsBinned(
  tree: Tree,
  binThreshold: Uint8Array,
  binned: Uint8Array,
  nRows: number,
  missingBin: Int32Array,
  out: Float64Array,
  stride: number,
  offset: number,
): void {
  const { feature, missingLeft, left, right, value } = tree;
  for (let i = 0; i < nRows; i++) {
    let node = 0;
    let f = feature[0];
    while (f !== -1) {
      const b = binned[f * nRows + i];
      if (b === missingBin[f]) node = missingLeft[node] === 1 ? left[node] : right[node];
      else node = b <= binThreshold[node] ? left[node] : right[node];
      f = feature[node];
    }
    out[i * stride + offset] += value[node];
  }
}

/**
 * Adds every tree's output, tree t going to output column t % K. Rows outer, trees inner: a row's
 * features stay in cache while all trees read them, several times faster than tree-by-tree on big inputs.
 */
export function addForestPredictions(trees: readonly Tree[], X: Matrix, out: Float64Array, K: number): void {
  const { rows, cols, data } = X;
  const nTrees = trees.length;
  for (let i = 0; i < rows; i++) {
    const xo = i * cols;
    const oo = i * K;
    for (let t = 0; t < nTrees; t++) {
      const { feature, threshold, missingLeft, left, right, value } = trees[t];
      let node = 0;
      let f = feature[0];
      while (f !== -1) {
        const v = data[xo + f];
        if (v !== v) node = missingLeft[node] === 1 ? left[node] : right[node];
        else node = v <= threshold[node] ? left[node] : right[node];
        f = feature[node];
      }
      out[oo + (t % K)] += value[node];
    }
  }
}
