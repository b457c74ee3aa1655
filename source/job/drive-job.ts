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
import { loadPlanFile, planFileFor, planFileRun, writePlanFile, type WrittenPlan } from './plan-file-job.js';
import { finishedUnits, progressLocation, ProgressMarks } from './plan-progress.js';
import { locationOf, writeText } from './text-location.js';
import { UserError } from '../errors.js';

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
  /** `name`: the bucket a plan file names, else the face's own answer. */
  bucket(connection: ConnectionOptions, name?: string): Promise<Connected>;
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
  /** `plan --out`: the plan file is written instead of running. */
  planWritten(written: WrittenPlan): void;
  /** `run --plan`: which share of the plan file this run takes. */
  planShare(share: string): void;
}

/** The whole job for the script and plain faces: the answers in order, then the run. */
export async function driveJob(face: FaceContext, talk: JobConversation): Promise<ExitCode> {
  const signal = face.controller.signal;
  const connection = await talk.connection();
  const loaded = face.options.planFile
    ? await loadPlanFile(connection, face.options.planFile, signal)
    : undefined;
  if (loaded && face.options.bucket && face.options.bucket !== loaded.file.bucket)
    throw new UserError(
      `--bucket ${face.options.bucket} is not the bucket of ${loaded.where} (${loaded.file.bucket}).`,
      'Drop --bucket: the plan file names its bucket.',
    );
  // What the plan file records stands for the flags that would otherwise give it.
  const options = loaded
    ? { ...face.options, outPrefix: loaded.file.outPrefix, checkDigests: loaded.file.checkDigests === true }
    : face.options;
  const { ctx, versioned } = await talk.bucket(connection, loaded?.file.bucket);
  try {
    const progress = loaded ? progressLocation(face.options.planFile!) : undefined;
    const finished =
      progress && !options.out ? await finishedUnits(progress, () => ctx.s3, signal) : undefined;
    const fromFile = loaded ? planFileRun(loaded, options, finished) : undefined;
    if (fromFile) talk.planShare(fromFile.share);
    const layout = fromFile?.layout ?? layoutFromFlags(options) ?? (await talk.layout(ctx));
    const range = fromFile?.range ?? (await talk.range());
    const answers: JobAnswers = {
      connection,
      bucket: ctx.bucket,
      layout,
      seriesBases: options.series,
      range,
      units: fromFile?.units,
    };
    const repeat = repeatAnswers(face, answers);
    talk.planning(answers);
    if (options.out) {
      const setting = { createdAt: face.now(), tool: `s3collapse-tui ${face.version}` };
      const file = await planFileFor(ctx, answers, options, setting, signal);
      talk.planWritten(await writePlanFile(ctx, file, options, signal));
      return ExitCode.Done;
    }
    const planned = await planJob(ctx, answers, options, signal);
    talk.planned(planned, repeat);
    if (options.dryRun) {
      talk.dryRun(planned, repeat);
      return ExitCode.Done;
    }
    if (planned.needsConfirmation && !options.yes && !(await talk.confirm(planned, await versioned)))
      return ExitCode.BadInput;
    const view = talk.progress(planned.plan);
    const marks = progress ? new ProgressMarks(progress, planned.plan.periods, () => ctx.s3) : undefined;
    let outcome: JobOutcome;
    try {
      outcome = await executeJob(
        ctx,
        planned.plan,
        runOptionsFor(options, face.version, face.now),
        (event) => {
          if (event.type === 'period-done') marks?.record(event.result);
          view.onEvent(event);
        },
        signal,
      );
    } finally {
      view.stop();
      await marks?.settled();
    }
    talk.finished(outcome, repeat);
    if (options.report)
      await writeText(
        locationOf('report', options.report),
        `${JSON.stringify(outcome.document, null, 2)}\n`,
        () => ctx.s3,
      );
    return outcome.exitCode;
  } finally {
    ctx.s3.destroy();
  }
}
