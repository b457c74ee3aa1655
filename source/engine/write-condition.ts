import { errorCode, httpStatus } from '../aws/s3-errors.js';

/**
 * What a write expects to find at its key: nothing (`If-None-Match: *`) or exactly the object this
 * run last read or wrote (`If-Match: <etag>`). Every write of the protocol carries one, so two runs on
 * one period can never overwrite each other's work: the later write fails instead.
 */
export type WriteCondition = { readonly absent: true } | { readonly etag: string };

export const conditionFor = (etag: string | null | undefined): WriteCondition =>
  etag ? { etag } : { absent: true };

/** The SDK's request fields for a condition (PutObject, CompleteMultipartUpload, CopyObject). */
export function conditionHeaders(condition: WriteCondition): { IfMatch?: string; IfNoneMatch?: string } {
  return 'etag' in condition ? { IfMatch: condition.etag } : { IfNoneMatch: '*' };
}

/**
 * A failed condition: 412 PreconditionFailed, 409 ConditionalRequestConflict (a concurrent write to
 * the same key), or 404 NoSuchKey for an If-Match whose object is gone.
 */
export function isConditionFailure(error: unknown): boolean {
  const code = errorCode(error);
  const status = httpStatus(error);
  return (
    status === 412 ||
    code === 'PreconditionFailed' ||
    code === 'ConditionalRequestConflict' ||
    code === 'NoSuchKey' ||
    (status === 409 && code !== 'BucketAlreadyExists')
  );
}

/** Another run changed the period's manifest or output since this run read it: stop, never overwrite. */
export class AnotherRunError extends Error {
  override readonly name = 'AnotherRunError';
  constructor(
    readonly key: string,
    readonly stage: 'manifest' | 'output',
  ) {
    super(
      `Another run is working on this period: ${key} changed since this run read it. This run stopped without overwriting it; run again once the other run is done.`,
    );
  }
}
