import { randomUUID } from 'node:crypto';
import { isUserError, messageOf } from '../errors.js';
import { layoutById } from '../layouts/index.js';
import { Concatenation } from './concatenate.js';
import { deleteMembers } from './delete-members.js';
import type { Manifest } from './manifest.js';
import {
  abortAbandonedUploads,
  manifestBase,
  releasePeriod,
  rewriteManifest,
  takePeriod,
  type HeldManifest,
} from './period-manifest.js';
import type { RunScope } from './run-scope.js';
import { headObject, type HeadWithMetadata } from './s3-objects.js';
import type { Encoding } from './separators.js';
import { OutputWriteError, uploadOutput, type UploadedOutput } from './upload-output.js';
import { AnotherRunError, conditionFor } from './write-condition.js';
import type { Member, ObjectHead, PeriodPlan, PeriodResult, VerifiedBy } from './types.js';

const sum = (values: readonly number[]): number => values.reduce((total, value) => total + value, 0);

function resultOf(
  period: PeriodPlan,
  fields: Partial<PeriodResult> & Pick<PeriodResult, 'status'>,
): PeriodResult {
  const keys = [...period.incoming, ...period.alreadyCollapsed];
  return {
    id: period.id,
    label: period.label,
    series: period.series.label,
    keys: keys.length,
    bytes: sum(keys.map((member) => member.size)),
    outputKey: period.outputKey,
    keysDeleted: 0,
    deleteFailed: [],
    ...fields,
  };
}

const sameHead = (a: ObjectHead | null, b: ObjectHead | null): boolean =>
  a === null || b === null ? a === b : a.etag === b.etag && a.size === b.size;

/** A period failed after this run touched it; the message says what state it left. */
export class PeriodFailure extends Error {
  override readonly name = 'PeriodFailure';
}

/** Deletes a verified period's members, each only if it is still the version the plan saw. */
async function deleteVerified(
  scope: RunScope,
  period: PeriodPlan,
  members: readonly Member[],
): Promise<Pick<PeriodResult, 'keysDeleted' | 'deleteFailed'>> {
  if (members.length === 0) return { keysDeleted: 0, deleteFailed: [] };
  scope.emit({ type: 'deleting', periodId: period.id, keys: members.length });
  const outcome = await deleteMembers(scope.ctx.s3, scope.ctx.bucket, members, {
    signal: scope.signal,
    settle: scope.settle,
  });
  scope.emit({
    type: 'keys-deleted',
    periodId: period.id,
    deleted: outcome.deleted.length,
    failed: outcome.failed,
  });
  return { keysDeleted: outcome.deleted.length, deleteFailed: outcome.failed };
}

/** S3 allows 10,000 parts; a little headroom covers the separators the plan cannot know in advance. */
const MAX_PARTS = 9_000;

/** The configured part size, or larger when an output would otherwise need more parts than S3 allows. */
export function partSizeFor(bytes: number, configured: number): number {
  return Math.max(configured, Math.ceil(bytes / MAX_PARTS));
}

const expectedBytes = (period: PeriodPlan): number =>
  (period.committed?.output?.size ?? 0) + sum(period.incoming.map((member) => member.size));

function concatenationFor(scope: RunScope, period: PeriodPlan, encoding: Encoding): Concatenation {
  const committedOutput = period.committed?.output ?? null;
  return new Concatenation({
    s3: scope.ctx.s3,
    bucket: scope.ctx.bucket,
    prefix:
      committedOutput && period.currentOutput
        ? {
            key: period.outputKey,
            etag: period.currentOutput.etag,
            size: committedOutput.size,
            sha256: committedOutput.sha256,
          }
        : null,
    members: period.incoming,
    encoding,
    fetch: {
      concurrency: scope.options.downloadConcurrency,
      maxBytesInFlight: scope.options.maxBytesInFlight,
      streamAbove: scope.options.partSize,
    },
    signal: scope.signal,
    gateFor: (key) => scope.gates.forKey(key),
    onDownloaded: (bytes) => scope.emit({ type: 'bytes-downloaded', periodId: period.id, bytes }),
    onConcatenated: (bytes) => scope.emit({ type: 'bytes-concatenated', periodId: period.id, bytes }),
  });
}

/**
 * Checks what landed is this run's object with every byte streamed: its run id, size and ETag, and —
 * where the server keeps one — the full-object CRC64NVME S3 computed against the one computed here.
 * Every request body also carried its Content-MD5, which the server checked on arrival.
 */
function verify(
  period: PeriodPlan,
  found: HeadWithMetadata | null,
  uploaded: UploadedOutput,
  runId: string,
): VerifiedBy {
  const problem = !found
    ? 'nothing is there'
    : found.metadata['s3collapse-run'] !== runId
      ? 'another run wrote it'
      : found.size !== uploaded.size
        ? `${found.size} bytes, not the ${uploaded.size} streamed`
        : uploaded.etag && found.etag !== uploaded.etag
          ? 'its ETag is not the upload’s'
          : found.crc64nvme && uploaded.crc64nvme && found.crc64nvme !== uploaded.crc64nvme
            ? 'S3’s CRC64NVME differs from the one computed while streaming'
            : undefined;
  if (problem) {
    throw new PeriodFailure(
      `Verification of ${period.outputKey} failed: ${problem}. Nothing was deleted; originals kept, and the next run writes the output again.`,
    );
  }
  return found?.crc64nvme && uploaded.crc64nvme ? 'size+crc64nvme' : 'size+content-md5';
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
 * not change, and otherwise leaves it pending for the next run to finish.
 */
export async function collapsePeriod(scope: RunScope, period: PeriodPlan): Promise<PeriodResult> {
  if (period.status === 'failed')
    return resultOf(period, { status: 'failed', error: period.problem ?? 'failed' });
  if (period.status === 'skipped') return resultOf(period, { status: 'skipped' });
  if (period.status === 'already-collapsed') {
    return resultOf(period, {
      status: 'already-collapsed',
      ...(await deleteVerified(scope, period, period.alreadyCollapsed)),
    });
  }

  const committed = period.committed;
  const committedOutput = committed?.output ?? null;
  scope.emit({ type: 'period-start', periodId: period.id, downloadTotal: expectedBytes(period) });
  const base = manifestBase(scope, period);

  // A pending manifest over the verified output, nothing new: only the manifest needs finishing.
  if (
    period.incoming.length === 0 &&
    committed &&
    committedOutput &&
    sameHead(period.currentOutput, committedOutput)
  ) {
    await abortAbandonedUploads(scope, period);
    await rewriteManifest(
      scope,
      period,
      { etag: period.manifestObject?.etag ?? '', runId: committed.runId ?? '' },
      { ...committed, ...base, state: 'complete', incoming: undefined, pendingSince: undefined },
    );
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
  };
  const held = await takePeriod(scope, period, pending);
  await abortAbandonedUploads(scope, period);

  const layout = layoutById(scope.plan.layout);
  const encoding: Encoding = committed?.encoding ?? (layout.extension.endsWith('.gz') ? 'gzip' : 'plain');
  const concatenation = concatenationFor(scope, period, encoding);
  const uploaded = await writeOutput(scope, period, held, concatenation, encoding);

  const found = await headObject(scope.ctx.s3, scope.ctx.bucket, period.outputKey, scope.settle);
  const verifiedBy = verify(period, found, uploaded, runId);
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
  };
  try {
    await rewriteManifest(scope, period, held, complete);
  } catch (error) {
    if (error instanceof AnotherRunError) {
      throw new PeriodFailure(
        `Another run took over this period while this run was uploading (${period.manifestKey} changed); its output was written but nothing was deleted. Originals kept; the next run finishes the period.`,
      );
    }
    throw new PeriodFailure(
      `${messageOf(error)} The output was written and verified, but its manifest is still pending, so nothing was deleted. Originals kept; the next run finishes the period.`,
    );
  }

  return resultOf(period, {
    status: 'collapsed',
    outputSize: uploaded.size,
    sha256,
    verifiedBy,
    ...(await deleteVerified(scope, period, [...period.alreadyCollapsed, ...period.incoming])),
  });
}

/**
 * Uploads the output over exactly what the plan saw. On failure, puts the period back as the plan
 * found it when the output certainly did not land; if it may have (a connection lost during the final
 * request), the manifest stays pending and the message says so.
 */
async function writeOutput(
  scope: RunScope,
  period: PeriodPlan,
  held: HeldManifest,
  concatenation: Concatenation,
  encoding: Encoding,
): Promise<UploadedOutput> {
  try {
    return await uploadOutput({
      s3: scope.ctx.s3,
      bucket: scope.ctx.bucket,
      key: period.outputKey,
      body: concatenation.chunks(),
      partSize: partSizeFor(expectedBytes(period), scope.options.partSize),
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
      signal: scope.signal,
      settle: scope.settle,
      onUploaded: (loaded) => scope.emit({ type: 'bytes-uploaded', periodId: period.id, loaded }),
    });
  } catch (error) {
    const failure = error instanceof OutputWriteError ? error : new OutputWriteError(error, false);
    if (!failure.leftNothing) {
      // The final request's answer was lost: if the object that landed is this run's, go on with it.
      const found = await headObject(scope.ctx.s3, scope.ctx.bucket, period.outputKey, scope.settle).catch(
        () => null,
      );
      if (found?.metadata['s3collapse-run'] === held.runId)
        return { etag: found.etag, size: concatenation.bytes, parts: 0 };
    }
    const release = failure.leftNothing ? await releasePeriod(scope, period, held) : 'kept';
    if (scope.signal?.aborted) throw failure.reason;
    const text = periodErrorText(failure.reason);
    if (release === 'released') throw new PeriodFailure(`${text} Originals kept; nothing was changed.`);
    if (release === 'taken')
      throw new PeriodFailure(`${text} Originals kept; another run holds this period now.`);
    throw new PeriodFailure(
      `${text} Originals kept; the period's manifest is left pending and the next run finishes it.`,
    );
  }
}

/** A failed period's message: the user-fixable ones with their fix, anything else as it came. */
export function periodErrorText(error: unknown): string {
  if (isUserError(error)) return error.fix ? `${error.message} ${error.fix}` : error.message;
  return messageOf(error);
}
