import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { accessLogObjects, cloudTrailObjects } from '../../source/demo/log-generator.js';
import { startFaultProxy, type Fault, type ProxiedRequest } from '../support/fault-proxy.js';
import { endpoint, listKeys, newBucket, putObjects, snapshot, testClient } from '../support/s3.js';
import { runCli, startCli } from '../support/run-cli.js';

const s3 = testClient();
afterAll(() => s3.destroy());

const DAY1 = new Date('2024-05-01T00:00:00Z');
const originals = accessLogObjects({
  prefix: 'logs/',
  days: [DAY1],
  objectsPerDay: 5,
  sourceBucket: 'site',
  seed: 3,
});

/** A script run on one bucket and day, as cron would run it. */
const runScript = (bucket: string) =>
  runCli(['--endpoint', endpoint(), '--bucket', bucket, '--from', '2024-05-01', '--yes', '--json']);

async function seeded(label: string, extra: ReadonlyArray<{ key: string; body: Buffer | string }> = []) {
  const bucket = await newBucket(s3, label);
  await putObjects(s3, bucket, [...originals, ...extra]);
  return { bucket, before: await snapshot(s3, bucket) };
}

async function runThroughPolicy(bucket: string, rule: (request: ProxiedRequest) => Fault) {
  const proxy = await startFaultProxy(endpoint(), rule);
  try {
    return await runCli([
      '--endpoint',
      proxy.endpoint,
      '--bucket',
      bucket,
      '--from',
      '2024-05-01',
      '--yes',
      '--json',
    ]);
  } finally {
    await proxy.close();
  }
}

describe('access denied', () => {
  it('on listing: one clear line, exit 2', async () => {
    const { bucket, before } = await seeded('deny-list');
    const run = await runThroughPolicy(bucket, (request) =>
      request.operation === 'ListObjectsV2' ? { kind: 'deny' } : { kind: 'pass' },
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /Access denied: ListObjectsV2 on s3:\/\/deny-list-[a-z0-9]+\/.*\n\s+Grant s3:ListBucket/,
    );
    expect(JSON.parse(run.stdout).error.message).toMatch(/Access denied: ListObjectsV2/);
    expect(await snapshot(s3, bucket)).toEqual(before);
  });

  it.each([
    [
      'GetObject',
      (request: ProxiedRequest): Fault =>
        request.operation === 'GetObject' && !request.key.endsWith('.json')
          ? { kind: 'deny' }
          : { kind: 'pass' },
    ],
    [
      'PutObject',
      (request: ProxiedRequest): Fault =>
        request.operation === 'PutObject' || request.operation === 'CreateMultipartUpload'
          ? { kind: 'deny' }
          : { kind: 'pass' },
    ],
  ])('on %s: the period fails, exit 1, the bucket unchanged', async (operation, rule) => {
    const { bucket, before } = await seeded(`deny-${operation.toLowerCase()}`);
    const run = await runThroughPolicy(bucket, rule);
    expect(run.code).toBe(1);
    const document = JSON.parse(run.stdout);
    expect(document.periods[0]).toMatchObject({ status: 'failed', keysDeleted: 0 });
    expect(document.periods[0].error).toMatchObject({ code: 'denied', originalsKept: true });
    expect(document.periods[0].error.message).toContain(
      `Access denied: ${operation} on s3://${bucket}/logs/`,
    );
    expect(run.stderr).toMatch(new RegExp(`2024-05-01 +✖ Access denied: ${operation}`));
    expect(await snapshot(s3, bucket)).toEqual(before);
  });

  it('on delete: every key that stayed is reported, exit 1, and each is inside the verified output', async () => {
    const { bucket } = await seeded('deny-delete');
    const run = await runThroughPolicy(bucket, (request) =>
      request.operation === 'DeleteObjects' ? { kind: 'delete-errors' } : { kind: 'pass' },
    );
    expect(run.code).toBe(1);
    const period = JSON.parse(run.stdout).periods[0];
    expect(period).toMatchObject({ status: 'collapsed', keysDeleted: 0 });
    expect(period.deleteFailed.map((failure: { key: string }) => failure.key)).toEqual(
      originals.map((o) => o.key).sort(),
    );
    expect(run.stderr).toMatch(/could not delete 5 keys of 2024-05-01 \(AccessDenied/);
    const left = await listKeys(s3, bucket);
    for (const object of originals) expect(left).toContain(object.key);
    expect(left).toContain('logs/2024-05-01_collapsed');
  });
});

describe('periods that cannot be collapsed change nothing', () => {
  it('gzip and plain mixed in a period', async () => {
    const gz = { key: 'logs/2024-05-01-12-00-00-0123456789ABCDEF', body: gzipSync('compressed record\n') };
    const { bucket, before } = await seeded('mixed-gz', [gz]);
    const run = await runScript(bucket);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout).periods[0].error).toMatchObject({
      stage: 'download',
      code: 'mixed-encoding',
    });
    expect(JSON.parse(run.stdout).periods[0].error.message).toMatch(
      /mixes gzip and plain inputs: logs\/2024-05-01-12-00-00-0123456789ABCDEF is gzip, logs\/\S+ before it is plain/,
    );
    expect(await snapshot(s3, bucket)).toEqual(before);
  });

  it('an output that exists without a manifest', async () => {
    const { bucket, before } = await seeded('no-manifest', [
      { key: 'logs/2024-05-01_collapsed', body: 'someone else wrote this\n' },
    ]);
    const run = await runScript(bucket);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout).periods[0].error).toMatchObject({ code: 'output-without-manifest' });
    expect(JSON.parse(run.stdout).periods[0].error.message).toMatch(
      /logs\/2024-05-01_collapsed already exists but has no manifest/,
    );
    expect(await snapshot(s3, bucket)).toEqual(before);
  });

  it('an output whose manifest cannot be read', async () => {
    const { bucket, before } = await seeded('bad-manifest', [
      { key: 'logs/2024-05-01_collapsed', body: 'bytes\n' },
      { key: 'logs/_2024-05-01_collapsed.manifest.json', body: '{"format":"something-else"}' },
    ]);
    const run = await runScript(bucket);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout).periods[0].error.message).toMatch(
      /The manifest logs\/_2024-05-01_collapsed.manifest.json cannot be read/,
    );
    expect(await snapshot(s3, bucket)).toEqual(before);
  });
});

describe('a script run', () => {
  it('collapses, prints one JSON document on stdout and progress on stderr, and is safe to repeat', async () => {
    const { bucket } = await seeded('script');
    const flags = ['--endpoint', endpoint(), '--bucket', bucket, '--from', '2024-05-01', '--yes', '--json'];
    const first = await runCli(flags);
    expect(first.code).toBe(0);
    const document = JSON.parse(first.stdout);
    expect(document.periods).toEqual([
      expect.objectContaining({
        period: '2024-05-01',
        status: 'collapsed',
        keys: 5,
        keysDeleted: 5,
        deleteFailed: [],
        error: null,
      }),
    ]);
    expect(document.totals).toMatchObject({ collapsed: 1, keysDeleted: 5, failed: 0 });
    expect(first.stderr).toContain('2024-05-01  5 keys → logs/2024-05-01_collapsed  ✔ verified · 5 deleted');
    expect((await listKeys(s3, bucket)).sort()).toEqual([
      'logs/2024-05-01_collapsed',
      'logs/_2024-05-01_collapsed.manifest.json',
    ]);

    const again = await runCli(flags);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout).periods[0]).toMatchObject({
      status: 'already-collapsed',
      keysDeleted: 0,
    });
  });
});

describe('--series', () => {
  it('collapses only the chosen CloudTrail series, and names the series when one is unknown', async () => {
    const bucket = await newBucket(s3, 'series');
    const trail = cloudTrailObjects({
      prefix: '',
      accounts: [{ account: '111122223333' }],
      regions: ['eu-west-1', 'us-east-1'],
      days: [DAY1],
      filesPerDay: 3,
      seed: 13,
    }).filter((object) => object.key.includes('/CloudTrail/'));
    await putObjects(s3, bucket, trail);
    const chosen = 'AWSLogs/111122223333/CloudTrail/eu-west-1/';
    const flags = ['--endpoint', endpoint(), '--bucket', bucket, '--from', '2024-05-01', '--yes', '--json'];

    const unknown = await runCli([...flags, '--series', 'AWSLogs/999999999999/CloudTrail/eu-west-1/']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(
      /--series AWSLogs\/999999999999\/CloudTrail\/eu-west-1\/ is not a series .*\n\s+Series found: AWSLogs\/111122223333\/CloudTrail\/eu-west-1\/, AWSLogs\/111122223333\/CloudTrail\/us-east-1\//,
    );

    const run = await runCli([...flags, '--series', chosen]);
    expect(run.code).toBe(0);
    expect(
      JSON.parse(run.stdout).periods.map((period: { series: string; status: string }) => [
        period.series,
        period.status,
      ]),
    ).toEqual([['111122223333 eu-west-1', 'collapsed']]);
    const left = await listKeys(s3, bucket);
    for (const object of trail) expect(left.includes(object.key)).toBe(!object.key.startsWith(chosen));
  });
});

describe('Ctrl-C', () => {
  it('stops a script run safely: exit 130, uploads aborted, every original kept, and the same command finishes', async () => {
    const bucket = await newBucket(s3, 'sigint');
    const big = Array.from({ length: 12 }, (_, index) => ({
      key: `logs/2024-05-01-10-00-${String(index).padStart(2, '0')}-${'B'.repeat(16)}`,
      body: Buffer.alloc(1024 * 1024, `record ${index}\n`),
    }));
    await putObjects(s3, bucket, big);
    // A slow wire, so the run is still uploading when the signal comes.
    const proxy = await startFaultProxy(endpoint(), () => ({ kind: 'pass' }), { latencyMs: 150 });
    try {
      const flags = ['--endpoint', proxy.endpoint, '--bucket', bucket, '--from', '2024-05-01', '--yes'];
      const child = startCli(flags);
      await vi.waitFor(() => expect(proxy.seen.some((seen) => seen.operation === 'UploadPart')).toBe(true), {
        timeout: 30_000,
        interval: 20,
      });
      child.process.kill('SIGINT');
      const run = await child.done;
      expect(run.code).toBe(130);
      expect(run.stderr).toMatch(/Stopping safely/);
      expect(proxy.seen.some((seen) => seen.operation === 'AbortMultipartUpload')).toBe(true);
      expect(proxy.seen.some((seen) => seen.operation === 'CompleteMultipartUpload')).toBe(false);
      expect((await listKeys(s3, bucket)).sort()).toEqual(big.map((object) => object.key).sort());
    } finally {
      await proxy.close();
    }
    const again = await runCli([
      '--endpoint',
      endpoint(),
      '--bucket',
      bucket,
      '--from',
      '2024-05-01',
      '--yes',
    ]);
    expect(again.code).toBe(0);
    expect(await listKeys(s3, bucket)).toEqual([
      'logs/2024-05-01_collapsed',
      'logs/_2024-05-01_collapsed.manifest.json',
    ]);
  });
});
