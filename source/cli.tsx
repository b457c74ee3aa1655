#!/usr/bin/env node
// The SDK warns on every run under Node < 22 that its 2027 releases will need Node 22. Users cannot act
// on that mid-run; the README says which Node versions are supported. An explicit setting is kept.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// Only light modules are imported statically: the signal handlers below must be in place before the
// SDK, Ink or the prompts load (hundreds of milliseconds in which Ctrl-C would otherwise kill the
// process), and --version or a --json run should not pay for faces they never show.
import { setMaxListeners } from 'node:events';
import { boundHeapGrowth } from './heap-growth.js';
import type { ConnectionOptions } from './aws/s3-client.js';
import { isCommandName, loadCommand } from './commands/command.js';
import { checkPlanFlags } from './job/plan-flags.js';
import type { Face } from './job/face.js';
import type { Demo } from './demo/demo.js';
import { isUserError, messageOf } from './errors.js';
import { ExitCode } from './exit-code.js';
import { formatCount } from './format.js';
import { RUN_DOCUMENT_FORMAT } from './job/run-document.js';
import { HELP, parseCliArgs, type CliOptions } from './options.js';
import { periodLabel, periodOf } from './periods.js';
import { VERSION } from './version.js';

// The run's live memory is small and steady (a plan, a few budgets of buffers): peak memory should
// follow it, not the length of the run.
boundHeapGrowth();

const controller = new AbortController();
// Every request in flight listens on the one run signal.
setMaxListeners(0, controller.signal);
let interrupts = 0;
function onInterrupt(): void {
  interrupts += 1;
  if (interrupts === 1) {
    process.stderr.write(
      '\nStopping safely: aborting uploads in flight, deleting nothing unverified… (Ctrl-C again to quit at once)\n',
    );
    controller.abort();
  } else {
    process.exit(ExitCode.Interrupted);
  }
}
process.on('SIGINT', onInterrupt);
process.on('SIGTERM', onInterrupt);

const DAY = 86_400_000;

/** Under --json, a run that never got to its periods still prints one document. */
function printErrorDocument(message: string, fix: string | undefined, exitCode: ExitCode): void {
  const document = { format: RUN_DOCUMENT_FORMAT, error: { message, fix: fix ?? null }, exitCode };
  process.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
}

function printError(error: unknown, json: boolean): ExitCode {
  if (isUserError(error)) {
    process.stderr.write(`✖ ${error.message}\n${error.fix ? `  ${error.fix}\n` : ''}`);
    if (json) printErrorDocument(error.message, error.fix, ExitCode.BadInput);
    return ExitCode.BadInput;
  }
  process.stderr.write(
    `✖ Unexpected failure: ${messageOf(error)}\n  Nothing was deleted that is not in a verified output. Please report this with the command you ran.\n`,
  );
  if (process.env.S3COLLAPSE_DEBUG) process.stderr.write(`${(error as Error)?.stack ?? ''}\n`);
  if (json) printErrorDocument(messageOf(error), undefined, ExitCode.Unfinished);
  return ExitCode.Unfinished;
}

/**
 * The demo's defaults: every finished day it seeded and, without questions, its first bucket. A guided
 * demo still asks for the bucket, so the newcomer sees every step.
 */
function withDemoDefaults(options: CliOptions, now: Date, interactive: boolean, days: number): CliOptions {
  const today = periodOf(now, 'day').start.getTime();
  const dated = options.from !== undefined || options.to !== undefined;
  return {
    ...options,
    bucket: options.bucket ?? (interactive ? undefined : 'demo-access-logs'),
    from: dated ? options.from : periodLabel(periodOf(new Date(today - days * DAY), 'day')),
    to: dated ? options.to : periodLabel(periodOf(new Date(today - DAY), 'day')),
  };
}

/**
 * --json, or no keyboard: the non-interactive face (it refuses to delete without --yes). A terminal:
 * the guided app; line-mode prompts with --plain, or when output goes to a pipe (Ink needs a screen).
 */
type FaceName = 'batch' | 'plain' | 'app';

function chooseFace(options: CliOptions): FaceName {
  // Questions need a keyboard: without one every answer must come from flags.
  // A plan file is written or run for schedulers: every answer is in the flags or the file.
  if (options.json || options.out || options.planFile || !process.stdin.isTTY) return 'batch';
  if (options.plain || !process.stdout.isTTY) return 'plain';
  return 'app';
}

/** Loads only the face that runs: a script run never loads React, Ink or the prompts. */
async function loadFace(name: FaceName): Promise<Face> {
  if (name === 'batch') return (await import('./batch/run-batch.js')).runBatch;
  if (name === 'plain') return (await import('./plain/run-plain.js')).runPlain;
  return (await import('./app/run-app.js')).runApp;
}

/** Stopped before the run began (while connecting or planning): nothing was written. */
function printInterrupted(json: boolean): ExitCode {
  process.stderr.write('Stopped before anything was written; nothing was changed.\n');
  if (json)
    printErrorDocument(
      'Interrupted before the run started; nothing was changed.',
      undefined,
      ExitCode.Interrupted,
    );
  return ExitCode.Interrupted;
}

/** `explain`, `verify`, `restore`: each parses its own flags. */
async function runCommand(argv: readonly string[]): Promise<ExitCode> {
  const [name, ...rest] = argv;
  if (!isCommandName(name)) throw new Error(`not a subcommand: ${name}`);
  const json = rest.includes('--json');
  try {
    const command = await loadCommand(name);
    return await command({
      argv: rest,
      signal: controller.signal,
      now: () => new Date(),
      stdout: process.stdout,
      stderr: process.stderr,
    });
  } catch (error) {
    if (controller.signal.aborted) return printInterrupted(json);
    return printError(error, json);
  }
}

async function main(argv: readonly string[]): Promise<ExitCode> {
  if (isCommandName(argv[0])) return runCommand(argv);
  // `plan` writes a plan file, `run` is the collapse itself (the default): both take its flags.
  const job = argv[0] === 'plan' || argv[0] === 'run' ? argv[0] : undefined;
  const args = job ? argv.slice(1) : argv;
  let options: CliOptions;
  try {
    options = parseCliArgs(args);
    if (!options.help && !options.version) checkPlanFlags(options, job);
  } catch (error) {
    return printError(error, args.includes('--json'));
  }
  if (options.help) {
    process.stdout.write(`${HELP}\n`);
    return ExitCode.Done;
  }
  if (options.version) {
    process.stdout.write(`${VERSION}\n`);
    return ExitCode.Done;
  }

  let demo: Demo | undefined;
  let demoDays = 0;
  try {
    let connection: ConnectionOptions = {
      profile: options.profile,
      region: options.region,
      endpoint: options.endpoint,
      expectedBucketOwner: options.expectedBucketOwner,
    };
    if (options.demo) {
      process.stderr.write(
        'demo: starting a local S3 server and seeding it with realistic logs (nothing here touches AWS)…\n',
      );
      const { startDemo, DEMO_DAYS } = await import('./demo/demo.js');
      demoDays = DEMO_DAYS;
      demo = await startDemo(new Date());
      const seeded = demo.buckets.reduce((total, bucket) => total + bucket.objects.length, 0);
      process.stderr.write(
        `demo: ${demo.server.endpoint} holds ${formatCount(seeded)} objects in ${demo.buckets.map((bucket) => bucket.name).join(', ')}\n`,
      );
      connection = {
        endpoint: demo.server.endpoint,
        credentials: demo.credentials,
        expectedBucketOwner: options.expectedBucketOwner,
      };
    }
    const faceName = chooseFace(options);
    if (demo) options = withDemoDefaults(options, new Date(), faceName !== 'batch', demoDays);
    const face = await loadFace(faceName);
    if (controller.signal.aborted) return printInterrupted(options.json);
    return await face({
      options,
      connection,
      demo,
      controller,
      now: () => new Date(),
      version: VERSION,
      stdin: process.stdin,
      stdout: process.stdout,
      stderr: process.stderr,
    });
  } catch (error) {
    if (controller.signal.aborted) return printInterrupted(options.json);
    return printError(error, options.json);
  } finally {
    await demo?.stop();
  }
}

process.exitCode = await main(process.argv.slice(2));
