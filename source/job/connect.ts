import { assertProfileExists } from '../aws/profiles.js';
import { openBucket } from '../aws/open-bucket.js';
import type { ConnectionOptions } from '../aws/s3-client.js';
import type { EngineContext } from '../engine/types.js';
import { UserError } from '../errors.js';

export interface Connected {
  readonly ctx: EngineContext;
  readonly region: string;
  readonly connection: ConnectionOptions;
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
  return { ctx: { s3: opened.s3, bucket, now }, region: opened.region, connection };
}
