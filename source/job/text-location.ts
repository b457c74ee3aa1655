import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { readFile, writeFile } from 'node:fs/promises';
import { errorCode, explainS3Error } from '../aws/s3-errors.js';
import { s3UrlParts } from '../aws/s3-url.js';
import { UserError } from '../errors.js';

/**
 * Where a plan file or a report is read from or written to: a local path, or `s3://bucket/key` so
 * that every machine of a fan-out reads the same plan. S3 locations use the run's own connection.
 */
export type TextLocation =
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 's3'; readonly bucket: string; readonly key: string };

export function locationOf(flag: string, value: string): TextLocation {
  if (!value.startsWith('s3://')) return { kind: 'file', path: value };
  const parts = s3UrlParts(value);
  if (!parts)
    throw new UserError(
      `--${flag} ${value} names no object.`,
      `Give s3://BUCKET/KEY, e.g. s3://my-plans/logs/plan.json.`,
    );
  return { kind: 's3', ...parts };
}

export const describeLocation = (location: TextLocation): string =>
  location.kind === 'file' ? location.path : `s3://${location.bucket}/${location.key}`;

export async function readText(
  location: TextLocation,
  s3: () => S3Client,
  signal?: AbortSignal,
): Promise<string> {
  if (location.kind === 'file') {
    try {
      return await readFile(location.path, 'utf8');
    } catch (error) {
      throw new UserError(
        `Cannot read ${location.path} (${errorCode(error)}).`,
        'Check the path; write a plan with s3collapse-tui plan --out FILE.',
      );
    }
  }
  try {
    const answer = await s3().send(new GetObjectCommand({ Bucket: location.bucket, Key: location.key }), {
      abortSignal: signal,
    });
    return await answer.Body!.transformToString('utf8');
  } catch (error) {
    if (errorCode(error) === 'NoSuchKey')
      throw new UserError(
        `${describeLocation(location)} does not exist.`,
        'Write it first with s3collapse-tui plan --out s3://BUCKET/KEY.',
      );
    throw explainS3Error(error, { operation: 'GetObject', bucket: location.bucket, key: location.key });
  }
}

export async function writeText(
  location: TextLocation,
  text: string,
  s3: () => S3Client,
  signal?: AbortSignal,
): Promise<void> {
  if (location.kind === 'file') {
    try {
      await writeFile(location.path, text);
      return;
    } catch (error) {
      throw new UserError(
        `Cannot write ${location.path} (${errorCode(error)}).`,
        'Check that its folder exists and is writable.',
      );
    }
  }
  try {
    await s3().send(
      new PutObjectCommand({
        Bucket: location.bucket,
        Key: location.key,
        Body: text,
        ContentType: 'application/json',
      }),
      { abortSignal: signal },
    );
  } catch (error) {
    throw explainS3Error(error, { operation: 'PutObject', bucket: location.bucket, key: location.key });
  }
}
