import type { ConnectionOptions } from '../aws/s3-client.js';
import type { Demo } from '../demo/demo.js';
import type { ExitCode } from '../exit-code.js';
import type { CliOptions } from '../options.js';

/**
 * What every face (Ink app, plain prompts, non-interactive) gets from the entry point. A face asks for
 * whatever the options leave open, runs the engine, and returns the exit code.
 */
export interface FaceContext {
  readonly options: CliOptions;
  /** Credentials and endpoint; the demo's local server when `demo` is set. */
  readonly connection: ConnectionOptions;
  readonly demo?: Demo | undefined;
  /** Aborted on Ctrl-C (the Ink app aborts it itself: raw mode turns Ctrl-C into a key). */
  readonly controller: AbortController;
  readonly now: () => Date;
  readonly version: string;
  readonly stdin: NodeJS.ReadStream;
  readonly stdout: NodeJS.WriteStream;
  readonly stderr: NodeJS.WriteStream;
}

export type Face = (context: FaceContext) => Promise<ExitCode>;
