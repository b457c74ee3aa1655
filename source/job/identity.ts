import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { credentialsFor, endpointFromEnv, type ConnectionOptions } from '../aws/s3-client.js';
import { explainS3Error } from '../aws/s3-errors.js';
import { isUserError, messageOf } from '../errors.js';

export type Identity =
  | { readonly known: true; readonly account: string; readonly arn: string }
  | { readonly known: false; readonly reason: string; readonly fix?: string | undefined };

/**
 * Who the credentials are, from STS GetCallerIdentity (needs no permission). Against a custom endpoint
 * there is no STS: the identity is unknown, and the bucket listing is the real test of the credentials.
 */
export async function whoAmI(connection: ConnectionOptions): Promise<Identity> {
  if (connection.endpoint ?? endpointFromEnv()) {
    return {
      known: false,
      reason: 'unknown: S3-compatible endpoints have no STS; the bucket listing tests the credentials',
    };
  }
  const sts = new STSClient({
    region: connection.region ?? process.env.AWS_REGION ?? 'us-east-1',
    credentials: credentialsFor(connection),
    maxAttempts: 2,
  });
  try {
    const answer = await sts.send(new GetCallerIdentityCommand({}), {
      abortSignal: AbortSignal.timeout(10_000),
    });
    return { known: true, account: answer.Account ?? '', arn: answer.Arn ?? '' };
  } catch (error) {
    const explained = explainS3Error(error, { operation: 'GetCallerIdentity', profile: connection.profile });
    if (isUserError(explained)) return { known: false, reason: explained.message, fix: explained.fix };
    return { known: false, reason: `unknown: STS did not answer (${messageOf(error).split('\n')[0]})` };
  } finally {
    sts.destroy();
  }
}
