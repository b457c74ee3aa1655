import type { ExitCode } from '../exit-code.js';

/** What a subcommand (`explain`, `verify`, `restore`) gets from the entry point. */
export interface CommandContext {
  /** The arguments after the subcommand's name. */
  readonly argv: readonly string[];
  /** Aborted on Ctrl-C / SIGTERM. */
  readonly signal: AbortSignal;
  readonly now: () => Date;
  readonly stdout: NodeJS.WriteStream;
  readonly stderr: NodeJS.WriteStream;
}

/** Runs to the end and says how it went; expected failures are thrown as `UserError`. */
export type Command = (context: CommandContext) => Promise<ExitCode>;

export const COMMAND_NAMES = ['explain', 'verify', 'restore'] as const;
export type CommandName = (typeof COMMAND_NAMES)[number];

export const isCommandName = (word: string | undefined): word is CommandName =>
  (COMMAND_NAMES as readonly string[]).includes(word ?? '');

/** Loads only the subcommand that runs. */
export async function loadCommand(name: CommandName): Promise<Command> {
  if (name === 'explain') return (await import('./explain.js')).explain;
  if (name === 'verify') return (await import('./verify.js')).verify;
  return (await import('./restore.js')).restore;
}
