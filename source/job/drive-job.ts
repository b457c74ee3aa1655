import type { ConnectionOptions } from '../aws/s3-client.js';
import type { EngineContext, EngineEvent, Plan } from '../engine/types.js';
import { ExitCode } from '../exit-code.js';
import {
  executeJob,
  layoutFromFlags,
  planJob,
  repeatAnswers,
  runOptionsFor,
  type JobAnswers,
  type JobOutcome,
  type JobPlan,
  type JobRange,
  type LayoutChoice,
} from './collapse-job.js';
import type { Connected } from './connect.js';
import type { FaceContext } from './face.js';
import type { RunAnswers } from './repeat-command.js';

/** How a face watches a run: engine events in, and a last draw when it ends. */
export interface ProgressView {
  readonly onEvent: (event: EngineEvent) => void;
  readonly stop: () => void;
}

/**
 * What a line-by-line face supplies to `driveJob`: where each answer comes from (a flag or a
 * question) and how each stage is shown. The order of the stages, and every rule between them, is
 * the driver's.
 */
export interface JobConversation {
  connection(): Promise<ConnectionOptions>;
  bucket(connection: ConnectionOptions): Promise<Connected>;
  /** Only asked when the flags do not name the layout and its prefix. */
  layout(ctx: EngineContext): Promise<LayoutChoice>;
  range(): Promise<JobRange>;
  planning(answers: JobAnswers): void;
  planned(planned: JobPlan, repeat: RunAnswers): void;
  dryRun(planned: JobPlan, repeat: RunAnswers): void;
  /** Only asked when the plan deletes originals and --yes is not given; false stops the run. */
  confirm(planned: JobPlan, versioned: boolean | undefined): Promise<boolean>;
  progress(plan: Plan): ProgressView;
  finished(outcome: JobOutcome, repeat: RunAnswers): void;
}

/** The whole job for the script and plain faces: the answers in order, then the run. */
export async function driveJob(face: FaceContext, talk: JobConversation): Promise<ExitCode> {
  const { options } = face;
  const signal = face.controller.signal;
  const connection = await talk.connection();
  const { ctx, versioned } = await talk.bucket(connection);
  try {
    const layout = layoutFromFlags(options) ?? (await talk.layout(ctx));
    const range = await talk.range();
    const answers: JobAnswers = {
      connection,
      bucket: ctx.bucket,
      layout,
      seriesBases: options.series,
      range,
    };
    const repeat = repeatAnswers(face, answers);
    talk.planning(answers);
    const planned = await planJob(ctx, answers, options, signal);
    talk.planned(planned, repeat);
    if (options.dryRun) {
      talk.dryRun(planned, repeat);
      return ExitCode.Done;
    }
    if (planned.needsConfirmation && !options.yes && !(await talk.confirm(planned, versioned)))
      return ExitCode.BadInput;
    const view = talk.progress(planned.plan);
    let outcome: JobOutcome;
    try {
      outcome = await executeJob(
        ctx,
        planned.plan,
        runOptionsFor(options, face.version),
        view.onEvent,
        signal,
      );
    } finally {
      view.stop();
    }
    talk.finished(outcome, repeat);
    return outcome.exitCode;
  } finally {
    ctx.s3.destroy();
  }
}
