import type { ConnectionOptions } from '../aws/s3-client.js';
import { ExitCode } from '../exit-code.js';
import { isUserError } from '../errors.js';
import { formatBytes, wrapWords } from '../format.js';
import { confirmationOf, retryAnswers } from '../job/collapse-job.js';
import { connect, type Connected } from '../job/connect.js';
import { writtenPlanLines } from '../job/plan-file-job.js';
import { driveJob } from '../job/drive-job.js';
import type { Face } from '../job/face.js';
import { planLines } from '../job/plan-lines.js';
import { repeatCommand } from '../job/repeat-command.js';
import { summaryLines } from '../job/run-summary.js';
import { layoutById } from '../layouts/index.js';
import { askLayout } from './layout-question.js';
import { progressView } from './progress-bars.js';
import {
  askBucket,
  askConfirmation,
  askProfile,
  askRange,
  asking,
  printUserError,
  type Asking,
} from './questions.js';

/** Ctrl-C at a prompt (inquirer's ExitPromptError) or a SIGINT that aborted it (AbortPromptError). */
const isPromptExit = (error: unknown): boolean =>
  error instanceof Error && (error.name === 'ExitPromptError' || error.name === 'AbortPromptError');

/** The bucket, asked again after a problem the user can fix (unless the flag named it). */
async function openChosenBucket(asked: Asking, connection: ConnectionOptions): Promise<Connected> {
  const { face } = asked;
  const fromFlag = face.options.bucket !== undefined && face.demo === undefined;
  for (;;) {
    const bucket = fromFlag ? face.options.bucket! : await askBucket(asked, connection);
    try {
      return await connect(connection, bucket, face.now);
    } catch (error) {
      if (fromFlag || !isUserError(error)) throw error;
      printUserError(error, (text) => face.stdout.write(text));
    }
  }
}

/**
 * The line-mode face: the guided app's questions as @inquirer/prompts prompts (only those the flags
 * leave open), the preview as a table, the typed confirmation, cli-progress bars, and the summary
 * with the command that repeats the run without questions.
 */
export const runPlain: Face = async (face) => {
  const asked = asking(face);
  const { say } = asked;
  try {
    say(`s3collapse ${face.version} · plain mode${face.demo ? ' · demo (local S3 server)' : ''}`);
    return await driveJob(face, {
      connection: () => askProfile(asked),
      bucket: (connection) => openChosenBucket(asked, connection),
      layout: (ctx) => askLayout(asked, ctx),
      range: () => askRange(asked),
      planShare: (share) => say(`plan ${share}`),
      planWritten: (written) => {
        for (const line of writtenPlanLines(written)) say(line);
      },
      planning: ({ bucket, layout }) =>
        say(`Planning ${layoutById(layout.layout).title} in s3://${bucket}/${layout.root}…`),
      planned: (planned) => {
        say();
        for (const line of planLines(planned.plan)) say(`  ${line}`);
        if (planned.note) say(`  ${planned.note}`);
        say();
      },
      dryRun: (_, repeat) => {
        say('dry run: nothing was changed. The same preview without questions:');
        say(`  ${repeatCommand(repeat, ['--dry-run'])}`);
        say('and the run itself:');
        say(`  ${repeatCommand(repeat)}`);
      },
      confirm: async (planned, versioned) => {
        const { promise, warning } = confirmationOf(planned, face.options, versioned);
        const width = Math.max(40, (face.stdout.columns || 80) - 2);
        for (const text of [promise, warning]) for (const line of wrapWords(text ?? '', width)) say(line);
        const confirmed = await askConfirmation(asked, planned.plan.bucket);
        if (!confirmed) say('Not confirmed: nothing was changed.');
        return confirmed;
      },
      progress: (plan) => progressView(plan, face.stdout),
      finished: ({ document }, repeat) => {
        say();
        for (const line of summaryLines(document)) say(line);
        const outputs = document.periods.filter((period) => period.status === 'collapsed');
        for (const period of outputs.slice(0, 12)) {
          say(
            `  ${period.outputKey}  ${formatBytes(period.outputSize ?? 0)}  sha256 ${period.sha256?.slice(0, 12) ?? '?'}…`,
          );
        }
        if (outputs.length > 12) say(`  … ${outputs.length - 12} more outputs`);
        if (document.interrupted)
          say('Stopped. Run the same command again to finish: nothing is lost, nothing is duplicated.');
        const retry = retryAnswers(repeat, document);
        say(retry.rest ? 'run the rest again without questions:' : 'repeat this run without questions:');
        say(`  ${repeatCommand(retry.answers)}`);
      },
    });
  } catch (error) {
    if (isPromptExit(error)) {
      face.stdout.write('\nStopped at a question: nothing was changed.\n');
      return ExitCode.Interrupted;
    }
    if (isUserError(error)) {
      printUserError(error, (text) => face.stderr.write(text));
      return ExitCode.BadInput;
    }
    if (face.controller.signal.aborted) return ExitCode.Interrupted;
    throw error;
  }
};
