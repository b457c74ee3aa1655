/**
 * The process's exit codes, the one place they are defined. Scripts and cron read them: 1 means some
 * period is unfinished but nothing was lost, so running again is always the right reaction to it.
 */
export const ExitCode = {
  /** Everything asked for is done (or was already done). */
  Done: 0,
  /** Some period failed or some original could not be deleted; nothing was lost. */
  Unfinished: 1,
  /** Bad input or usage (including a confirmation refused): nothing was changed. */
  BadInput: 2,
  /** Stopped by Ctrl-C or SIGTERM; running the same command again finishes the job. */
  Interrupted: 130,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
