import { UserError } from '../errors.js';

/**
 * Where an S3-compatible endpoint comes from besides --endpoint, in the SDK's order of precedence. This
 * module imports nothing heavy: the CLI checks the environment before it loads the SDK.
 */
export const ENDPOINT_ENV = ['AWS_ENDPOINT_URL_S3', 'AWS_ENDPOINT_URL'] as const;

export const ENDPOINT_EXAMPLE = 'http://127.0.0.1:9000';

/** The SDK builds request URLs from the endpoint: anything but http(s) fails there, late and unclearly. */
export function isHttpUrl(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const { protocol, hostname } = new URL(value);
  return (protocol === 'http:' || protocol === 'https:') && hostname !== '';
}

/** The endpoint the environment names (an empty variable counts as unset), refused unless it is a URL. */
export function endpointFromEnv(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const name = ENDPOINT_ENV.find((candidate) => env[candidate]);
  if (name === undefined) return undefined;
  const value = env[name] ?? '';
  if (!isHttpUrl(value)) {
    throw new UserError(
      `${name}=${JSON.stringify(value)} is not an http:// or https:// URL.`,
      `Set it to the S3 server's URL, e.g. ${name}=${ENDPOINT_EXAMPLE}, or unset it.`,
    );
  }
  return value;
}
