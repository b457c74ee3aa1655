// Did a contender do the whole job? Each day's output must be the day's inputs concatenated in key
// order, byte for byte (the same SHA-256 whoever wrote it), and no input may be left behind.
import { HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { listKeys, objectDigest } from './s3.js';
import type { OutputGroup, Workload } from './workloads.js';

export interface Expected {
  readonly outputKey: string;
  readonly sha256: string;
  readonly size: number;
}

/** What every output must hold. Bodies end with a newline, so this plain concatenation is exact. */
export function expectedOutputs(workload: Workload): Expected[] {
  return workload.groups.map((group: OutputGroup) => {
    const hash = createHash('sha256');
    let size = 0;
    for (const member of group.members)
      for (const chunk of member.chunks()) {
        hash.update(chunk);
        size += chunk.length;
      }
    return { outputKey: group.outputKey, sha256: hash.digest('hex'), size };
  });
}

export type Verified = 'sha256' | 'size';

/**
 * The problems a run left, none when it did the job. `full` reads every output back through
 * SHA-256 (done once per contender and workload); otherwise sizes are checked with a HEAD.
 */
export async function verifyRun(
  s3: S3Client,
  bucket: string,
  workload: Workload,
  expected: readonly Expected[],
  full: boolean,
): Promise<string[]> {
  const problems: string[] = [];
  for (const [index, group] of workload.groups.entries()) {
    const want = expected[index]!;
    try {
      if (full) {
        const got = await objectDigest(s3, bucket, group.outputKey);
        if (got.sha256 !== want.sha256 || got.size !== want.size)
          problems.push(
            `${group.outputKey}: ${got.size} bytes, SHA-256 ${got.sha256.slice(0, 12)}…; expected ${want.size} bytes, ${want.sha256.slice(0, 12)}…`,
          );
      } else {
        const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: group.outputKey }));
        if (head.ContentLength !== want.size)
          problems.push(`${group.outputKey}: ${head.ContentLength} bytes, expected ${want.size}`);
      }
    } catch (error) {
      problems.push(`${group.outputKey}: not readable (${(error as Error).name})`);
    }
    const left = await listKeys(s3, bucket, group.listPrefix);
    if (left.length > 0) problems.push(`${group.listPrefix}: ${left.length} input(s) left, e.g. ${left[0]}`);
  }
  return problems;
}
