import { ListBucketsCommand } from '@aws-sdk/client-s3';
import { createS3Client, type ConnectionOptions } from '../aws/s3-client.js';
import { explainS3Error } from '../aws/s3-errors.js';

export interface BucketEntry {
  readonly name: string;
  /** From ListBuckets where S3 reports it; found on opening the bucket otherwise. */
  readonly region?: string | undefined;
}

/** Every bucket the credentials may list, by name. */
export async function listBuckets(connection: ConnectionOptions): Promise<BucketEntry[]> {
  // ListBuckets is global: any region answers it, and a machine may have none configured.
  const region = connection.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';
  const s3 = createS3Client({ ...connection, region });
  try {
    const buckets: BucketEntry[] = [];
    let token: string | undefined;
    do {
      const page = await s3.send(
        new ListBucketsCommand({
          ContinuationToken: token,
          MaxBuckets: token === undefined ? undefined : 1000,
        }),
      );
      for (const bucket of page.Buckets ?? []) {
        if (bucket.Name) buckets.push({ name: bucket.Name, region: bucket.BucketRegion });
      }
      token = page.ContinuationToken;
    } while (token);
    return buckets.sort((a, b) => a.name.localeCompare(b.name));
  } catch (error) {
    throw explainS3Error(error, {
      operation: 'ListBuckets',
      profile: connection.profile,
      endpoint: connection.endpoint,
    });
  } finally {
    s3.destroy();
  }
}

/** Case-insensitive substring filter, for the bucket step's type-to-filter. */
export function filterBuckets(buckets: readonly BucketEntry[], query: string): BucketEntry[] {
  const needle = query.trim().toLowerCase();
  return needle === ''
    ? [...buckets]
    : buckets.filter((bucket) => bucket.name.toLowerCase().includes(needle));
}
