/**
 * A value the fitted graph refuses by design (an unseen category under `handleUnknown: error`): the input's
 * fault, not the model's, so serving answers 4xx naming the instance and batch scoring names the row.
 */
export class UnknownCategoryError extends Error {
  override name = 'UnknownCategoryError';
}
