/**
 * The one base class of errors a person fixes: a bad config value, a spec or data file that is wrong, a
 * missing program, a server that is not running, a name that does not exist. Their message says what, where
 * and what to do, so a command prints the message alone; any other error is a bug and keeps its stack.
 * Classify with `instanceof UserError` (or isUserError), never by name or message text.
 */
export class UserError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    // Subclasses get their own name in logs and in `err.name` without each setting it.
    this.name = new.target.name;
  }
}

export function isUserError(err: unknown): err is UserError {
  return err instanceof UserError;
}
