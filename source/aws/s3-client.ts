import { S3Client } from '@aws-sdk/client-s3';
import { fromIni, fromNodeProviderChain } from '@aws-sdk/credential-providers';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { Agent } from 'node:https';
import { Agent as HttpAgent } from 'node:http';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { requireBucketOwner } from './request-middleware.js';
import { halfKeyPair } from './s3-errors.js';
import { endpointFromEnv } from './endpoint-url.js';

/** Read and checked beside the flags: the CLI refuses a bad value before it loads the SDK. */
export { endpointFromEnv };

export interface ConnectionOptions {
  readonly profile?: string | undefined;
  readonly region?: string | undefined;
  /** An S3-compatible endpoint; also read from AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL. */
  readonly endpoint?: string | undefined;
  /** Fixed credentials (the demo's local server); otherwise the SDK's chain or the profile. */
  readonly credentials?: AwsCredentialIdentity | undefined;
  /** Parallel requests the client may hold open. */
  readonly maxSockets?: number | undefined;
  /** Every request that names a bucket carries it: S3 refuses buckets another account owns. */
  readonly expectedBucketOwner?: string | undefined;
}

/**
 * Attempts per request. S3 answers 503 SlowDown while it scales a prefix and connections drop: both
 * are routine on long runs, so the budget is well above the SDK's 3. Retries back off exponentially
 * (the SDK's `standard` mode), and the run's own gates halve the GETs in flight of the throttled
 * prefix alone. The SDK's `adaptive` mode rate-limits the whole client instead, every prefix at once
 * and down to half a request a second: 80 logs with 1 GET in 5 throttled took 37 s that way, 2.4 s now.
 */
export const MAX_ATTEMPTS = 10;

export function credentialsFor(
  options: ConnectionOptions,
  env: NodeJS.ProcessEnv = process.env,
): AwsCredentialIdentity | AwsCredentialIdentityProvider {
  if (options.credentials) return options.credentials;
  if (options.profile) return fromIni({ profile: options.profile });
  const chain = fromNodeProviderChain();
  // Only when nothing answers: a half pair beside a working profile is the SDK's to ignore, as it does.
  return async (properties) => {
    try {
      return await chain(properties);
    } catch (error) {
      throw halfKeyPair(env) ?? error;
    }
  };
}

/**
 * An S3 client for AWS or an S3-compatible server. Custom endpoints get path-style addressing and
 * checksums only where required: SDK v3's default flexible checksums (aws-chunked uploads) are
 * rejected by older S3-compatible servers.
 */
export function createS3Client(options: ConnectionOptions): S3Client {
  const endpoint = options.endpoint ?? endpointFromEnv();
  const maxSockets = options.maxSockets ?? 128;
  const s3 = new S3Client({
    region: options.region ?? (endpoint ? 'us-east-1' : undefined),
    credentials: credentialsFor(options),
    ...(endpoint
      ? {
          endpoint,
          forcePathStyle: true,
          requestChecksumCalculation: 'WHEN_REQUIRED' as const,
          responseChecksumValidation: 'WHEN_REQUIRED' as const,
        }
      : {}),
    // The default of 50 sockets throttles a window of concurrent GETs across several periods.
    requestHandler: new NodeHttpHandler({
      httpsAgent: new Agent({ keepAlive: true, maxSockets }),
      httpAgent: new HttpAgent({ keepAlive: true, maxSockets }),
    }),
    retryMode: 'standard',
    maxAttempts: MAX_ATTEMPTS,
  });
  if (options.expectedBucketOwner) requireBucketOwner(s3, options.expectedBucketOwner);
  return s3;
}
