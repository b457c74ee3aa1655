import { DeleteObjectsCommand, type S3Client } from '@aws-sdk/client-s3';
import pMap from 'p-map';
import { errorCode } from '../aws/s3-errors.js';
import { messageOf } from '../errors.js';
import type { DeleteFailure, Member } from './types.js';

const BATCH = 1000;

export interface DeleteOutcome {
  readonly deleted: readonly string[];
  /** Not there when deleted (another run deleted it, or a retried batch did): gone, as wanted. */
  readonly gone: readonly string[];
  readonly failed: readonly DeleteFailure[];
}

/** S3's answer for one key whose ETag no longer matches: it was rewritten after the plan. */
const CHANGED = new Set(['PreconditionFailed', 'ConditionalRequestConflict']);

/**
 * Deletes exactly these members, in DeleteObjects batches of ≤1000 (Quiet: false, so every key is
 * confirmed or reported), each only if it is still the version the plan listed (its ETag: S3's
 * conditional delete). A key rewritten since keeps its new bytes, which are in no output: it is
 * reported as kept and never retried blindly. A key the answer does not mention counts as failed.
 * Ctrl-C lets a batch in flight finish and starts no new one: deleting verified members is safe to
 * resume on the next run.
 */
export async function deleteMembers(
  s3: S3Client,
  bucket: string,
  members: readonly Member[],
  options: {
    signal?: AbortSignal | undefined;
    /** Bounds a batch already sent after Ctrl-C (it is let finish, not cut at once). */
    settle?: AbortSignal | undefined;
    onBatch?: (deleted: number) => void;
  },
): Promise<DeleteOutcome> {
  const batches: Member[][] = [];
  for (let index = 0; index < members.length; index += BATCH)
    batches.push(members.slice(index, index + BATCH));
  const deleted: string[] = [];
  const gone: string[] = [];
  const failed: DeleteFailure[] = [];
  await pMap(
    batches,
    async (batch) => {
      if (options.signal?.aborted) {
        failed.push(
          ...batch.map(({ key }) => ({
            key,
            code: 'Interrupted',
            message: 'not deleted: the run was stopped',
          })),
        );
        return;
      }
      try {
        const answer = await s3.send(
          new DeleteObjectsCommand({
            Bucket: bucket,
            Delete: {
              Quiet: false,
              Objects: batch.map(({ key, etag }) => ({ Key: key, ...(etag ? { ETag: etag } : {}) })),
            },
          }),
          { abortSignal: options.settle },
        );
        const confirmed = new Set((answer.Deleted ?? []).map((entry) => entry.Key));
        const reported = new Map((answer.Errors ?? []).map((entry) => [entry.Key, entry]));
        for (const { key } of batch) {
          const error = reported.get(key);
          if (error && CHANGED.has(error.Code ?? ''))
            failed.push({
              key,
              code: error.Code ?? 'PreconditionFailed',
              message: 'kept: it was rewritten after the plan, and its new bytes are in no output',
            });
          // Gone already (another run deleted it, or a retried batch did): what this delete wanted.
          else if (error?.Code === 'NoSuchKey') gone.push(key);
          else if (error)
            failed.push({ key, code: error.Code ?? 'Error', message: error.Message ?? 'delete failed' });
          else if (confirmed.has(key)) deleted.push(key);
          else
            failed.push({
              key,
              code: 'NotConfirmed',
              message: 'the DeleteObjects answer did not mention it',
            });
        }
        options.onBatch?.(batch.length);
      } catch (error) {
        failed.push(...batch.map(({ key }) => ({ key, code: errorCode(error), message: messageOf(error) })));
      }
    },
    { concurrency: 4 },
  );
  return { deleted, gone, failed };
}
