import { describe, expect, it } from 'vitest';
import { explainS3Error } from '../../source/aws/s3-errors.js';
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
      /--profile NAME/,
    ],
    [
      'a refused connection',
      sdkError({ cause: { code: 'ECONNREFUSED' } }),
      /Cannot reach S3 \(ECONNREFUSED\)/,
      /network/,
    ],
  ];
  it.each(cases)('%s', (_, error, message, fix) => {
    const explained = explainS3Error(error, context);
    expect(explained).toBeInstanceOf(UserError);
    expect((explained as UserError).message).toMatch(message);
    expect((explained as UserError).fix).toMatch(fix);
  });

  it('passes anything unexpected through untouched', () => {
    const odd = sdkError({ Code: 'InternalError', $metadata: { httpStatusCode: 500 } });
    expect(explainS3Error(odd, context)).toBe(odd);
  });
});
