/**
 * Turning a classifier's probabilities into its predicted class: the one rule that training, evaluation, batch
 * scoring, drift monitoring and serving all use, so a row gets the same label wherever it is decoded.
 *
 * Scores are row-major, `width` per row (the model's class order). The predicted class is the first index holding
 * the largest value: on ties the earlier class wins, as numpy's argmax and scikit-learn's predict do. A NaN is never
 * the largest value (it says nothing about the class), so it is passed over wherever it is; only a row with no
 * number at all decodes to class 0. Serving refuses non-finite scores before it decodes them; batch scoring,
 * evaluation and monitoring decode whatever the model produced, and this keeps a NaN from choosing their label.
 */

/** Index (0..width-1) of the largest score of the row starting at `base`; the first of equals; NaN never wins. */
export function argmaxRow(scores: ArrayLike<number>, base: number, width: number): number {
  let best = 0;
  let top = scores[base];
  for (let k = 1; k < width; k++) {
    const v = scores[base + k];
    // `top !== top`: the best so far is NaN, and any number replaces it.
    if (v > top || (top !== top && v === v)) {
      best = k;
      top = v;
    }
  }
  return best;
}

/** The class of row `row` of `scores`, one column per class of `classes`. */
export function decodeClass<C>(classes: readonly C[], scores: ArrayLike<number>, row: number): C {
  const w = classes.length;
  return classes[argmaxRow(scores, row * w, w)];
}
