import { HeadBucketCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { UserError } from '../errors.js';
import { createS3Client, endpointFromEnv, type ConnectionOptions } from './s3-client.js';
import { errorCode, explainS3Error, httpStatus } from './s3-errors.js';

export interface OpenBucket {
  readonly s3: S3Client;
  readonly region: string;
}

const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** The region a 301/400 answer names, for buckets outside the client's region. */
function regionHint(error: unknown): string | undefined {
  const response = (error as { $response?: { headers?: Record<string, string> } }).$response;
  return response?.headers?.['x-amz-bucket-region'];
}

/**
 * A client for the bucket's own region, after checking the bucket exists and the credentials may use it.
 * Against a custom endpoint there is one region; on AWS, HeadBucket reports the bucket's region.
 */
export async function openBucket(connection: ConnectionOptions, bucket: string): Promise<OpenBucket> {
  if (!BUCKET_NAME.test(bucket)) {
    throw new UserError(
      `${JSON.stringify(bucket)} is not a valid bucket name.`,
      'Bucket names are 3–63 lowercase letters, digits, dots and hyphens.',
    );
  }
  const endpoint = connection.endpoint ?? endpointFromEnv();
  const region = connection.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';
  const s3 = createS3Client({ ...connection, region });
  const context = { operation: 'HeadBucket', bucket, profile: connection.profile, endpoint };
  try {
    const head = await s3.send(new HeadBucketCommand({ Bucket: bucket }));
    const found = head.BucketRegion;
    if (!endpoint && found && found !== region) {
      s3.destroy();
      return { s3: createS3Client({ ...connection, region: found }), region: found };
    }
    return { s3, region };
  } catch (error) {
    const hinted = regionHint(error);
    if (!endpoint && hinted && hinted !== region) {
      s3.destroy();
      return openBucket({ ...connection, region: hinted }, bucket);
    }
    if (httpStatus(error) === 403) {
      // HEAD answers carry no error code: a listing tells rejected credentials from a denied bucket.
      const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket, MaxKeys: 1 })).then(
        () => undefined,
        (listError: unknown) => listError,
      );
      s3.destroy();
      throw explainS3Error(listed ?? error, {
        ...context,
        operation: listed ? 'ListObjectsV2' : 'HeadBucket',
      });
    }
    s3.destroy();
    if (httpStatus(error) === 404 || errorCode(error) === 'NotFound') {
      throw explainS3Error(Object.assign(new Error('no such bucket'), { Code: 'NoSuchBucket' }), context);
    }
    throw explainS3Error(error, context);
  }
}
