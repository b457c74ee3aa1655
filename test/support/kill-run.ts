import type { S3Client } from '@aws-sdk/client-s3';
import { startFaultProxy, type FaultProxy, type ProxiedRequest } from './fault-proxy.js';
import type { SeedObject } from '../../source/demo/log-generator.js';
import { auditBucket, finishedProblems, lostOriginals } from './invariant.js';
import { runCli, startCli, type StartedCli } from './run-cli.js';
import { endpoint, newBucket } from './s3.js';

/**
 * SIGKILL of the real CLI at a request taken from a clean run's own request log: before the server
 * sees it, or after the server acted but before the client heard. What test/safety/kill-points.test.ts
 * does, for any command and any starting state.
 */

/** A request of a run, recognisable in another run of the same command. */
export interface KillPoint {
  readonly operation: ProxiedRequest['operation'];
  readonly key: string;
  readonly nthForKey: number;
  readonly phase: 'before' | 'acted';
}

const same = (r: ProxiedRequest, point: KillPoint) =>
  r.operation === point.operation && r.key === point.key && r.nthForKey === point.nthForKey;

const WRITES = new Set(['PutObject', 'CreateMultipartUpload', 'UploadPart', 'CompleteMultipartUpload']);

/** Every write, delete, verification and upload listing, and a spread of reads, each at both phases. */
export function killPoints(log: readonly ProxiedRequest[]): KillPoint[] {
  const chosen = log.filter(
    (r, index) =>
      WRITES.has(r.operation) ||
      r.operation === 'DeleteObjects' ||
      r.operation === 'ListMultipartUploads' ||
      (r.operation === 'HeadObject' &&
        log.slice(0, index).some((earlier) => WRITES.has(earlier.operation))) ||
      (r.operation === 'GetObject' && r.nth % 5 === 1),
  );
  return chosen.flatMap((r) =>
    (['before', 'acted'] as const).map((phase) => ({
      operation: r.operation,
      key: r.key,
      nthForKey: r.nthForKey,
      phase,
    })),
  );
}

/** A fresh bucket brought to `prepare`'s state, then the CLI with `flags(endpoint, bucket)` killed at `point`. */
export async function killedAt(
  s3: S3Client,
  point: KillPoint,
  prepare: (bucket: string) => Promise<void>,
  flags: (url: string, bucket: string) => string[],
): Promise<{ bucket: string; hit: boolean }> {
  const bucket = await newBucket(s3, 'kill');
  await prepare(bucket);
  let child: StartedCli | undefined;
  let hit = false;
  const kill = async () => {
    hit = true;
    child!.process.kill('SIGKILL');
    await child!.done;
  };
  const proxy: FaultProxy = await startFaultProxy(endpoint(), (r) => {
    if (hit || !same(r, point)) return { kind: 'pass' };
    if (point.phase === 'acted') return { kind: 'forward-then', after: kill };
    void kill();
    return { kind: 'reset' };
  });
  try {
    child = startCli(flags(proxy.endpoint, bucket));
    await child.done;
  } finally {
    await proxy.close();
  }
  return { bucket, hit };
}

/**
 * For each point: kill the command there, check no original was lost, run the same command again and
 * check the job finished exactly. The failures, each named by its point (none when all is well).
 */
export async function failuresAfterKills(
  s3: S3Client,
  points: readonly KillPoint[],
  prepare: (bucket: string) => Promise<void>,
  flags: (url: string, bucket: string) => string[],
  originals: readonly SeedObject[],
): Promise<string[]> {
  const failures: string[] = [];
  for (const point of points) {
    const { bucket, hit } = await killedAt(s3, point, prepare, flags);
    const where = `${point.phase} ${point.operation} ${point.key} #${point.nthForKey}`;
    if (!hit) {
      failures.push(`${where}: the run never reached this point`);
      continue;
    }
    const lost = lostOriginals(await auditBucket(s3, bucket, originals), originals);
    if (lost.length > 0) failures.push(`${where}: lost ${lost.join(', ')}`);
    const again = await runCli(flags(endpoint(), bucket));
    if (again.code !== 0)
      failures.push(`${where}: the next run exited ${again.code}: ${again.stderr.trim().split('\n').at(-1)}`);
    const problems = finishedProblems(await auditBucket(s3, bucket, originals), originals);
    if (problems.length > 0) failures.push(`${where}: ${problems.join('; ')}`);
  }
  return failures;
}
