import type { ConnectionOptions } from '../aws/s3-client.js';
import { runOptionsFrom } from '../batch/run-batch.js';
import { formatPlan, formatResult, runDocument, type RunDocument } from '../batch/report.js';
import { planRun } from '../engine/plan.js';
import { executePlan, exitCodeOf } from '../engine/run.js';
import type { EngineContext } from '../engine/types.js';
import { isUserError, UserError } from '../errors.js';
import { formatBytes, formatCount } from '../format.js';
import { connect } from '../job/connect.js';
import type { Face } from '../job/face.js';
import { planIsEmpty, planTotals } from '../job/plan-totals.js';
import { repeatCommand, type RunAnswers } from '../job/repeat-command.js';
import {
  askBucket,
  askConfirmation,
  askProfile,
  askRange,
  asking,
  printUserError,
  type Asking,
} from './questions.js';
import { askLayout } from './layout-question.js';
import { progressView } from './progress-bars.js';

/** Ctrl-C at a prompt (inquirer's ExitPromptError) or a SIGINT that aborted it (AbortPromptError). */
const isPromptExit = (error: unknown): boolean =>
  error instanceof Error && (error.name === 'ExitPromptError' || error.name === 'AbortPromptError');

/** The bucket, asked again after a problem the user can fix (unless the flag named it). */
async function openChosenBucket(
  asked: Asking,
  connection: ConnectionOptions,
): Promise<{ ctx: EngineContext; bucket: string }> {
  const { face } = asked;
  const fromFlag = face.options.bucket !== undefined && face.demo === undefined;
  for (;;) {
    const bucket = fromFlag ? face.options.bucket! : await askBucket(asked, connection);
    try {
      const { ctx } = await connect(connection, bucket, face.now);
      return { ctx, bucket };
    } catch (error) {
      if (fromFlag || !isUserError(error)) throw error;
      printUserError(error, (text) => face.stdout.write(text));
    }
  }
}

/** Periods a run did not finish (or left originals behind), as one --from/--to range; labels sort in time order. */
function unfinishedRange(document: RunDocument): { from: string; to: string } | undefined {
  const labels = document.periods
    .filter(
      (period) =>
        period.keys > 0 &&
        ((period.status !== 'collapsed' && period.status !== 'already-collapsed') ||
          period.deleteFailed.length > 0),
    )
    .map((period) => period.period)
    .sort();
  return labels.length === 0 ? undefined : { from: labels[0]!, to: labels.at(-1)! };
}

function printSummary(
  { say }: Asking,
  document: RunDocument,
  answers: RunAnswers,
  interrupted: boolean,
): void {
  say();
  for (const line of formatResult(document)) say(line);
  const outputs = document.periods.filter((period) => period.status === 'collapsed');
  for (const period of outputs.slice(0, 12)) {
    say(
      `  ${period.outputKey}  ${formatBytes(period.outputSize ?? 0)}  sha256 ${period.sha256?.slice(0, 12) ?? '?'}…`,
    );
  }
  if (outputs.length > 12) say(`  … ${outputs.length - 12} more outputs`);
  if (interrupted)
    say('Stopped. Run the same command again to finish: nothing is lost, nothing is duplicated.');
  const rest = unfinishedRange(document);
  if (rest) {
    say('run the rest again without questions:');
    say(`  ${repeatCommand({ ...answers, ...rest })}`);
  } else {
    say('repeat this run without questions:');
    say(`  ${repeatCommand(answers)}`);
  }
}

/**
 * The line-mode face: the guided app's questions as @inquirer/prompts prompts (only those the flags
 * leave open), the preview as a table, the typed confirmation, cli-progress bars, and the summary
 * with the command that repeats the run without questions.
 */
export const runPlain: Face = async (face) => {
  const asked = asking(face);
  try {
    return await guidedRun(asked);
  } catch (error) {
    if (isPromptExit(error)) {
      face.stdout.write('\nStopped at a question: nothing was changed.\n');
      return 130;
    }
    if (isUserError(error)) {
      printUserError(error, (text) => face.stderr.write(text));
      return 2;
    }
    if (face.controller.signal.aborted) return 130;
    throw error;
  }
};

async function guidedRun(asked: Asking): Promise<number> {
  const { face, say } = asked;
  const { options } = face;
  const signal = face.controller.signal;
  say(`s3collapse ${face.version} · plain mode${face.demo ? ' · demo (local S3 server)' : ''}`);
  const connection = await askProfile(asked);
  const { ctx, bucket } = await openChosenBucket(asked, connection);
  try {
    const { layout, root } = await askLayout(asked, ctx);
    const range = await askRange(asked);
    say(`Planning ${layout.title} in s3://${bucket}/${root}…`);
    const plan = await planRun(
      ctx,
      {
        layout,
        root,
        by: range.by,
        periods: range.periods,
        outPrefix: options.outPrefix,
        seriesBases: options.series,
      },
      signal,
    );
    if (planIsEmpty(plan)) {
      throw new UserError(
        `No ${layout.title} keys under s3://${bucket}/${root} from ${range.from} to ${range.to}, and no outputs.`,
        'Choose another range (UTC) or prefix.',
      );
    }
    say();
    for (const line of formatPlan(plan)) say(`  ${line}`);
    say();

    const answers: RunAnswers = {
      profile: connection.profile,
      region: options.region,
      endpoint: face.demo ? undefined : options.endpoint,
      bucket,
      prefix: root,
      layout: layout.id,
      series: options.series,
      from: range.from,
      to: range.to,
      by: range.by,
      outPrefix: options.outPrefix,
      includeOpen: options.includeOpen,
      demo: face.demo !== undefined,
    };
    if (options.dryRun) {
      say('dry run: nothing was changed. The same preview without questions:');
      say(`  ${repeatCommand(answers, ['--dry-run'])}`);
      say('and the run itself:');
      say(`  ${repeatCommand(answers)}`);
      return 0;
    }

    const totals = planTotals(plan);
    if (!options.yes) {
      say('After each output is uploaded and verified (size and SHA-256),');
      say(
        `${formatCount(totals.keysToDelete)} original objects (${formatBytes(totals.bytes)}) are deleted from ${bucket}.`,
      );
      say(
        `Outputs and manifests stay ${options.outPrefix ? `under ${options.outPrefix}` : `next to them under ${root || 'the bucket root'}`}.`,
      );
      say('Objects written after the preview are kept.');
      if (!(await askConfirmation(asked, bucket))) {
        say('Not confirmed: nothing was changed.');
        return 2;
      }
    }

    const view = progressView(plan, face.stdout);
    let result;
    try {
      result = await executePlan(ctx, plan, runOptionsFrom(options, face.version), view.onEvent, signal);
    } finally {
      view.stop();
    }
    const exitCode = exitCodeOf(result);
    printSummary(asked, runDocument(plan, result, exitCode), answers, result.interrupted);
    return exitCode;
  } finally {
    ctx.s3.destroy();
  }
}
