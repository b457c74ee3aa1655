import type { ConnectionOptions } from '../aws/s3-client.js';
import { detectLayouts } from '../engine/detect-bucket.js';
import { planRun, type PlanUnit } from '../engine/plan.js';
import { executePlan, exitCodeOf } from '../engine/run.js';
import {
  DEFAULT_RUN_OPTIONS,
  type EmitEvent,
  type EngineContext,
  type Plan,
  type RunOptions,
  type RunResult,
} from '../engine/types.js';
import { UserError } from '../errors.js';
import type { ExitCode } from '../exit-code.js';
import { formatBytes, formatCount } from '../format.js';
import { chooseCandidate, type Detection } from '../layouts/detect.js';
import { layoutById, layoutsForChoice, useKeyPatternLayout, type LayoutId } from '../layouts/index.js';
import { keyPatternLayout } from '../layouts/user-pattern.js';
import type { CliOptions } from '../options.js';
import { periodLabel, resolvePeriods, type Granularity, type Period } from '../periods.js';
import { findOtherOutputs } from './other-outputs.js';
import { runWindow } from './run-window.js';
import { planTotals, type PlanTotals } from './plan-totals.js';
import type { RunAnswers } from './repeat-command.js';
import { runDocument, unfinishedPeriods, type RunDocument } from './run-document.js';

/**
 * The use case every face drives: connect → layout → range → plan → confirm → run → result. Each
 * rule of the job (when detection is skipped, when a plan is empty or already done, when deleting
 * needs a confirmation, what the repeat command holds, the exit code) is decided here once; the
 * faces only collect answers and draw what these functions return.
 */

/** A layout at a root: what detection finds, or what `--layout` and `--prefix` name. */
export interface LayoutChoice {
  readonly layout: LayoutId;
  readonly root: string;
}

/** The periods a run covers; `from` and `to` are the first and last period's labels. */
export interface JobRange {
  readonly by: Granularity;
  readonly from: string;
  readonly to: string;
  readonly periods: readonly Period[];
}

/** Every answer a run needs, however a face collected it. */
export interface JobAnswers {
  readonly connection: ConnectionOptions;
  readonly bucket: string;
  readonly layout: LayoutChoice;
  /** Only these series (by base); every series found when absent. */
  readonly seriesBases?: readonly string[] | undefined;
  readonly range: JobRange;
  /** From a plan file: exactly these units (series × period); nothing is discovered. */
  readonly units?: readonly PlanUnit[] | undefined;
}

/** What a face was started with, as far as the job needs it. */
export interface JobSetting {
  readonly options: CliOptions;
  readonly demo?: unknown;
  readonly version: string;
}

/**
 * `--key-pattern`: that layout at its root, never detected. It is set for the whole run, so every
 * `layoutById('key-pattern')` (engine, faces) finds it; `--prefix`, if given, must be the root.
 */
function keyPatternChoice(options: CliOptions, pattern: string): LayoutChoice {
  if (options.layout !== 'auto') {
    throw new UserError(
      `--layout ${options.layout} and --key-pattern both name the layout.`,
      'Give one of them: --key-pattern describes a layout of your own.',
    );
  }
  const layout = keyPatternLayout(pattern);
  if (options.prefix !== undefined && options.prefix !== layout.root) {
    throw new UserError(
      `--prefix ${options.prefix} disagrees with --key-pattern ${pattern}, which starts at ${JSON.stringify(layout.root)}.`,
      'Drop --prefix: the fixed text before the first field or wildcard of the pattern is its prefix.',
    );
  }
  useKeyPatternLayout(layout);
  return { layout: layout.id, root: layout.root };
}

/** `--layout X --prefix P` with one layout behind X answers the layout step: nothing is sampled. */
export function layoutFromFlags(options: CliOptions): LayoutChoice | undefined {
  if (options.keyPattern !== undefined) return keyPatternChoice(options, options.keyPattern);
  const layouts = layoutsForChoice(options.layout);
  if (layouts.length !== 1 || options.prefix === undefined) return undefined;
  return { layout: layouts[0]!.id, root: options.prefix };
}

/** Samples the bucket (under `--prefix`) for the layouts `--layout` allows. */
export function detectIn(ctx: EngineContext, options: CliOptions, signal?: AbortSignal): Promise<Detection> {
  return detectLayouts(ctx, options.prefix ?? '', layoutsForChoice(options.layout), signal);
}

/** Without questions, detection must come out as exactly one layout at one root. */
export function pickDetected(detection: Detection, ctx: EngineContext, options: CliOptions): LayoutChoice {
  const candidate = chooseCandidate(detection, `s3://${ctx.bucket}/${options.prefix ?? ''}`);
  return { layout: candidate.layout, root: candidate.root };
}

/** The finished periods from `from` to `to` by `by`, with the labels a repeat command uses. */
export function rangeOf(
  choice: { by: Granularity; from?: string | undefined; to?: string | undefined; includeOpen: boolean },
  now: Date,
): JobRange {
  const periods = resolvePeriods({ ...choice, now });
  return { by: choice.by, periods, from: periodLabel(periods[0]!), to: periodLabel(periods.at(-1)!) };
}

/** The range the flags give (default yesterday, or last month by month). */
export const rangeFromFlags = (options: CliOptions, now: Date): JobRange => rangeOf(options, now);

export function runOptionsFor(
  options: CliOptions,
  version: string,
  now: () => Date = () => new Date(),
): RunOptions {
  return {
    ...DEFAULT_RUN_OPTIONS,
    stopStarting: runWindow(options, now),
    periodConcurrency: options.concurrency,
    partSize: options.partSizeMiB * 1024 * 1024,
    serverCopy: !options.noServerCopy,
    storageClass: options.storageClass,
    tool: `s3collapse-tui ${version}`,
  };
}

export interface JobPlan {
  readonly plan: Plan;
  readonly totals: PlanTotals;
  /** Deleting originals needs a confirmation (typed, or --yes); a run that deletes none needs none. */
  readonly needsConfirmation: boolean;
  /** Something true about the range a face should say (outputs of shorter periods, say). */
  readonly note?: string | undefined;
}

const rangeText = (range: JobRange): string =>
  range.from === range.to ? range.from : `${range.from} to ${range.to}`;

/**
 * Snapshots the range. A range with no log keys and no outputs is an error (with the likely reason);
 * one whose logs were all collapsed before, by this or another granularity, is nothing to do.
 */
export async function planJob(
  ctx: EngineContext,
  answers: JobAnswers,
  options: CliOptions,
  signal?: AbortSignal,
): Promise<JobPlan> {
  const layout = layoutById(answers.layout.layout);
  const { root } = answers.layout;
  if (options.checkDigests && layout.id !== 'cloudtrail')
    throw new UserError(
      `--check-digests works only with CloudTrail logs (their CloudTrail-Digest files); this run is ${layout.title}.`,
      'Drop --check-digests, or pick the CloudTrail logs with --layout cloudtrail.',
    );
  const plan = await planRun(
    ctx,
    {
      layout,
      root,
      by: answers.range.by,
      periods: answers.range.periods,
      outPrefix: options.outPrefix,
      seriesBases: answers.seriesBases,
      checkDigests: options.checkDigests,
      units: answers.units,
    },
    signal,
  );
  const totals = planTotals(plan);
  const needsConfirmation = totals.keysToDelete + totals.rolledToDelete > 0;
  if (!plan.periods.every((period) => period.status === 'skipped'))
    return { plan, totals, needsConfirmation };
  // A plan file's units found empty now: their keys were collapsed or deleted since it was written.
  if (answers.units)
    return {
      plan,
      totals,
      needsConfirmation,
      note:
        answers.units.length === 0
          ? 'This share of the plan file holds no units: nothing to do.'
          : `None of the ${formatCount(answers.units.length)} units holds ${layout.title} keys any more: nothing to do.`,
    };
  const waiting = plan.periods.reduce((total, period) => total + (period.waitingForDigest?.length ?? 0), 0);
  if (waiting > 0)
    return {
      plan,
      totals,
      needsConfirmation,
      note: `Every ${layout.title} key from ${rangeText(answers.range)} (UTC) is waiting for its digest (${formatCount(waiting)} keys no CloudTrail-Digest file lists yet): nothing to do until CloudTrail delivers them.`,
    };

  const other = await findOtherOutputs(ctx, plan, options.outPrefix, signal);
  if (other.count > 0) {
    return {
      plan,
      totals,
      needsConfirmation,
      note: `No ${layout.title} keys are left from ${rangeText(answers.range)} (UTC): ${formatCount(other.count)} outputs of other periods hold them (e.g. ${other.example}). Nothing to do by ${answers.range.by}.`,
    };
  }
  const slash = root !== '' && !root.endsWith('/');
  throw new UserError(
    `No ${layout.title} keys under s3://${ctx.bucket}/${root} from ${rangeText(answers.range)} (UTC), and no outputs.`,
    slash
      ? `The prefix ${root} does not end with "/": keys in the folder ${root}/ start with ${root}/. Try --prefix ${root}/.`
      : 'Check the range (UTC; the default is yesterday) and the prefix.',
  );
}

/** What a confirmation promises, and what the operator should know before giving it. */
export interface Confirmation {
  readonly promise: string;
  readonly warning?: string | undefined;
}

export function confirmationOf(
  planned: JobPlan,
  options: CliOptions,
  versioned: boolean | undefined,
): Confirmation {
  const { plan, totals } = planned;
  const where = options.outPrefix
    ? `under ${options.outPrefix}`
    : `next to them under ${plan.root || 'the bucket root'}`;
  return {
    promise:
      `After each output is uploaded and verified, ${formatCount(totals.keysToDelete)} original objects ` +
      `(${formatBytes(totals.bytes)}) are deleted from ${plan.bucket}` +
      (totals.rolledToDelete > 0
        ? `, and ${formatCount(totals.rolledToDelete)} outputs and manifests of shorter periods rolled into them`
        : '') +
      `. Outputs and manifests stay ${where}. Objects written after the preview are kept.`,
    warning: versioned
      ? 'This bucket is versioned: deleted originals stay as noncurrent versions (still billed) until a lifecycle rule expires them.'
      : undefined,
  };
}

/** Without a terminal, deleting needs --yes. */
export function unconfirmed(planned: JobPlan): UserError {
  const { keysToDelete, rolledToDelete, bytes } = planned.totals;
  const what = [
    ...(keysToDelete > 0 || rolledToDelete === 0
      ? [`${formatCount(keysToDelete)} originals (${formatBytes(bytes)})`]
      : []),
    ...(rolledToDelete > 0
      ? [`${formatCount(rolledToDelete)} outputs and manifests of shorter periods rolled into a month output`]
      : []),
  ];
  return new UserError(
    `Refusing to delete ${what.join(' and ')} without confirmation.`,
    'Pass --yes to confirm (or --dry-run to only see the plan); on a terminal the app asks instead.',
  );
}

export interface JobOutcome {
  readonly result: RunResult;
  readonly document: RunDocument;
  readonly exitCode: ExitCode;
}

/** Runs the plan; the outcome carries the JSON document and the exit code every face returns. */
export async function executeJob(
  ctx: EngineContext,
  plan: Plan,
  options: RunOptions,
  emit: EmitEvent,
  signal?: AbortSignal,
): Promise<JobOutcome> {
  const result = await executePlan(ctx, plan, options, emit, signal);
  const exitCode = exitCodeOf(result);
  return { result, document: runDocument(plan, result, exitCode), exitCode };
}

/** The answers as the flags of a command that repeats the run without questions. */
export function repeatAnswers(setting: JobSetting, answers: JobAnswers): RunAnswers {
  const { options } = setting;
  const demo = setting.demo !== undefined;
  return {
    profile: demo ? undefined : answers.connection.profile,
    region: options.region,
    endpoint: demo ? undefined : options.endpoint,
    bucket: answers.bucket,
    prefix: answers.layout.root,
    ...(answers.layout.layout === 'key-pattern'
      ? { keyPattern: options.keyPattern }
      : { layout: answers.layout.layout }),
    series: answers.seriesBases,
    from: answers.range.from,
    to: answers.range.to,
    by: answers.range.by,
    outPrefix: options.outPrefix,
    includeOpen: options.includeOpen || undefined,
    checkDigests: options.checkDigests || undefined,
    demo: demo || undefined,
  };
}

/**
 * The repeat command's answers narrowed to what a run left unfinished (failed or not started
 * periods, or originals not deleted), as one range; the whole range again when nothing is left.
 */
export function retryAnswers(
  repeat: RunAnswers,
  document: RunDocument,
): { answers: RunAnswers; rest: boolean } {
  const labels = unfinishedPeriods(document)
    .map((period) => period.period)
    .sort();
  if (labels.length === 0) return { answers: repeat, rest: false };
  return { answers: { ...repeat, from: labels[0]!, to: labels.at(-1)! }, rest: true };
}
