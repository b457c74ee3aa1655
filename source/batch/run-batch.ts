import { runDocument } from '../job/run-document.js';
import { detectIn, pickDetected, rangeFromFlags, unconfirmed } from '../job/collapse-job.js';
import { connect } from '../job/connect.js';
import { driveJob } from '../job/drive-job.js';
import { writtenPlanLines } from '../job/plan-file-job.js';
import type { Face } from '../job/face.js';
import { finishedPeriodLine } from '../job/period-outcome.js';
import { planLines } from '../job/plan-lines.js';
import { summaryLines } from '../job/run-summary.js';
import { layoutById } from '../layouts/index.js';
import { counted } from '../format.js';
import { ExitCode } from '../exit-code.js';

/**
 * The non-interactive face: every answer from flags, the plan and the result as text or one JSON
 * document on stdout, progress on stderr.
 */
export const runBatch: Face = (face) => {
  const { options } = face;
  const say = (line: string) => face.stderr.write(`${line}\n`);
  // With --json, stdout holds the document alone: the human lines go to stderr.
  const human = options.json ? say : (line: string) => face.stdout.write(`${line}\n`);
  const json = (value: unknown) => face.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  return driveJob(face, {
    connection: async () => face.connection,
    bucket: (connection, name) => connect(connection, name ?? options.bucket, face.now),
    layout: async (ctx) => pickDetected(await detectIn(ctx, options, face.controller.signal), ctx, options),
    range: async () => rangeFromFlags(options, face.now()),
    planning: ({ bucket, layout, range }) =>
      say(
        `${layoutById(layout.layout).title} in s3://${bucket}/${layout.root} — planning ${counted(range.periods.length, range.by)}…`,
      ),
    planned: (planned) => {
      for (const line of planLines(planned.plan)) human(line);
      if (planned.note) human(planned.note);
    },
    dryRun: (planned) => {
      if (options.json) json(runDocument(planned.plan, null, ExitCode.Done));
      say('dry run: nothing was changed.');
    },
    confirm: async (planned) => {
      throw unconfirmed(planned);
    },
    progress: (plan) => {
      const several = plan.series.length > 1;
      return {
        onEvent: (event) => {
          if (event.type !== 'period-done') return;
          const { result } = event;
          const line = finishedPeriodLine(
            result,
            several ? `${result.label} ${result.series}` : result.label,
          );
          if (line) say(line);
        },
        stop: () => undefined,
      };
    },
    planShare: (share) => say(`plan ${share}`),
    planWritten: (written) => {
      if (options.json) json({ format: 's3collapse-plan-written/1', ...written });
      for (const line of writtenPlanLines(written)) human(line);
    },
    finished: ({ document }) => {
      if (options.json) json(document);
      for (const line of summaryLines(document)) human(line);
      if (document.interrupted)
        say('Stopped. Run the same command again to finish: nothing is lost, nothing is duplicated.');
    },
  });
};
