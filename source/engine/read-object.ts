import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Readable } from 'node:stream';
import { sendReusingHandler } from '../aws/reused-handlers.js';
import { errorCode, explainS3Error, httpStatus } from '../aws/s3-errors.js';
import type { RequestGate } from './request-gate.js';

/** The object version to read: a key, the ETag the plan saw, and how many bytes it holds. */
export interface ObjectVersion {
  readonly key: string;
  readonly etag: string;
  readonly size: number;
}

export interface ReadOptions {
  readonly signal?: AbortSignal | undefined;
  /** Limits GETs in flight for the object's prefix; backs off while S3 throttles. */
  readonly gate?: RequestGate | undefined;
  /** Bytes newly received (a resumed read never counts a byte twice). */
  readonly onBytes?: ((bytes: number) => void) | undefined;
  /** Only bytes `start` to `end` (exclusive) of the object: a piece of a large one, or a prefix. */
  readonly range?: { readonly start: number; readonly end: number } | undefined;
}

/** Reconnections after a body cut mid-stream, per object; the SDK retries the requests themselves. */
export const MAX_RESUMES = 6;

/** The object changed since the plan: If-Match failed. Never retried: the plan no longer holds. */
export class ObjectChangedError extends Error {
  override readonly name = 'ObjectChangedError';
  constructor(readonly key: string) {
    super(`${key} changed since the plan (its ETag differs).`);
  }
}

/** The object is gone since the plan listed it (someone else deleted it). */
export class ObjectGoneError extends Error {
  override readonly name = 'ObjectGoneError';
  constructor(readonly key: string) {
    super(`${key} was deleted by someone else after the plan listed it.`);
  }
}

/** The connection kept dropping mid-body after every resume was spent. */
export class BodyCutError extends Error {
  override readonly name = 'BodyCutError';
  constructor(
    readonly key: string,
    readonly attempts: number,
    readonly reason: unknown,
  ) {
    super(`The connection to S3 dropped while reading ${key}, ${attempts} times (${errorCode(reason)}).`);
  }
}

async function open(
  s3: S3Client,
  bucket: string,
  version: ObjectVersion,
  from: number,
  options: ReadOptions,
): Promise<Readable> {
  const { signal } = options;
  const first = (options.range?.start ?? 0) + from;
  const last = options.range ? options.range.end - 1 : undefined;
  try {
    const answer = await sendReusingHandler(
      s3,
      new GetObjectCommand({
        Bucket: bucket,
        Key: version.key,
        IfMatch: version.etag || undefined,
        Range: first > 0 || last !== undefined ? `bytes=${first}-${last ?? ''}` : undefined,
      }),
      signal,
    );
    return answer.Body as Readable;
  } catch (error) {
    if (httpStatus(error) === 412 || errorCode(error) === 'PreconditionFailed')
      throw new ObjectChangedError(version.key);
    if (errorCode(error) === 'NoSuchKey') throw new ObjectGoneError(version.key);
    throw explainS3Error(error, { operation: 'GetObject', bucket, key: version.key });
  }
}

/**
 * The bytes of one object version as chunks. A body cut mid-stream (connection reset, premature close)
 * is read again from the first byte not yet received, with `Range` and `If-Match`, so what is yielded
 * is exactly the planned version's bytes, each once, however often the connection drops.
 */
export async function* readObject(
  s3: S3Client,
  bucket: string,
  version: ObjectVersion,
  options: ReadOptions = {},
): AsyncGenerator<Buffer> {
  const { signal } = options;
  let received = 0;
  for (let attempt = 0; ; attempt += 1) {
    const opening = () => open(s3, bucket, version, received, options);
    const body = await (options.gate ? options.gate.run(opening) : opening());
    try {
      for await (const chunk of body) {
        const buffer = chunk as Buffer;
        received += buffer.length;
        options.onBytes?.(buffer.length);
        yield buffer;
      }
      return;
    } catch (error) {
      body.destroy();
      if (signal?.aborted) throw signal.reason;
      if (attempt >= MAX_RESUMES) throw new BodyCutError(version.key, attempt + 1, error);
      await sleep(Math.min(100 * 2 ** attempt, 3000), undefined, { signal });
    }
  }
}

/**
 * The whole object (or range) in memory, copied once into a buffer of the size the plan expects
 * (`into`, when it is large enough): holding the chunks and joining them would need twice that. More
 * bytes than expected (the object changed) are kept too, so the caller sees the size that came.
 */
export async function readWhole(
  s3: S3Client,
  bucket: string,
  version: ObjectVersion,
  options: ReadOptions = {},
  into?: Buffer,
): Promise<Buffer> {
  const expected = options.range ? options.range.end - options.range.start : version.size;
  let data = into && into.length >= expected ? into.subarray(0, expected) : Buffer.allocUnsafe(expected);
  let filled = 0;
  for await (const chunk of readObject(s3, bucket, version, options)) {
    if (filled + chunk.length > data.length) {
      const larger = Buffer.allocUnsafe(Math.max(data.length * 2, filled + chunk.length));
      data.copy(larger, 0, 0, filled);
      data = larger;
    }
    chunk.copy(data, filled);
    filled += chunk.length;
  }
  return filled === data.length ? data : data.subarray(0, filled);
}
