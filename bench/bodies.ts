// Object bodies for the workloads: shaped and compressible like the real logs, cheap to make, and
// always ending with a newline. The tool adds a separator only after an input that does not end a
// line; the other contenders concatenate plainly, so with these bodies every output is byte-identical.
import { gzipSync } from 'node:zlib';

const MiB = 1024 * 1024;

/** An access-log body grown to 1–4 KiB by repeating its own (newline-terminated) records. */
export function accessLogBody(records: Buffer, random: () => number): Buffer {
  const lines = records
    .toString()
    .split('\n')
    .filter((line) => line.length > 0);
  // Records run to ~450 bytes: whole lines past this target stay under 4 KiB.
  const target = 1024 + Math.floor(random() * 2560);
  const out: string[] = [];
  let size = 0;
  for (let index = 0; size < target; index += 1) {
    const line = `${lines[index % lines.length]}\n`;
    out.push(line);
    size += line.length;
  }
  return Buffer.from(out.join(''));
}

const hex = (random: () => number, length: number): string =>
  Array.from({ length }, () => '0123456789abcdef'[Math.floor(random() * 16)]).join('');

const EVENTS = [
  ['s3.amazonaws.com', 'GetObject'],
  ['s3.amazonaws.com', 'PutObject'],
  ['ec2.amazonaws.com', 'DescribeInstances'],
  ['iam.amazonaws.com', 'ListRoles'],
  ['sts.amazonaws.com', 'AssumeRole'],
  ['kms.amazonaws.com', 'Decrypt'],
  ['lambda.amazonaws.com', 'Invoke'],
] as const;

/** A CloudTrail log file: gzipped JSON of ~20 KiB, its JSON ending with a newline. */
export function cloudTrailBody(
  account: string,
  region: string,
  at: Date,
  random: () => number,
  gzipTarget = 20 * 1024,
): Buffer {
  // These records compress about 7:1; aim the JSON at that, give or take 30%.
  const jsonTarget = gzipTarget * 7 * (0.7 + random() * 0.6);
  const records: string[] = [];
  let size = 0;
  while (size < jsonTarget) {
    const [source, name] = EVENTS[Math.floor(random() * EVENTS.length)]!;
    const record = JSON.stringify({
      eventVersion: '1.09',
      userIdentity: {
        type: 'AssumedRole',
        principalId: `AROA${hex(random, 17).toUpperCase()}:session-${hex(random, 6)}`,
        arn: `arn:aws:sts::${account}:assumed-role/Deploy/session-${hex(random, 6)}`,
        accountId: account,
        accessKeyId: `ASIA${hex(random, 16).toUpperCase()}`,
      },
      eventTime: new Date(at.getTime() + Math.floor(random() * 300_000))
        .toISOString()
        .replace(/\.\d+Z$/, 'Z'),
      eventSource: source,
      eventName: name,
      awsRegion: region,
      sourceIPAddress: `198.51.100.${Math.floor(random() * 250) + 1}`,
      userAgent: random() < 0.5 ? 'aws-cli/2.15.0 Python/3.11.6 Linux/6.1' : 'aws-sdk-js/3.600.0',
      requestParameters: { bucketName: `data-${hex(random, 4)}`, key: `in/${hex(random, 12)}.parquet` },
      responseElements: null,
      requestID: hex(random, 16).toUpperCase(),
      eventID: `${hex(random, 8)}-${hex(random, 4)}-${hex(random, 4)}-${hex(random, 4)}-${hex(random, 12)}`,
      readOnly: random() < 0.8,
      eventType: 'AwsApiCall',
      managementEvent: source !== 's3.amazonaws.com',
      recipientAccountId: account,
    });
    records.push(record);
    size += record.length + 1;
  }
  return gzipSync(`{"Records":[${records.join(',')}]}\n`);
}

/**
 * A large plain-text object as 1 MiB chunks of one repeated 128-byte line: 2 GiB are seeded, and
 * hashed for the expected output, without ever being held. `size` is a whole number of MiB.
 */
export function largeBodyChunks(key: string, size: number): () => Iterable<Buffer> {
  const line = `${key} `.padEnd(127, 'x').slice(0, 127) + '\n';
  const chunk = Buffer.from(line.repeat(MiB / 128));
  return function* chunks() {
    for (let done = 0; done < size; done += MiB) yield chunk;
  };
}
