/**
 * A failure the user can cause and fix (bad flag, missing bucket, no permission).
 * Faces print `message` and `fix` on one or two lines, never a stack, and exit 2.
 */
export class UserError extends Error {
  override readonly name = 'UserError';
  constructor(
    message: string,
    readonly fix?: string,
  ) {
    super(message);
  }
}

export function isUserError(error: unknown): error is UserError {
  return error instanceof UserError;
}

/** The text of any thrown value, for the places that report rather than rethrow. */
export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
