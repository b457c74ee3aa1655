import type { PutObjectCommand, S3Client, UploadPartCommand } from '@aws-sdk/client-s3';
import type { MiddlewareStack } from '@smithy/types';
import { errorCode, httpStatus } from './s3-errors.js';

/** What a throttled attempt was about: enough for a listener to find the prefix it belongs to. */
export interface ThrottledAttempt {
  readonly bucket?: string | undefined;
  readonly key?: string | undefined;
}

export type ThrottleListener = (attempt: ThrottledAttempt) => void;

const THROTTLE_CODES = new Set(['SlowDown', 'Throttling', 'ThrottlingException', 'RequestLimitExceeded']);

/** S3's "reduce your request rate": 503 SlowDown (and the generic throttling codes some servers use). */
export function isThrottle(error: unknown): boolean {
  return THROTTLE_CODES.has(errorCode(error)) || httpStatus(error) === 503;
}

const listeners = new WeakMap<S3Client, Set<ThrottleListener>>();
const stackEdits = new WeakMap<S3Client, number>();

/**
 * How often this module has added to the client's own middleware stack. Chains resolved before an
 * edit lack it (reused-handlers.ts): every addition here goes through `editClientStack`.
 */
export const clientStackEdits = (s3: S3Client): number => stackEdits.get(s3) ?? 0;

function editClientStack(s3: S3Client, edit: (stack: S3Client['middlewareStack']) => void): void {
  edit(s3.middlewareStack);
  stackEdits.set(s3, clientStackEdits(s3) + 1);
}

/**
 * Calls `listener` for every attempt S3 answers with a throttle, including the ones the SDK then
 * retries on its own: the retries hide them from the caller, but the caller's own concurrency should
 * still back off (AIMD). Returns the function that stops listening.
 */
export function onThrottle(s3: S3Client, listener: ThrottleListener): () => void {
  let set = listeners.get(s3);
  if (!set) {
    const created = new Set<ThrottleListener>();
    set = created;
    listeners.set(s3, created);
    // The deserialize step runs inside the retry loop (finalizeRequest), so it sees every attempt;
    // high priority puts it outside the deserializer, where S3's answer is already a thrown error.
    editClientStack(s3, (stack) =>
      stack.add(
        (next) => async (args) => {
          try {
            return await next(args);
          } catch (error) {
            if (isThrottle(error)) {
              const input = args.input as { Bucket?: string; Key?: string };
              for (const one of created) one({ bucket: input.Bucket, key: input.Key });
            }
            throw error;
          }
        },
        { step: 'deserialize', name: 's3collapseThrottleObserver', priority: 'high' },
      ),
    );
  }
  set.add(listener);
  return () => set.delete(listener);
}

/**
 * `--expected-bucket-owner` on every request that names a bucket, set in one place so no call can
 * forget it: S3 then refuses (403) any request to a bucket another account owns.
 */
export function requireBucketOwner(s3: S3Client, account: string): void {
  editClientStack(s3, (stack) =>
    stack.add(
      (next) => (args) => {
        const input = args.input as {
          Bucket?: string;
          ExpectedBucketOwner?: string;
          CopySource?: string;
          ExpectedSourceBucketOwner?: string;
        };
        if (input.Bucket !== undefined && input.ExpectedBucketOwner === undefined) {
          input.ExpectedBucketOwner = account;
        }
        // A part copied on the server reads from the same bucket: its owner is checked as well.
        if (input.CopySource !== undefined && input.ExpectedSourceBucketOwner === undefined) {
          input.ExpectedSourceBucketOwner = account;
        }
        return next(args);
      },
      { step: 'initialize', name: 's3collapseExpectedBucketOwner', override: true },
    ),
  );
}

/**
 * Sends the command's body unsigned (`x-amz-content-sha256: UNSIGNED-PAYLOAD`), for bodies that carry
 * their Content-MD5: the server checks that against the bytes it receives, and the signature covers
 * the header, so a body changed on the way is refused either way. Left to itself, the SDK hashes
 * every uploaded byte with SHA-256 for the signature — a second pass over each part, beside the MD5
 * and the output's own SHA-256 (bench/: 1 GiB of 64 MiB inputs, about 0.9 s of CPU).
 */
export function withUnsignedPayload<C extends PutObjectCommand | UploadPartCommand>(command: C): C {
  (command.middlewareStack as MiddlewareStack<object, object>).add(
    (next) => (args) => {
      const request = args.request as { headers?: Record<string, string> };
      if (request.headers) request.headers['x-amz-content-sha256'] = 'UNSIGNED-PAYLOAD';
      return next(args);
    },
    { step: 'build', name: 's3collapseUnsignedPayload' },
  );
  return command;
}
