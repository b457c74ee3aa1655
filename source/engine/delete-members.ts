import { DeleteObjectsCommand, type S3Client } from '@aws-sdk/client-s3';
import pMap from 'p-map';
import { errorCode } from '../aws/s3-errors.js';
import { messageOf } from '../errors.js';
import type { DeleteFailure } from './types.js';

const BATCH = 1000;

export interface DeleteOutcome {
  readonly deleted: readonly string[];
  readonly failed: readonly DeleteFailure[];
}

/**
 * Deletes exactly these keys, in DeleteObjects batches of ≤1000 (Quiet: false, so every key is confirmed
 * or reported). A key the answer does not mention counts as failed. Ctrl-C lets a batch in flight
 * finish and starts no new one: deleting verified members is safe to resume on the next run.
 */
export async function deleteKeys(
  s3: S3Client,
  bucket: string,
  keys: readonly string[],
  options: {
    signal?: AbortSignal | undefined;
    expectedBucketOwner?: string | undefined;
    onBatch?: (deleted: number) => void;
  },
): Promise<DeleteOutcome> {
  const batches: string[][] = [];
  for (let index = 0; index < keys.length; index += BATCH) batches.push(keys.slice(index, index + BATCH));
  const deleted: string[] = [];
  const failed: DeleteFailure[] = [];
  await pMap(
    batches,
    async (batch) => {
      if (options.signal?.aborted) {
        failed.push(
          ...batch.map((key) => ({ key, code: 'Interrupted', message: 'not deleted: the run was stopped' })),
        );
        return;
      }
      try {
        const answer = await s3.send(
          new DeleteObjectsCommand({
            Bucket: bucket,
            ExpectedBucketOwner: options.expectedBucketOwner,
            Delete: { Quiet: false, Objects: batch.map((key) => ({ Key: key })) },
          }),
        );
        const confirmed = new Set((answer.Deleted ?? []).map((entry) => entry.Key));
        const reported = new Map((answer.Errors ?? []).map((entry) => [entry.Key, entry]));
        for (const key of batch) {
          const error = reported.get(key);
          if (error)
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
        failed.push(...batch.map((key) => ({ key, code: errorCode(error), message: messageOf(error) })));
      }
    },
    { concurrency: 4 },
  );
  return { deleted, failed };
}
