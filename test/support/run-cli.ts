import { execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../../dist/bin/cli.js', import.meta.url));

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Empty AWS config files, so no test reads the machine's own profiles. */
function isolatedAwsFiles(): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 's3collapse-aws-'));
  writeFileSync(join(dir, 'config'), '[profile dev]\nregion = eu-west-1\n');
  writeFileSync(
    join(dir, 'credentials'),
    '[dev]\naws_access_key_id = S3RVER\naws_secret_access_key = S3RVER\n',
  );
  return { AWS_CONFIG_FILE: join(dir, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials') };
}

/** A CLI run still going: its process (to signal) and its outcome. */
export interface StartedCli {
  readonly process: ChildProcess;
  readonly done: Promise<CliRun>;
}

/**
 * Starts the built CLI as a child process, asynchronously (a blocking spawn would stall the test
 * process), with no terminal, local-server credentials and no access to the machine's AWS setup.
 */
export function startCli(args: readonly string[], env: Record<string, string | undefined> = {}): StartedCli {
  const base: Record<string, string | undefined> = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
    AWS_EC2_METADATA_DISABLED: 'true',
    NO_COLOR: '1',
    ...isolatedAwsFiles(),
  };
  const merged = Object.fromEntries(
    Object.entries({ ...base, ...env }).filter(([, value]) => value !== undefined),
  ) as Record<string, string>;
  let child: ChildProcess | undefined;
  const done = new Promise<CliRun>((resolve) => {
    child = execFile(
      process.execPath,
      [CLI, ...args],
      { env: merged, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
  return { process: child!, done };
}

export function runCli(
  args: readonly string[],
  env: Record<string, string | undefined> = {},
): Promise<CliRun> {
  return startCli(args, env).done;
}
