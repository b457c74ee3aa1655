import { TransientS3Error } from '../aws/s3-errors.js';
import { isUserError, messageOf } from '../errors.js';
import { GzipInputError } from './gzip-inspector.js';
import { BodyCutError, ObjectChangedError, ObjectGoneError } from './read-object.js';
import { AnotherRunError } from './write-condition.js';

/** Where in the protocol a period stopped. */
export type PeriodStage = 'plan' | 'take' | 'download' | 'upload' | 'verify' | 'record' | 'delete';

/**
 * What a failed period left in the bucket, decided where the failure happened (never read back
 * from a message): `unchanged`, exactly as the plan found it; `pending`, its manifest is left pending
 * and the next run finishes it; `taken`, another run holds the period now; `written`, the output was
 * written and verified but its manifest is still pending, so nothing was deleted.
 */
export type PeriodLeft = 'unchanged' | 'pending' | 'taken' | 'written';

/**
 * Why a period did not finish, as data: faces and `--json` show the same fields. `code` is stable
 * for scripts; `message` names the key and the cause; `fix` says what to do, when there is something.
 */
export interface PeriodError {
  readonly stage: PeriodStage;
  readonly code: PeriodErrorCode;
  readonly message: string;
  readonly fix?: string | undefined;
  readonly left: PeriodLeft;
  /** No original of the period was deleted by this run. */
  readonly originalsKept: boolean;
}

export type PeriodErrorCode =
  // another run of the tool is on the period (a failed write condition, or state moving under the plan)
  | 'another-run'
  // S3 or the network, after every retry: running again finishes the job
  | 'throttled'
  | 'network'
  | 'server-error'
  // the inputs are not what the plan listed, or cannot be concatenated
  | 'object-changed'
  | 'object-gone'
  | 'mixed-encoding'
  | 'unexpected-encoding'
  | 'gzip-corrupt'
  | 'gzip-trailing-bytes'
  // --check-digests: an input's uncompressed SHA-256 is not the one its CloudTrail digest lists
  | 'digest-mismatch'
  // the period's output or manifest is not in a state the tool can build on
  | 'output-without-manifest'
  | 'manifest-unreadable'
  | 'manifest-without-output'
  | 'output-missing'
  | 'output-changed'
  | 'member-changed'
  | 'unfinished-first-run'
  | 'prefix-mismatch'
  | 'key-too-long'
  | 'verification-failed'
  // the server has no UploadPartCopy (an S3-compatible one): --no-server-copy uploads every byte
  | 'copy-unsupported'
  // month rollups: an output of a shorter period cannot be rolled in as it is (its manifest is
  // missing, unreadable or disagrees with it), or would put an original in the output twice
  | 'rolled-input-unverified'
  | 'rolled-input-overlap'
  // a shorter period's keys or output are held by a longer period's output whose run has not finished
  | 'in-longer-output'
  // a permission, credential or other problem the user can fix
  | 'denied'
  | 'stopped'
  | 'not-started'
  | 'unexpected';

type FailureFields = Omit<PeriodError, 'stage' | 'left' | 'originalsKept'> &
  Partial<Pick<PeriodError, 'stage' | 'left' | 'originalsKept'>>;

/** Thrown inside the engine with everything a PeriodError needs that is known where it happens. */
export class PeriodFailure extends Error {
  override readonly name = 'PeriodFailure';
  constructor(readonly fields: FailureFields) {
    super(fields.message);
  }
}

/** A failure while reading the inputs (rather than writing the output): its stage is `download`. */
export class InputFailure extends Error {
  override readonly name = 'InputFailure';
  constructor(readonly reason: unknown) {
    super(messageOf(reason));
  }
}

const THROTTLING = new Set(['SlowDown', 'ServiceUnavailable', 'Throttling', 'RequestLimitExceeded']);

/** The code and fix of any thrown value, as far as it can be known from the value itself. */
function classify(error: unknown): Pick<PeriodError, 'code' | 'message' | 'fix'> {
  if (error instanceof PeriodFailure) return error.fields;
  if (error instanceof InputFailure) return classify(error.reason);
  if (error instanceof AnotherRunError) {
    return {
      code: 'another-run',
      message: error.message,
      fix: 'Run again once the other run is done.',
    };
  }
  if (error instanceof ObjectChangedError) {
    return {
      code: 'object-changed',
      message: error.message,
      fix: 'Run again: the next plan lists its current version.',
    };
  }
  if (error instanceof ObjectGoneError) {
    return {
      code: 'object-gone',
      message: error.message,
      fix: 'Run again: the next plan lists only the keys that are there.',
    };
  }
  if (error instanceof BodyCutError) {
    return { code: 'network', message: error.message, fix: 'Run again to finish.' };
  }
  if (error instanceof GzipInputError) return { code: error.code, message: error.message, fix: error.fix };
  if (error instanceof TransientS3Error) {
    return {
      code: THROTTLING.has(error.code)
        ? 'throttled'
        : /^\d|Internal/.test(error.code)
          ? 'server-error'
          : 'network',
      message: error.message,
    };
  }
  if (isUserError(error)) return { code: 'denied', message: error.message, fix: error.fix };
  return { code: 'unexpected', message: messageOf(error) };
}

/**
 * The typed error of a failed period: from a PeriodFailure as thrown, or from any other value with
 * the stage and state the caller knows it was in.
 */
export function periodErrorOf(
  error: unknown,
  at: { readonly stage: PeriodStage; readonly left: PeriodLeft; readonly stopped?: boolean },
): PeriodError {
  if (at.stopped) {
    return {
      stage: at.stage,
      code: 'stopped',
      message: 'Stopped before its output was verified.',
      fix: 'Run the same command again to finish.',
      left: at.left,
      originalsKept: true,
    };
  }
  const fields = error instanceof PeriodFailure ? error.fields : undefined;
  const stage = fields?.stage ?? (error instanceof InputFailure ? 'download' : at.stage);
  return {
    ...classify(error),
    stage,
    left: fields?.left ?? at.left,
    originalsKept: fields?.originalsKept ?? true,
  };
}
