// Typed errors: each carries a message a user can act on, an optional hint and an exit code.
// Known errors print one line (plus a hint); anything else is a bug and prints its stack.

export const EXIT_OK = 0;
export const EXIT_GATE = 1;
export const EXIT_CANNOT_RUN = 2;

export abstract class AttackCovError extends Error {
  /** Process exit code for this error. */
  readonly exitCode: number = EXIT_CANNOT_RUN;
  /** One line telling the user what to try next. */
  readonly hint: string | undefined;

  constructor(message: string, hint?: string) {
    super(message);
    this.name = new.target.name;
    this.hint = hint;
  }
}

/** Bad flags or arguments. */
export class UsageError extends AttackCovError {}

/** A flag given with nothing in it (`--platform ""`): taken as not given, it would quietly mean "none", "all" or "here". */
export function noValueError(flag: string, given: string, hint: string): UsageError {
  return new UsageError(`${flag} ${JSON.stringify(given)}: no value in it`, hint);
}

/** An input file or bundle that cannot be used. `location` is "file" or "file:line:col". */
export class InputError extends AttackCovError {
  constructor(
    readonly location: string,
    /** What is wrong, without the location: for an error named again elsewhere (as given, with another hint). */
    readonly detail: string,
    hint?: string,
  ) {
    super(`${location}: ${detail}`, hint);
  }
}

/** For `.catch`: undefined for an InputError (a file that does not read as valid, taken as a miss), else the error thrown again. */
export function unlessInputError(error: unknown): undefined {
  if (error instanceof InputError) return undefined;
  throw error;
}

/** A download that failed after its retries; `isUnreachable` when nothing answered with a verdict on the file (the
 * network, the proxy, a server error), where a copy carried over is the way in (withOfflineHint), not a 404. */
export class NetworkError extends AttackCovError {
  constructor(
    message: string,
    hint?: string,
    readonly isUnreachable = false,
  ) {
    super(message, hint);
  }
}

/** `error` with `way` (how to do without the network) added to its hint when the download could not reach its file. */
export function withOfflineHint(error: unknown, way: string): unknown {
  return error instanceof NetworkError && error.isUnreachable ? new NetworkError(error.message, `${error.hint}; without network, ${way}`, true) : error;
}

/** A failure from the LLM endpoint. */
export class LlmError extends AttackCovError {}

/** A model answer attack-cov refuses as it is (too long): a verdict on the answer, not on the endpoint. */
export class ModelAnswerError extends LlmError {}

export function isAttackCovError(error: unknown): error is AttackCovError {
  return error instanceof AttackCovError;
}
