import { randomUUID } from 'node:crypto';
import { httpStatus } from '../aws/s3-errors.js';
import type { Concatenation } from './concatenate.js';
import { remainsOf } from './delete-rolled.js';
import type { Manifest } from './manifest.js';
import {
  InputFailure,
  PeriodFailure,
  periodErrorOf,
  type PeriodLeft,
  type PeriodStage,
} from './period-error.js';
import { deleteVerified } from './period-deletes.js';
import { concatenationFor, expectedBytes, partSizeFor, rollInOf } from './period-inputs.js';
import {
  abortAbandonedUploads,
  manifestBase,
  releasePeriod,
  rewriteManifest,
  takePeriod,
  type HeldManifest,
} from './period-manifest.js';
import type { RunScope } from './run-scope.js';
import { headObject } from './s3-objects.js';
import { OutputWriteError, uploadOutput, type UploadedOutput } from './upload-output.js';
import { verifyWritten } from './verify-written.js';
import { AnotherRunError, conditionFor } from './write-condition.js';
import type { ObjectHead, PeriodPlan, PeriodResult } from './types.js';

export function resultOf(
  period: PeriodPlan,
  fields: Partial<PeriodResult> & Pick<PeriodResult, 'status'>,
): PeriodResult {
  return {
    id: period.id,
    label: period.label,
    series: period.series.label,
    keys: period.keys,
    bytes: period.bytes,
    outputKey: period.outputKey,
    keysDeleted: 0,
    deleteFailed: [],
    ...fields,
  };
}

const sameHead = (a: ObjectHead | null, b: ObjectHead | null): boolean =>
  a === null || b === null ? a === b : a.etag === b.etag && a.size === b.size;

/** Where the protocol is, and what it has left so far: what a failure at this moment means. */
interface Progress {
  stage: PeriodStage;
  left: PeriodLeft;
}

/**
 * One period through the protocol. Every write says what it expects to find:
 *   1. pending manifest — If-Match the manifest the plan read, or If-None-Match when there was none;
 *   2. output — If-Match the output the plan saw, or If-None-Match when there was none;
 *   3. verify (HeadObject: run id, size, ETag, CRC64NVME where kept);
 *   4. complete manifest — If-Match the pending one this run wrote;
 *   5. delete exactly the planned keys, each If-Match the ETag the plan listed.
 * A failed condition means another run is on this period: stop, never overwrite. Until step 4 every
 * original is in place; a failure before it puts the manifest back only when the output certainly did
 * not change, and otherwise leaves it pending for the next run to finish. A failure comes back as the
 * period's typed error, with the stage it happened in and what it left.
 */
export async function collapsePeriod(scope: RunScope, period: PeriodPlan): Promise<PeriodResult> {
  if (period.status === 'failed') return resultOf(period, { status: 'failed', error: period.problem });
  if (period.status === 'skipped') return resultOf(period, { status: 'skipped' });
  const progress: Progress = { stage: 'delete', left: 'unchanged' };
  try {
    if (period.status === 'already-collapsed') {
      return resultOf(period, {
        status: 'already-collapsed',
        ...(await deleteVerified(scope, period, period.alreadyCollapsed)),
      });
    }
    return await runProtocol(scope, period, progress);
  } catch (error) {
    return resultOf(period, {
      status: 'failed',
      error: periodErrorOf(error, { ...progress, stopped: scope.signal?.aborted === true }),
    });
  }
}

async function runProtocol(scope: RunScope, period: PeriodPlan, progress: Progress): Promise<PeriodResult> {
  const committed = period.committed;
  const committedOutput = committed?.output ?? null;
  scope.emit({ type: 'period-start', periodId: period.id, downloadTotal: expectedBytes(period) });
  const base = manifestBase(scope, period);

  // A pending manifest over the verified output, nothing new: only the manifest needs finishing.
  if (
    period.incoming.length === 0 &&
    rollInOf(period).length === 0 &&
    committed &&
    committedOutput &&
    sameHead(period.currentOutput, committedOutput)
  ) {
    Object.assign(progress, { stage: 'record', left: 'pending' });
    await abortAbandonedUploads(scope, period);
    await rewriteManifest(
      scope,
      period,
      { etag: period.manifestObject?.etag ?? '', runId: committed.runId ?? '' },
      {
        ...committed,
        ...base,
        state: 'complete',
        incoming: undefined,
        incomingOutputs: undefined,
        pendingSince: undefined,
      },
    );
    progress.stage = 'delete';
    return resultOf(period, {
      status: 'already-collapsed',
      outputSize: committedOutput.size,
      sha256: committedOutput.sha256,
      ...(await deleteVerified(scope, period, period.alreadyCollapsed)),
    });
  }

  const runId = randomUUID();
  const pending: Manifest = {
    ...base,
    state: 'pending',
    runId,
    encoding: committed?.encoding ?? null,
    output: committedOutput,
    members: committed?.members ?? [],
    incoming: period.incoming.map(({ key, size, etag, lastModified }) => ({ key, size, etag, lastModified })),
    // What the committed output already rolled up stays recorded while it is replaced: a run that
    // stops now leaves the next one able to tell those leftovers from new outputs.
    ...(committed?.rolledUp ? { rolledUp: committed.rolledUp } : {}),
    ...(rollInOf(period).length > 0
      ? {
          incomingOutputs: rollInOf(period).map(({ output: { key, size, etag, lastModified } }) => ({
            key,
            size,
            etag,
            lastModified,
          })),
        }
      : {}),
  };
  progress.stage = 'take';
  const doneStreaming = await scope.budget.streams.take();
  // The inputs start downloading while the period is taken: only reads, safe before it is held.
  const concatenation = concatenationFor(scope, period);
  let held: HeldManifest;
  let uploaded: UploadedOutput;
  try {
    try {
      held = await takePeriod(scope, period, pending);
    } catch (error) {
      // Unanswered, the pending manifest may have landed; the next run finds and finishes it.
      if (!(error instanceof AnotherRunError) && httpStatus(error) === undefined) progress.left = 'pending';
      throw error;
    }
    progress.left = 'pending';
    await abortAbandonedUploads(scope, period);
    uploaded = await writeOutput(scope, period, held, concatenation, progress);
  } finally {
    // Verifying, recording and deleting hold no download or upload resources: the next period streams.
    concatenation.close();
    doneStreaming();
  }

  progress.stage = 'verify';
  const found = await headObject(scope.ctx.s3, scope.ctx.bucket, period.outputKey, scope.settle);
  const verifiedBy = verifyWritten(period, found, uploaded, concatenation, runId);
  const sha256 = concatenation.sha256();
  scope.emit({ type: 'period-verified', periodId: period.id, size: uploaded.size, sha256 });

  const complete: Manifest = {
    ...base,
    state: 'complete',
    runId,
    encoding: concatenation.encoding,
    output: {
      key: period.outputKey,
      size: uploaded.size,
      sha256,
      etag: found!.etag,
      ...(verifiedBy === 'size+crc64nvme' ? { crc64nvme: found!.crc64nvme } : {}),
    },
    members: [...(committed?.members ?? []), ...concatenation.members],
    ...(committed?.rolledUp || concatenation.rolledUp.length > 0
      ? { rolledUp: [...(committed?.rolledUp ?? []), ...concatenation.rolledUp] }
      : {}),
  };
  Object.assign(progress, { stage: 'record', left: 'written' });
  try {
    await rewriteManifest(scope, period, held, complete);
  } catch (error) {
    if (!(error instanceof AnotherRunError)) throw error;
    throw new PeriodFailure({
      code: 'another-run',
      left: 'taken',
      message: `Another run took over this period while this run was uploading (${period.manifestKey} changed); this run's output was written but nothing was deleted.`,
      fix: 'Run again once the other run is done: it finishes the period.',
    });
  }

  progress.stage = 'delete';
  return resultOf(period, {
    status: 'collapsed',
    outputSize: uploaded.size,
    copiedBytes: uploaded.copied ?? 0,
    sha256,
    verifiedBy,
    ...(rollInOf(period).length > 0 ? { outputsRolledUp: rollInOf(period).length } : {}),
    ...(await deleteVerified(
      scope,
      period,
      [...period.alreadyCollapsed, ...period.incoming],
      [...rollInOf(period).map(remainsOf), ...(period.rolledLeftovers ?? [])],
    )),
  });
}

const LEFT_BY_RELEASE = { released: 'unchanged', taken: 'taken', kept: 'pending' } as const;

/**
 * Uploads the output over exactly what the plan saw. On failure, puts the period back as the plan
 * found it when the output certainly did not land; if it may have (a connection lost during the final
 * request), the manifest stays pending. Either way `progress` says what is left, and the cause is
 * rethrown.
 */
async function writeOutput(
  scope: RunScope,
  period: PeriodPlan,
  held: HeldManifest,
  concatenation: Concatenation,
  progress: Progress,
): Promise<UploadedOutput> {
  progress.stage = 'upload';
  const encoding = concatenation.encoding;
  try {
    return await uploadOutput({
      s3: scope.ctx.s3,
      bucket: scope.ctx.bucket,
      key: period.outputKey,
      body: concatenation.chunks(),
      expectedSize: expectedBytes(period),
      partSize: partSizeFor(expectedBytes(period), scope.options.partSize),
      partBuffers: scope.budget.parts,
      queueSize: scope.options.uploadQueueSize,
      condition: conditionFor(period.currentOutput?.etag),
      contentType: encoding === 'gzip' ? 'application/gzip' : 'text/plain; charset=utf-8',
      // S3 metadata is ASCII only (a key may not be): the manifest key is percent-encoded.
      metadata: {
        's3collapse-run': held.runId,
        's3collapse-manifest': encodeURIComponent(period.manifestKey),
      },
      storageClass: scope.options.storageClass,
      fullObjectChecksum: scope.ctx.fullObjectChecksum === true,
      copyHeld: scope.options.serverCopy,
      signal: scope.signal,
      settle: scope.settle,
      onUploaded: (loaded) => scope.emit({ type: 'bytes-uploaded', periodId: period.id, loaded }),
    });
  } catch (error) {
    const failure = error instanceof OutputWriteError ? error : new OutputWriteError(error, false);
    if (failure.reason instanceof InputFailure) progress.stage = 'download';
    if (!failure.leftNothing) {
      // The final request's answer was lost: if the object that landed is this run's, go on with it.
      const found = await headObject(scope.ctx.s3, scope.ctx.bucket, period.outputKey, scope.settle).catch(
        () => null,
      );
      if (found?.metadata['s3collapse-run'] === held.runId)
        return { etag: found.etag, size: concatenation.bytes, parts: 0 };
    }
    progress.left = failure.leftNothing
      ? LEFT_BY_RELEASE[await releasePeriod(scope, period, held)]
      : 'pending';
    throw failure.reason;
  }
}
