import { describe, expect, it } from 'vitest';
import { explainS3Error, halfKeyPair } from '../../source/aws/s3-errors.js';
import { UserError } from '../../source/errors.js';

/** Errors shaped as the SDK throws them (name/Code, HTTP status, a cause for network failures). */
const sdkError = (fields: Record<string, unknown>) =>
  Object.assign(new Error(String(fields.message ?? 'x')), fields);

describe('explainS3Error', () => {
  const context = { operation: 'GetObject', bucket: 'logs', key: 'a/b', profile: 'prod' };
  const cases: Array<[string, Error, RegExp, RegExp]> = [
    [
      'no such bucket',
      sdkError({ Code: 'NoSuchBucket' }),
      /Bucket logs does not exist \(profile prod\)/,
      /aws s3 ls/,
    ],
    [
      'access denied',
      sdkError({ Code: 'AccessDenied', $metadata: { httpStatusCode: 403 } }),
      /Access denied: GetObject on s3:\/\/logs\/a\/b/,
      /Grant s3:GetObject/,
    ],
    [
      'rejected keys',
      sdkError({ Code: 'InvalidAccessKeyId', $metadata: { httpStatusCode: 403 } }),
      /credentials were rejected \(InvalidAccessKeyId\)/,
      /AWS_ACCESS_KEY_ID/,
    ],
    [
      'expired keys',
      sdkError({ Code: 'ExpiredToken', $metadata: { httpStatusCode: 400 } }),
      /credentials have expired/,
      /aws sso login --profile prod/,
    ],
    [
      'an expired SSO login',
      sdkError({
        name: 'CredentialsProviderError',
        message:
          'The SSO session associated with this profile has expired or is otherwise invalid. To refresh this SSO session run aws sso login with the corresponding profile.',
      }),
      /SSO session \(profile prod\) has expired/,
      /aws sso login --profile prod/,
    ],
    [
      'no credentials',
      sdkError({
        name: 'CredentialsProviderError',
        message: 'Could not load credentials from any providers',
      }),
      /No AWS credentials found/,
      /--profile NAME, set AWS_PROFILE or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY/,
    ],
  ];
  it.each(cases)('%s', (_, error, message, fix) => {
    const explained = explainS3Error(error, context);
    expect(explained).toBeInstanceOf(UserError);
    expect((explained as UserError).message).toMatch(message);
    expect((explained as UserError).fix).toMatch(fix);
  });

  it('a refused connection while connecting is about where S3 is: check the network and --region', () => {
    const explained = explainS3Error(sdkError({ cause: { code: 'ECONNREFUSED' } }), {
      operation: 'HeadBucket',
      bucket: 'logs',
    });
    expect(explained).toBeInstanceOf(UserError);
    expect((explained as UserError).message).toMatch(/Cannot reach S3 \(ECONNREFUSED\)/);
    expect((explained as UserError).fix).toMatch(/network and --region/);
  });

  const transient: Array<[string, Error, RegExp]> = [
    [
      'a connection reset mid-run',
      sdkError({ cause: { code: 'ECONNRESET' }, $metadata: { attempts: 10 } }),
      /^The connection to S3 failed \(ECONNRESET\) during GetObject on s3:\/\/logs\/a\/b after 10 attempts\. Run again to finish\.$/,
    ],
    [
      'throttling',
      sdkError({ Code: 'SlowDown', $metadata: { httpStatusCode: 503, attempts: 10 } }),
      /^S3 kept answering 503 SlowDown to GetObject on s3:\/\/logs\/a\/b after 10 attempts: it is throttling this prefix\. Run again later, or with a lower --concurrency\.$/,
    ],
    [
      'S3’s own failure',
      sdkError({ Code: 'InternalError', $metadata: { httpStatusCode: 500, attempts: 10 } }),
      /^S3 answered 500 InternalError to GetObject on s3:\/\/logs\/a\/b after 10 attempts\. Run again to finish\.$/,
    ],
  ];
  it.each(transient)('%s names the cause, not a flag to check', (_, error, message) => {
    const explained = explainS3Error(error, context);
    expect(explained).not.toBeInstanceOf(UserError);
    expect((explained as Error).message).toMatch(message);
    expect((explained as Error).message).not.toMatch(/--region/);
  });

  it('passes anything unexpected through untouched', () => {
    const odd = sdkError({ Code: 'SomethingNew', $metadata: { httpStatusCode: 400 } });
    expect(explainS3Error(odd, context)).toBe(odd);
  });
});

describe('halfKeyPair', () => {
  const half: Array<[string, NodeJS.ProcessEnv, string, string]> = [
    [
      'an empty secret',
      { AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE', AWS_SECRET_ACCESS_KEY: '' },
      'AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is empty.',
      'Set AWS_SECRET_ACCESS_KEY too, or unset AWS_ACCESS_KEY_ID to use a profile (--profile NAME).',
    ],
    [
      'no secret',
      { AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE' },
      'AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not set.',
      'Set AWS_SECRET_ACCESS_KEY too, or unset AWS_ACCESS_KEY_ID to use a profile (--profile NAME).',
    ],
    [
      'an empty key id',
      { AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: 'secret' },
      'AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is empty.',
      'Set AWS_ACCESS_KEY_ID too, or unset AWS_SECRET_ACCESS_KEY to use a profile (--profile NAME).',
    ],
    [
      'no key id',
      { AWS_SECRET_ACCESS_KEY: 'secret' },
      'AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not set.',
      'Set AWS_ACCESS_KEY_ID too, or unset AWS_SECRET_ACCESS_KEY to use a profile (--profile NAME).',
    ],
  ];
  it.each(half)('%s names the variable that is missing', (_, env, message, fix) => {
    const error = halfKeyPair(env);
    expect(error).toBeInstanceOf(UserError);
    expect(error?.message).toBe(message);
    expect(error?.fix).toBe(fix);
  });

  it.each([
    ['a whole pair', { AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret' }],
    ['no pair', {}],
    ['an empty pair', { AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '' }],
  ])('%s is nothing to report', (_, env) => {
    expect(halfKeyPair(env)).toBeUndefined();
  });
});
