import { planRun } from '../engine/plan.js';
import { executePlan, exitCodeOf } from '../engine/run.js';
import { DEFAULT_RUN_OPTIONS, type EngineEvent, type RunOptions } from '../engine/types.js';
import { UserError } from '../errors.js';
import { formatBytes, formatCount } from '../format.js';
import { chooseLayout } from '../job/choose-layout.js';
import { connect } from '../job/connect.js';
import { planIsEmpty, planTotals } from '../job/plan-totals.js';
import type { CliOptions } from '../options.js';
import type { FaceContext } from '../job/face.js';
import { resolvePeriods } from '../periods.js';
import { formatPlan, formatResult, runDocument } from './report.js';

export function runOptionsFrom(options: CliOptions, version: string): RunOptions {
  return {
    ...DEFAULT_RUN_OPTIONS,
    periodConcurrency: options.concurrency,
    partSize: options.partSizeMiB * 1024 * 1024,
    storageClass: options.storageClass,
    tool: `s3collapse-tui ${version}`,
  };
}

function progressLine(event: EngineEvent, labels: Map<string, string>): string | undefined {
  if (event.type !== 'period-done') return undefined;
  const result = event.result;
  const name = labels.get(result.id) ?? result.label;
  switch (result.status) {
    case 'collapsed':
      return `✔ ${name}  ${formatCount(result.keys)} keys → ${result.outputKey}  verified, ${formatCount(result.keysDeleted)} deleted${result.deleteFailed.length ? `, ${result.deleteFailed.length} not deleted` : ''}`;
    case 'already-collapsed':
      return `✔ ${name}  already collapsed${result.keysDeleted ? `; ${formatCount(result.keysDeleted)} leftover keys deleted` : ''}`;
    case 'failed':
      return `✖ ${name}  ${result.error ?? 'failed'}`;
    default:
      return undefined;
  }
}

/**
 * The non-interactive face: every answer from flags, the plan and the result as text or one JSON
 * document on stdout, progress on stderr.
 */
export async function runBatch(face: FaceContext): Promise<number> {
  const { options, version } = face;
  const io = { stdout: face.stdout, stderr: face.stderr, now: face.now, signal: face.controller.signal };
  const say = (line: string) => io.stderr.write(`${line}\n`);
  const { ctx } = await connect(face.connection, options.bucket, io.now);
  try {
    const { layout, root } = await chooseLayout(ctx, options.layout, options.prefix, io.signal);
    const periods = resolvePeriods({
      from: options.from,
      to: options.to,
      by: options.by,
      now: io.now(),
      includeOpen: options.includeOpen,
    });
    say(
      `${layout.title} in s3://${ctx.bucket}/${root} — planning ${periods.length} ${options.by === 'day' ? 'days' : `${options.by}s`}…`,
    );
    const plan = await planRun(
      ctx,
      { layout, root, by: options.by, periods, outPrefix: options.outPrefix, seriesBases: options.series },
      io.signal,
    );
    if (planIsEmpty(plan)) {
      const first = periods[0]!;
      const last = periods.at(-1)!;
      throw new UserError(
        `No ${layout.title} keys under s3://${ctx.bucket}/${root} from ${first.start.toISOString().slice(0, 13)}Z to ${last.end.toISOString().slice(0, 13)}Z, and no outputs.`,
        'Check --from/--to (UTC, default yesterday) and --prefix.',
      );
    }
    const planText = formatPlan(plan);
    const human = options.json ? say : (line: string) => io.stdout.write(`${line}\n`);
    for (const line of planText) human(line);

    if (options.dryRun) {
      if (options.json) io.stdout.write(`${JSON.stringify(runDocument(plan, null, 0), null, 2)}\n`);
      say('dry run: nothing was changed.');
      return 0;
    }
    const totals = planTotals(plan);
    if (!options.yes) {
      throw new UserError(
        `Refusing to delete ${formatCount(totals.keysToDelete)} originals (${formatBytes(totals.bytes)}) without confirmation.`,
        'Pass --yes to confirm (or --dry-run to only see the plan); on a terminal the app asks instead.',
      );
    }
    const labels = new Map(
      plan.periods.map((period) => [
        period.id,
        plan.series.length > 1 ? `${period.label} ${period.series.label}` : period.label,
      ]),
    );
    const result = await executePlan(
      ctx,
      plan,
      runOptionsFrom(options, version),
      (event) => {
        const line = progressLine(event, labels);
        if (line) say(line);
      },
      io.signal,
    );
    const exitCode = exitCodeOf(result);
    const document = runDocument(plan, result, exitCode);
    if (options.json) io.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
    for (const line of formatResult(document)) human(line);
    if (result.interrupted)
      say('Stopped. Run the same command again to finish: nothing is lost, nothing is duplicated.');
    return exitCode;
  } finally {
    ctx.s3.destroy();
  }
}
