import type { Concatenation } from './concatenate.js';
import { PeriodFailure } from './period-error.js';
import { expectedBytes, inputsOf } from './period-inputs.js';
import type { HeadWithMetadata } from './s3-objects.js';
import type { UploadedOutput } from './upload-output.js';
import type { PeriodPlan, VerifiedBy } from './types.js';

/**
 * Checks what landed is this run's object with every byte streamed: its run id, size and ETag, and —
 * where the server keeps one — the full-object CRC64NVME S3 computed against the one computed here.
 * Every request body also carried its Content-MD5, which the server checked on arrival.
 */
export function verifyWritten(
  period: PeriodPlan,
  found: HeadWithMetadata | null,
  uploaded: UploadedOutput,
  concatenation: Concatenation,
  runId: string,
): VerifiedBy {
  if (found && found.metadata['s3collapse-run'] !== runId) {
    // Only a run holding the period's manifest writes its output: the period is that run's now.
    throw new PeriodFailure({
      code: 'another-run',
      left: 'taken',
      message: `Another run wrote ${period.outputKey} after this run did; nothing was deleted.`,
      fix: 'Run again once the other run is done.',
    });
  }
  // What was streamed must be all the plan holds: no failure on the way may end it early unseen.
  const streamed = concatenation.inputs;
  const inputs = inputsOf(period).length;
  const problem = !found
    ? 'nothing is there'
    : streamed !== inputs || concatenation.bytes < expectedBytes(period)
      ? `only ${streamed} of the ${inputs} inputs (${concatenation.bytes} of ${expectedBytes(period)} bytes) were streamed`
      : uploaded.size !== concatenation.bytes
        ? `${uploaded.size} bytes were uploaded, not the ${concatenation.bytes} streamed`
        : found.size !== uploaded.size
          ? `${found.size} bytes, not the ${uploaded.size} streamed`
          : uploaded.etag && found.etag !== uploaded.etag
            ? 'its ETag is not the upload’s'
            : found.crc64nvme && uploaded.crc64nvme && found.crc64nvme !== uploaded.crc64nvme
              ? 'S3’s CRC64NVME differs from the one computed while streaming'
              : undefined;
  if (problem) {
    throw new PeriodFailure({
      code: 'verification-failed',
      message: `Verification of ${period.outputKey} failed: ${problem}. Nothing was deleted.`,
      fix: 'Run again: the next run writes the output again.',
    });
  }
  return found?.crc64nvme && uploaded.crc64nvme ? 'size+crc64nvme' : 'size+content-md5';
}
