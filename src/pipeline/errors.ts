import { UserError } from '../errors';

/**
 * Bad input is not retried: the same data and spec would fail the same way. Activities turn this error
 * into a non-retryable ApplicationFailure of type "BadInput"; anything else is treated as transient.
 */
export class BadInputError extends UserError {
  // Kept as it was: activities map this class to the ApplicationFailure type "BadInput", which workflows list
  // as non-retryable and recorded histories carry.
  override name = 'BadInput';
}
