import { GetBucketVersioningCommand } from '@aws-sdk/client-s3';
import { assertProfileExists } from '../aws/profiles.js';
import { openBucket } from '../aws/open-bucket.js';
import { endpointFromEnv, type ConnectionOptions } from '../aws/s3-client.js';
import type { EngineContext } from '../engine/types.js';
import { UserError } from '../errors.js';

export interface Connected {
  readonly ctx: EngineContext;
  readonly region: string;
  readonly connection: ConnectionOptions;
  /**
   * Deleted objects of a versioned bucket stay as noncurrent versions: the confirmation says so. Read
   * beside detection and planning (it is needed only at the confirmation); it never rejects.
   */
  readonly versioned: Promise<boolean | undefined>;
}

/** Unknown (undefined) when the bucket's versioning cannot be read: not every server or policy allows it. */
async function isVersioned(ctx: EngineContext): Promise<boolean | undefined> {
  try {
    const answer = await ctx.s3.send(new GetBucketVersioningCommand({ Bucket: ctx.bucket }));
    return answer.Status === 'Enabled' || answer.Status === 'Suspended';
  } catch {
    return undefined;
  }
}

/** Checks the profile, then the bucket, and returns what the engine needs to run against it. */
export async function connect(
  connection: ConnectionOptions,
  bucket: string | undefined,
  now: () => Date = () => new Date(),
): Promise<Connected> {
  if (!bucket) {
    throw new UserError('No bucket given.', 'Pass --bucket NAME (on a terminal, the app lets you pick one).');
  }
  if (connection.profile && !connection.credentials) await assertProfileExists(connection.profile);
  const opened = await openBucket(connection, bucket);
  // Only S3 itself keeps full-object checksums; S3-compatible servers get Content-MD5 checks alone.
  const fullObjectChecksum = !(connection.endpoint ?? endpointFromEnv());
  const ctx: EngineContext = { s3: opened.s3, bucket, now, fullObjectChecksum };
  return { ctx, region: opened.region, connection, versioned: isVersioned(ctx) };
}
