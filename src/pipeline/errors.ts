/**
 * Bad input is not retried: the same data and spec would fail the same way. Activities turn this error
 * into a non-retryable ApplicationFailure of type "BadInput"; anything else is treated as transient.
 */
export class BadInputError extends Error {
  override name = 'BadInput';
}
