import { Upload } from '@aws-sdk/lib-storage';
import type { StorageClass } from '@aws-sdk/client-s3';
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { explainS3Error } from '../aws/s3-errors.js';
import { isUserError, messageOf } from '../errors.js';
import { layoutById } from '../layouts/index.js';
import { Concatenation } from './concatenate.js';
import { deleteKeys } from './delete-members.js';
import { MANIFEST_FORMAT, serializeManifest, type Manifest } from './manifest.js';
import {
  abortMultipartUpload,
  deleteObject,
  headObject,
  putText,
  type HeadWithMetadata,
} from './s3-objects.js';
import type { Encoding } from './separators.js';
import type {
  EmitEvent,
  EngineContext,
  ObjectHead,
  PeriodPlan,
  PeriodResult,
  Plan,
  RunOptions,
} from './types.js';

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

function manifestBase(
  plan: Plan,
  period: PeriodPlan,
  options: RunOptions,
): Omit<Manifest, 'state' | 'encoding' | 'output' | 'members'> {
  return {
    format: MANIFEST_FORMAT,
    tool: options.tool,
    updatedAt: new Date().toISOString(),
    layout: plan.layout,
    prefix: plan.root,
    series: period.series.base,
    period: {
      by: period.period.by,
      start: period.period.start.toISOString(),
      end: period.period.end.toISOString(),
    },
  };
}

const sameHead = (a: ObjectHead | null, b: ObjectHead | null): boolean =>
  a === null || b === null ? a === b : a.etag === b.etag && a.size === b.size;

/** Deletes a verified period's members and reports every key that could not be deleted. */
async function deleteVerified(
  ctx: EngineContext,
  period: PeriodPlan,
  keys: readonly string[],
  options: RunOptions,
  emit: EmitEvent,
  signal: AbortSignal | undefined,
): Promise<Pick<PeriodResult, 'keysDeleted' | 'deleteFailed'>> {
  if (keys.length === 0) return { keysDeleted: 0, deleteFailed: [] };
  emit({ type: 'deleting', periodId: period.id, keys: keys.length });
  const outcome = await deleteKeys(ctx.s3, ctx.bucket, keys, {
    signal,
    expectedBucketOwner: options.expectedBucketOwner,
  });
  emit({
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

/**
 * Streams the committed prefix and the new members into the output (replacing it only if it is still
 * what the plan saw), then checks what landed: our run's object, with every byte we streamed.
 */
async function uploadAndVerify(
  ctx: EngineContext,
  period: PeriodPlan,
  options: RunOptions,
  emit: EmitEvent,
  signal: AbortSignal | undefined,
  runId: string,
  encoding: Encoding,
): Promise<{ concatenation: Concatenation; head: HeadWithMetadata }> {
  const committedOutput = period.committed?.output ?? null;
  const concatenation = new Concatenation({
    s3: ctx.s3,
    bucket: ctx.bucket,
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
      concurrency: options.downloadConcurrency,
      maxBytesInFlight: options.maxBytesInFlight,
      streamAbove: options.partSize,
    },
    signal,
    onDownloaded: (bytes) => emit({ type: 'bytes-downloaded', periodId: period.id, bytes }),
    onConcatenated: (bytes) => emit({ type: 'bytes-concatenated', periodId: period.id, bytes }),
  });
  // Upload gets its own controller: once the body has been read, only it can keep the upload from
  // completing after Ctrl-C. Linked with addEventListener, never `onabort =` (that would replace others).
  const stop = new AbortController();
  const forwardAbort = () => stop.abort();
  signal?.addEventListener('abort', forwardAbort, { once: true });
  const upload = new Upload({
    client: ctx.s3,
    partSize: partSizeFor(expectedBytes(period), options.partSize),
    queueSize: options.uploadQueueSize,
    leavePartsOnError: false,
    abortController: stop,
    params: {
      Bucket: ctx.bucket,
      Key: period.outputKey,
      Body: Readable.from(concatenation.chunks(), { objectMode: false }),
      ContentType: encoding === 'gzip' ? 'application/gzip' : 'text/plain; charset=utf-8',
      Metadata: { 's3collapse-run': runId, 's3collapse-manifest': period.manifestKey },
      StorageClass: options.storageClass as StorageClass | undefined,
      ExpectedBucketOwner: options.expectedBucketOwner,
      ...(period.currentOutput ? { IfMatch: period.currentOutput.etag } : { IfNoneMatch: '*' }),
    },
  });
  upload.on('httpUploadProgress', (progress) => {
    emit({ type: 'bytes-uploaded', periodId: period.id, loaded: progress.loaded ?? 0 });
  });
  const uploaded = await upload
    .done()
    .catch(async (error: unknown) => {
      // Upload rejects at once on abort and aborts its multipart upload later, in the background: do it
      // here and wait, so a stopped run leaves no parts behind (a second abort of the same id is harmless).
      if (stop.signal.aborted && upload.uploadId) {
        await abortMultipartUpload(ctx.s3, ctx.bucket, period.outputKey, upload.uploadId);
      }
      throw explainS3Error(error, { operation: 'PutObject', bucket: ctx.bucket, key: period.outputKey });
    })
    .finally(() => signal?.removeEventListener('abort', forwardAbort));

  const found = await headObject(ctx.s3, ctx.bucket, period.outputKey, signal);
  const uploadedEtag = 'ETag' in uploaded ? uploaded.ETag : undefined;
  if (
    !found ||
    found.size !== concatenation.bytes ||
    found.metadata['s3collapse-run'] !== runId ||
    (uploadedEtag !== undefined && found.etag !== uploadedEtag)
  ) {
    throw new Error(
      `Verification failed for ${period.outputKey}: expected ${concatenation.bytes} bytes from this run, found ${found ? `${found.size} bytes` : 'nothing'}. Originals kept.`,
    );
  }
  return { concatenation, head: found };
}

/**
 * One period through the protocol: pending manifest → upload (only over the output the plan saw) →
 * verify → complete manifest → delete exactly the planned keys. Any failure before the manifest is
 * complete leaves every original in place.
 */
export async function collapsePeriod(
  ctx: EngineContext,
  plan: Plan,
  period: PeriodPlan,
  options: RunOptions,
  emit: EmitEvent,
  signal?: AbortSignal,
): Promise<PeriodResult> {
  if (period.status === 'failed')
    return resultOf(period, { status: 'failed', error: period.problem ?? 'failed' });
  if (period.status === 'skipped') return resultOf(period, { status: 'skipped' });
  const alreadyKeys = period.alreadyCollapsed.map((member) => member.key);
  if (period.status === 'already-collapsed') {
    return resultOf(period, {
      status: 'already-collapsed',
      ...(await deleteVerified(ctx, period, alreadyKeys, options, emit, signal)),
    });
  }

  const committed = period.committed;
  const committedOutput = committed?.output ?? null;
  emit({
    type: 'period-start',
    periodId: period.id,
    downloadTotal: expectedBytes(period),
  });
  const base = manifestBase(plan, period, options);
  const layout = layoutById(plan.layout);
  const expected: Encoding = layout.extension.endsWith('.gz') ? 'gzip' : 'plain';

  // A pending manifest whose output is already the verified one: only the manifest needs finishing.
  if (
    period.incoming.length === 0 &&
    committed &&
    committedOutput &&
    sameHead(period.currentOutput, committedOutput)
  ) {
    await putText(
      ctx.s3,
      ctx.bucket,
      period.manifestKey,
      serializeManifest({ ...committed, ...base, state: 'complete', incoming: undefined }),
    );
    return resultOf(period, {
      status: 'already-collapsed',
      outputSize: committedOutput.size,
      sha256: committedOutput.sha256,
      ...(await deleteVerified(ctx, period, alreadyKeys, options, emit, signal)),
    });
  }

  // Servers that ignore If-Match / If-None-Match (s3rver among them) still get this check.
  const before = await headObject(ctx.s3, ctx.bucket, period.outputKey, signal);
  if (!sameHead(before, period.currentOutput)) {
    throw new Error(
      `${period.outputKey} changed since the plan (another run?); nothing was changed for this period.`,
    );
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
  await putText(ctx.s3, ctx.bucket, period.manifestKey, serializeManifest(pending), options);
  let uploaded: Awaited<ReturnType<typeof uploadAndVerify>>;
  try {
    uploaded = await uploadAndVerify(
      ctx,
      period,
      options,
      emit,
      signal,
      runId,
      committed?.encoding ?? expected,
    );
  } catch (error) {
    await restoreManifest(ctx, period);
    throw error;
  }
  const { concatenation, head: after } = uploaded;
  const sha256 = concatenation.sha256();
  emit({ type: 'period-verified', periodId: period.id, size: after.size, sha256 });

  const complete: Manifest = {
    ...base,
    state: 'complete',
    runId,
    encoding: concatenation.encoding,
    output: { key: period.outputKey, size: after.size, sha256, etag: after.etag },
    members: [...(committed?.members ?? []), ...concatenation.members],
  };
  await putText(ctx.s3, ctx.bucket, period.manifestKey, serializeManifest(complete), options);

  const keys = [...alreadyKeys, ...period.incoming.map((member) => member.key)];
  return resultOf(period, {
    status: 'collapsed',
    outputSize: after.size,
    sha256,
    ...(await deleteVerified(ctx, period, keys, options, emit, signal)),
  });
}

/**
 * After a failure: if the output is still what the plan saw, put the manifest back as it was (or remove
 * the pending one this run wrote), so a failed period leaves the bucket as it found it. If the output
 * was already replaced, the pending manifest stays: it is what lets the next run recover.
 */
async function restoreManifest(ctx: EngineContext, period: PeriodPlan): Promise<void> {
  try {
    const now = await headObject(ctx.s3, ctx.bucket, period.outputKey);
    if (!sameHead(now, period.currentOutput)) return;
    if (period.manifest)
      await putText(ctx.s3, ctx.bucket, period.manifestKey, serializeManifest(period.manifest));
    else await deleteObject(ctx.s3, ctx.bucket, period.manifestKey);
  } catch {
    // Best effort: a pending manifest left behind is harmless, the next run reads it.
  }
}

/** A failed period's message: the user-fixable ones with their fix, anything else as it came. */
export function periodErrorText(error: unknown): string {
  if (isUserError(error)) return error.fix ? `${error.message} ${error.fix}` : error.message;
  return messageOf(error);
}
