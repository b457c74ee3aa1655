import { UserError } from '../errors.js';

/** The IAM action each S3 call needs, for the "grant …" half of an access-denied message. */
const ACTION: Readonly<Record<string, string>> = {
  ListObjectsV2: 's3:ListBucket',
  HeadBucket: 's3:ListBucket',
  GetObject: 's3:GetObject',
  HeadObject: 's3:GetObject',
  PutObject: 's3:PutObject',
  UploadPart: 's3:PutObject',
  UploadPartCopy: 's3:GetObject and s3:PutObject',
  CreateMultipartUpload: 's3:PutObject',
  CompleteMultipartUpload: 's3:PutObject',
  DeleteObjects: 's3:DeleteObject',
  ListBuckets: 's3:ListAllMyBuckets',
};

export interface S3CallContext {
  readonly operation: string;
  readonly bucket?: string | undefined;
  readonly key?: string | undefined;
  readonly profile?: string | undefined;
  readonly endpoint?: string | undefined;
}

interface SdkErrorShape {
  name?: string;
  Code?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number; attempts?: number };
  cause?: unknown;
}

/** Calls that open the connection: a network failure there is about where S3 is, not about load. */
const CONNECTING = new Set(['HeadBucket', 'ListBuckets', 'GetCallerIdentity']);

/**
 * A failure that is nobody's input mistake and usually passes: throttling, dropped connections, S3's
 * own 500s — after the SDK spent its retry budget. The message names the cause and says that running
 * again finishes the job; it never suggests a flag, because no flag is wrong.
 */
export class TransientS3Error extends Error {
  override readonly name = 'TransientS3Error';
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

function transient(error: unknown, context: S3CallContext, target: string): TransientS3Error | undefined {
  const code = errorCode(error);
  const status = httpStatus(error);
  const attempts = (error as SdkErrorShape)?.$metadata?.attempts;
  const tries = attempts && attempts > 1 ? ` after ${attempts} attempts` : '';
  if (code === 'SlowDown' || status === 503) {
    return new TransientS3Error(
      `S3 kept answering 503 ${code === 'SlowDown' ? 'SlowDown' : code} to ${context.operation} on ${target}${tries}: it is throttling this prefix. Run again later, or with a lower --concurrency.`,
      code,
    );
  }
  if (status !== undefined && status >= 500) {
    return new TransientS3Error(
      `S3 answered ${status} ${code} to ${context.operation} on ${target}${tries}. Run again to finish.`,
      code,
    );
  }
  if (
    NETWORK.has(code) ||
    /socket hang up|premature close|aborted/i.test(String((error as SdkErrorShape)?.message))
  ) {
    return new TransientS3Error(
      `The connection to ${context.endpoint ?? 'S3'} failed (${code}) during ${context.operation} on ${target}${tries}. Run again to finish.`,
      code,
    );
  }
  return undefined;
}

/** The service's error code, or the network error code (ECONNREFUSED …) for transport failures. */
export function errorCode(error: unknown): string {
  const shape = (error ?? {}) as SdkErrorShape;
  const cause = (shape.cause ?? {}) as SdkErrorShape;
  return shape.Code ?? shape.code ?? cause.code ?? shape.name ?? 'Error';
}

export function httpStatus(error: unknown): number | undefined {
  return ((error ?? {}) as SdkErrorShape).$metadata?.httpStatusCode;
}

const NETWORK = new Set([
  'EPIPE',
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'TimeoutError',
]);

/**
 * Half a key pair in the environment. The SDK then skips the pair and looks elsewhere, so when nothing
 * else has credentials its "could not load credentials" hides the one variable that is missing.
 */
export function halfKeyPair(env: NodeJS.ProcessEnv): UserError | undefined {
  const id = env.AWS_ACCESS_KEY_ID;
  const secret = env.AWS_SECRET_ACCESS_KEY;
  if (Boolean(id) === Boolean(secret)) return undefined;
  const [set, missing] = id
    ? ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY']
    : ['AWS_SECRET_ACCESS_KEY', 'AWS_ACCESS_KEY_ID'];
  return new UserError(
    `${set} is set but ${missing} is ${env[missing] === undefined ? 'not set' : 'empty'}.`,
    `Set ${missing} too, or unset ${set} to use a profile (--profile NAME).`,
  );
}

/**
 * Turns an SDK failure the user can fix into a one-line UserError with its fix. Anything else is
 * returned as it is, to be reported as an unexpected failure.
 */
export function explainS3Error(error: unknown, context: S3CallContext): unknown {
  if (error instanceof UserError) return error;
  const code = errorCode(error);
  const status = httpStatus(error);
  const target =
    context.key !== undefined ? `s3://${context.bucket}/${context.key}` : `s3://${context.bucket ?? ''}`;
  const profileHint = context.profile ? ` (profile ${context.profile})` : '';
  if (code === 'NoSuchBucket' || (status === 404 && context.operation === 'HeadBucket')) {
    return new UserError(
      `Bucket ${context.bucket} does not exist${profileHint}.`,
      'Check the name (aws s3 ls lists yours), or the --profile / --endpoint it lives behind.',
    );
  }
  if (
    code === 'AccessDenied' ||
    code === 'Forbidden' ||
    code === 'AllAccessDisabled' ||
    (status === 403 && !/Key|Signature|Token/.test(code))
  ) {
    const action = ACTION[context.operation] ?? `s3:${context.operation}`;
    return new UserError(
      `Access denied: ${context.operation} on ${target}${profileHint}.`,
      `Grant ${action} on it to this identity, or choose another --profile.`,
    );
  }
  if (
    code === 'InvalidAccessKeyId' ||
    code === 'SignatureDoesNotMatch' ||
    code === 'InvalidToken' ||
    code === 'UnrecognizedClientException'
  ) {
    return new UserError(
      `The credentials were rejected (${code})${profileHint}.`,
      'Check --profile, or the AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY in your environment.',
    );
  }
  if (code === 'ExpiredToken' || code === 'ExpiredTokenException' || code === 'TokenRefreshRequired') {
    return new UserError(
      `The credentials have expired${profileHint}.`,
      context.profile
        ? `Renew them, e.g. aws sso login --profile ${context.profile}.`
        : 'Renew them (aws sso login, or new keys).',
    );
  }
  const message = String((error as SdkErrorShape)?.message ?? '');
  // The SSO provider reports an expired or missing login as a CredentialsProviderError too.
  if (/SSO session .*(expired|invalid)|Token is expired|refresh.*sso|sso login/i.test(message)) {
    return new UserError(
      `The SSO session${profileHint} has expired or is not logged in.`,
      `Log in again: aws sso login${context.profile ? ` --profile ${context.profile}` : ''}.`,
    );
  }
  if (
    code === 'CredentialsProviderError' ||
    /Could not load credentials|Could not resolve credentials/.test(String((error as SdkErrorShape)?.message))
  ) {
    return new UserError(
      `No AWS credentials found${profileHint}.`,
      'Pass --profile NAME, set AWS_PROFILE or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run aws configure.',
    );
  }
  if (NETWORK.has(code) && CONNECTING.has(context.operation)) {
    return new UserError(
      `Cannot reach ${context.endpoint ?? 'S3'} (${code}).`,
      context.endpoint
        ? 'Check --endpoint and that the server is running.'
        : 'Check your network and --region.',
    );
  }
  return transient(error, context, target) ?? error;
}
