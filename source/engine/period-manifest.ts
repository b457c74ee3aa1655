import { layoutById } from '../layouts/index.js';
import { abortMultipartUpload, deleteObjectIf, listUploads, putTextIf } from './s3-objects.js';
import { MANIFEST_FORMAT, serializeManifest, type Manifest } from './manifest.js';
import type { RunScope } from './run-scope.js';
import type { PeriodPlan } from './types.js';
import { AnotherRunError, conditionFor } from './write-condition.js';

/**
 * The period's manifest as this run holds it: the ETag of the last version it wrote. Every later
 * write of the manifest is conditional on that ETag, so once another run writes it, this run can no
 * longer write it (or delete anything) for this period.
 */
export interface HeldManifest {
  readonly etag: string;
  readonly runId: string;
}

/** A `--key-pattern` run records its pattern: `layout: 'key-pattern'` alone could not be rebuilt. */
function keyPatternOf(scope: RunScope): { keyPattern?: string } {
  if (scope.plan.layout !== 'key-pattern') return {};
  const { keyPattern } = layoutById('key-pattern');
  return keyPattern === undefined ? {} : { keyPattern };
}

export function manifestBase(
  scope: RunScope,
  period: PeriodPlan,
): Omit<Manifest, 'state' | 'encoding' | 'output' | 'members'> {
  return {
    format: MANIFEST_FORMAT,
    tool: scope.options.tool,
    updatedAt: new Date().toISOString(),
    layout: scope.plan.layout,
    prefix: scope.plan.root,
    ...keyPatternOf(scope),
    series: period.series.base,
    period: {
      by: period.period.by,
      start: period.period.start.toISOString(),
      end: period.period.end.toISOString(),
    },
  };
}

/**
 * Since when the period's manifest has been pending, by S3's clock, if the plan found it pending: the
 * time it went pending (carried from run to run), else the pending manifest's own write time. Only
 * a run holding a pending manifest ever starts an upload on the output key, so every upload on that
 * key started since then is one of ours.
 */
export function pendingSince(period: PeriodPlan): Date | undefined {
  const manifest = period.manifest;
  if (!manifest || manifest.state !== 'pending' || !period.manifestObject) return undefined;
  return manifest.pendingSince ? new Date(manifest.pendingSince) : period.manifestObject.lastModified;
}

/**
 * Writes the pending manifest: only over the manifest the plan read (If-Match), or where there was
 * none (If-None-Match). If another run wrote it since, this throws AnotherRunError and nothing of
 * this period has been changed.
 */
export async function takePeriod(
  scope: RunScope,
  period: PeriodPlan,
  pending: Manifest,
): Promise<HeldManifest> {
  const since = pendingSince(period);
  const text = serializeManifest(since ? { ...pending, pendingSince: since.toISOString() } : pending);
  const etag = await putTextIf(
    scope.ctx.s3,
    scope.ctx.bucket,
    period.manifestKey,
    text,
    conditionFor(period.manifestObject?.etag),
    scope.settle,
  );
  return { etag, runId: pending.runId ?? '' };
}

/** Replaces the manifest this run holds; returns the new hold. AnotherRunError if it was taken. */
export async function rewriteManifest(
  scope: RunScope,
  period: PeriodPlan,
  held: HeldManifest,
  manifest: Manifest,
): Promise<HeldManifest> {
  const etag = await putTextIf(
    scope.ctx.s3,
    scope.ctx.bucket,
    period.manifestKey,
    serializeManifest(manifest),
    { etag: held.etag },
    scope.settle,
  );
  return { ...held, etag };
}

/**
 * How a release ended: `released`, the period is as the plan found it; `taken`, another run wrote
 * the manifest since (it is that run's now); `kept`, S3 could not be asked and this run's pending
 * manifest stays for the next run to finish.
 */
export type Release = 'released' | 'taken' | 'kept';

/**
 * Puts the manifest back exactly as the plan found it (the same bytes, so the same ETag: a run that
 * read it before this one can still go on), or removes the one this run created — only while it is
 * still the version this run wrote.
 */
export async function releasePeriod(
  scope: RunScope,
  period: PeriodPlan,
  held: HeldManifest,
): Promise<Release> {
  const { s3, bucket } = scope.ctx;
  try {
    if (period.manifestObject) {
      await putTextIf(
        s3,
        bucket,
        period.manifestKey,
        period.manifestObject.text,
        { etag: held.etag },
        scope.settle,
      );
    } else {
      await deleteObjectIf(s3, bucket, period.manifestKey, held.etag, scope.settle);
    }
    return 'released';
  } catch (error) {
    return error instanceof AnotherRunError ? 'taken' : 'kept';
  }
}

/**
 * Aborts the multipart uploads that runs of this tool left on the output key (killed, or cut off
 * before their abort reached S3): those started since the manifest went pending. Uploads older than
 * that were not started by a run holding this manifest, and are left alone. Best effort: without
 * s3:ListBucketMultipartUploads nothing is aborted, and a lifecycle rule remains the backstop.
 */
export async function abortAbandonedUploads(scope: RunScope, period: PeriodPlan): Promise<number> {
  const since = pendingSince(period);
  if (!since) return 0;
  // S3's LastModified has whole seconds; an upload started in the same second counts as later.
  const from = Math.floor(since.getTime() / 1000) * 1000;
  const { s3, bucket } = scope.ctx;
  try {
    const uploads = await listUploads(s3, bucket, period.outputKey, scope.settle);
    let aborted = 0;
    for (const upload of uploads) {
      if (upload.initiated.getTime() < from) continue;
      if (await abortMultipartUpload(s3, bucket, upload.key, upload.uploadId, scope.settle)) aborted += 1;
    }
    return aborted;
  } catch {
    return 0;
  }
}
