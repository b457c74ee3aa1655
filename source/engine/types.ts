import type { S3Client } from '@aws-sdk/client-s3';
import type { LayoutId, Series } from '../layouts/index.js';
import type { Granularity, Period } from '../periods.js';
import type { Manifest, ManifestMember } from './manifest.js';
import type { PeriodError } from './period-error.js';
import type { TextObject } from './s3-objects.js';

/** One original log object as the plan saw it. Only these are ever streamed or deleted. */
export interface Member {
  readonly key: string;
  readonly size: number;
  readonly etag: string;
  readonly lastModified: string;
}

/**
 * An output of a shorter period of the same series (a day's, inside a month), checked against its
 * complete manifest: an input of a rollup. Streamed like an original (If-Match its listed ETag);
 * its members go into the rolled-up output's manifest with their offsets rebased.
 */
export interface RolledInput {
  /** The output object as listed (its ETag and size equal its manifest's). */
  readonly output: Member;
  readonly manifestKey: string;
  /** The manifest as read: deleted after the output, only while it still has this ETag. */
  readonly manifestEtag: string;
  readonly manifest: Manifest & { readonly output: NonNullable<Manifest['output']> };
  /**
   * Only these of its members go in, read by their byte ranges: the others are already in the
   * rolled-up output or in another input (two runs of different granularities took the same keys).
   * Absent: the whole output goes in.
   */
  readonly take?: readonly ManifestMember[] | undefined;
}

/**
 * An original no longer in the bucket whose bytes are read from the output of a shorter period
 * that holds them (`within.offset` … `+size`, If-Match that output's ETag). Never deleted: its key
 * is gone; the output it is read from is deleted once the rolled-up output is recorded.
 */
export interface HeldMember extends Member {
  readonly within: { readonly key: string; readonly etag: string; readonly offset: number };
  /** As its own collapse checked it against the CloudTrail digest. */
  readonly sha256Uncompressed?: string | undefined;
}

/**
 * What a rollup deletes of one shorter period once the rolled-up output is recorded: its output
 * (if still there), then its manifest (if still there and its output is gone). Each is deleted
 * only if it still has the ETag given here.
 */
export interface RolledRemains {
  readonly output: Member | null;
  readonly manifest: Member | null;
}

export interface ObjectHead {
  readonly etag: string;
  readonly size: number;
}

export type PeriodStatus = 'planned' | 'collapsed' | 'already-collapsed' | 'failed' | 'skipped';

/** What one period will do, decided before anything is written. */
export interface PeriodPlan {
  readonly id: string;
  readonly series: Series;
  readonly period: Period;
  readonly label: string;
  readonly outputKey: string;
  readonly manifestKey: string;
  /** Keys to stream into the output, in key order, after the bytes it already holds. */
  readonly incoming: readonly Member[];
  /** Keys whose bytes a verified output already holds: deleted, never appended again. */
  readonly alreadyCollapsed: readonly Member[];
  /** Every original listed for the period (incoming and already collapsed), and their bytes. */
  readonly keys: number;
  readonly bytes: number;
  /** The last verified state of the output (from its manifest), when there is one. */
  readonly committed: Manifest | null;
  /** The manifest as found, pending or complete. */
  readonly manifest: Manifest | null;
  /** The manifest object as read: its exact text (to put back unchanged), ETag and time. */
  readonly manifestObject: TextObject | null;
  /** What sits at the output key now; the upload replaces it only if it is still this. */
  readonly currentOutput: ObjectHead | null;
  /** Outputs found under the period's listing prefix that are not its own (of shorter periods). */
  readonly otherOutputs: readonly string[];
  /** `planned`, `already-collapsed` (delete only), `skipped` (nothing there) or `failed` (problem). */
  readonly status: 'planned' | 'already-collapsed' | 'skipped' | 'failed';
  /** Why the period cannot run as it is (status `failed`): nothing of it will be touched. */
  readonly problem?: PeriodError | undefined;
  /**
   * `--check-digests`: the SHA-256 of each incoming key's uncompressed bytes, as its CloudTrail digest
   * lists it. The collapse checks every incoming member against it while streaming.
   */
  readonly digests?: ReadonlyMap<string, string> | undefined;
  /** `--check-digests`: keys of the period no digest lists yet, left where they are (not an input, not deleted). */
  readonly waitingForDigest?: readonly Member[] | undefined;
  /** `--by month`: outputs of shorter periods to roll in, appended with `incoming` in key order. */
  readonly rollIn?: readonly RolledInput[] | undefined;
  /**
   * `--by month`: outputs and manifests of shorter periods the committed output already holds (a run
   * stopped before deleting them): deleted only, never rolled in again.
   */
  readonly rolledLeftovers?: readonly RolledRemains[] | undefined;
}

export interface Plan {
  readonly bucket: string;
  readonly layout: LayoutId;
  readonly root: string;
  readonly by: Granularity;
  readonly series: readonly Series[];
  readonly periods: readonly PeriodPlan[];
}

export interface DeleteFailure {
  readonly key: string;
  readonly code: string;
  readonly message: string;
}

/**
 * How an output was checked after upload, beyond its size and run id: `crc64nvme`, S3's full-object
 * CRC64NVME matched the one computed while streaming; `content-md5`, the server checked each request
 * body against its MD5 but keeps no full-object checksum (S3-compatible servers).
 */
export type VerifiedBy = 'size+crc64nvme' | 'size+content-md5';

export interface PeriodResult {
  readonly id: string;
  readonly label: string;
  readonly series: string;
  readonly status: PeriodStatus;
  readonly keys: number;
  readonly bytes: number;
  readonly outputKey: string;
  readonly outputSize?: number;
  /** Of the output, the bytes S3 copied from where they were (UploadPartCopy) rather than received. */
  readonly copiedBytes?: number;
  readonly sha256?: string;
  readonly verifiedBy?: VerifiedBy;
  /** Originals this run's DeleteObjects deleted. */
  readonly keysDeleted: number;
  /** Originals already gone when this run deleted them (another run, or a retried batch, did). */
  readonly keysGone?: number | undefined;
  readonly deleteFailed: readonly DeleteFailure[];
  /** Outputs of shorter periods this run rolled into the output. */
  readonly outputsRolledUp?: number | undefined;
  /** Outputs and manifests of shorter periods deleted after the rollup was recorded. */
  readonly rolledDeleted?: number | undefined;
  /** Why a `failed` (or a stopped, `skipped`) period did not finish. */
  readonly error?: PeriodError | undefined;
}

export interface RunResult {
  readonly periods: readonly PeriodResult[];
  readonly interrupted: boolean;
  readonly elapsedMs: number;
}

export type EngineEvent =
  | { readonly type: 'planned'; readonly plan: Plan }
  | { readonly type: 'period-start'; readonly periodId: string; readonly downloadTotal: number }
  | { readonly type: 'bytes-downloaded'; readonly periodId: string; readonly bytes: number }
  | { readonly type: 'bytes-concatenated'; readonly periodId: string; readonly bytes: number }
  | { readonly type: 'bytes-uploaded'; readonly periodId: string; readonly loaded: number }
  | {
      readonly type: 'period-verified';
      readonly periodId: string;
      readonly size: number;
      readonly sha256: string;
    }
  | { readonly type: 'deleting'; readonly periodId: string; readonly keys: number }
  | {
      readonly type: 'keys-deleted';
      readonly periodId: string;
      readonly deleted: number;
      readonly failed: readonly DeleteFailure[];
    }
  | { readonly type: 'period-failed'; readonly periodId: string; readonly error: PeriodError }
  | { readonly type: 'period-done'; readonly result: PeriodResult }
  | { readonly type: 'done'; readonly result: RunResult };

export type EmitEvent = (event: EngineEvent) => void;

/** Tuning of one run; every field has a default fit for AWS. */
export interface RunOptions {
  /** Periods downloading and uploading at once (verifying, recording and deleting run beside them). */
  readonly periodConcurrency: number;
  /** GETs in flight across the run. */
  readonly downloadConcurrency: number;
  /** Bytes the run may hold downloaded but not yet written, beyond each period's next object. */
  readonly maxBytesInFlight: number;
  /** Multipart part size; objects larger than this are also downloaded in ranges of this size. */
  readonly partSize: number;
  /** Parts of one output uploading at once. */
  readonly uploadQueueSize: number;
  /** Output parts the run may hold in memory (filling or uploading), across its periods. */
  readonly partBuffers: number;
  /**
   * Inputs (and committed or rolled-in outputs) of a part or more go into a multipart output by
   * UploadPartCopy: their bytes are still read and checked here, but S3 copies them, so they are
   * never uploaded. Off for servers that have no UploadPartCopy.
   */
  readonly serverCopy: boolean;
  /** After Ctrl-C, how long writes already sent may take to settle before they are cut. */
  readonly settleMs: number;
  readonly storageClass?: string | undefined;
  readonly tool: string;
  /**
   * Asked before each period starts: a reason not to (a run's time or period budget is spent), or
   * undefined to go on. A period not started is left exactly as the plan found it.
   */
  readonly stopStarting?: ((period: PeriodPlan) => string | undefined) | undefined;
}

export const DEFAULT_RUN_OPTIONS: RunOptions = {
  periodConcurrency: 4,
  downloadConcurrency: 32,
  maxBytesInFlight: 16 * 1024 * 1024,
  partSize: 8 * 1024 * 1024,
  uploadQueueSize: 4,
  partBuffers: 5,
  serverCopy: true,
  settleMs: 10_000,
  tool: 's3collapse-tui',
};

/** The I/O a run needs, passed in so tests run the real engine against a real local server. */
export interface EngineContext {
  readonly s3: S3Client;
  readonly bucket: string;
  readonly now: () => Date;
  /** S3 itself (not a compatible server): uploads ask it to check a full-object CRC64NVME. */
  readonly fullObjectChecksum?: boolean | undefined;
}
