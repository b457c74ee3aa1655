import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { exitCodeOf } from '../../source/engine/run.js';
import { collapseRange } from '../support/collapse.js';
import { auditBucket, finishedProblems, type Original } from '../support/invariant.js';
import { runCli } from '../support/run-cli.js';
import {
  contextFor,
  endpoint,
  getBytes,
  newBucket,
  putObjects,
  snapshot,
  testClient,
} from '../support/s3.js';

/** Inputs that real buckets hold and a careless tool mangles: each ends byte-exact, or refused with a reason. */
const s3 = testClient();
afterAll(() => s3.destroy());

const NOW = new Date('2024-05-03T10:00:00Z');
const key = (root: string, second: number, unique = '6C0B8E3D1F2A4B7C') =>
  `${root}2024-05-01-10-00-${String(second).padStart(2, '0')}-${unique}`;

async function collapseUnder(root: string, objects: readonly Original[]) {
  const bucket = await newBucket(s3, 'odd');
  await putObjects(s3, bucket, objects);
  const { result } = await collapseRange(contextFor(s3, bucket, NOW), {
    layout: 's3-access-simple',
    root,
    from: '2024-05-01',
  });
  return { bucket, result };
}

describe('odd keys and bodies', () => {
  it.each([
    ['spaces, +, % and unicode in the prefix', 'my logs/a+b%20c/ünï 日本/'],
    // Segments under 255 bytes (the server keeps keys as folders); the longest original is 1,000 bytes.
    [
      '1,000-byte keys',
      `${Array.from({ length: 4 }, (_, index) => `${String(index).repeat(240)}/`).join('')}`,
    ],
  ])('%s: collapsed byte-exactly, every original exactly once', async (_, root) => {
    const objects = [1, 2, 3].map((second) => ({
      key: key(root, second),
      body: `record ${second} under an odd prefix\n`,
    }));
    if (root.length > 900) expect(Buffer.byteLength(objects[0]!.key)).toBe(1000);
    const { bucket, result } = await collapseUnder(root, objects);
    expect(result.periods[0]!.error).toBeUndefined();
    expect(result.periods[0]).toMatchObject({ status: 'collapsed', keysDeleted: 3 });
    expect((await getBytes(s3, bucket, `${root}2024-05-01_collapsed`)).toString()).toBe(
      objects.map((object) => object.body).join(''),
    );
    expect(finishedProblems(await auditBucket(s3, bucket, objects), objects)).toEqual([]);
  });

  it('an --out-prefix so long that the manifest key would pass 1,024 bytes: refused, nothing changed', async () => {
    const root = `${Array.from({ length: 4 }, (_, index) => `${String(index).repeat(200)}/`).join('')}`;
    const objects = [{ key: key(root, 1), body: 'x\n' }];
    const bucket = await newBucket(s3, 'odd-long');
    await putObjects(s3, bucket, objects);
    const before = await snapshot(s3, bucket);
    const { result } = await collapseRange(contextFor(s3, bucket, NOW), {
      layout: 's3-access-simple',
      root,
      from: '2024-05-01',
      outPrefix: `${'o'.repeat(200)}/`,
    });
    expect(result.periods[0]!.status).toBe('failed');
    expect(result.periods[0]!.error).toMatchObject({ stage: 'plan', code: 'key-too-long' });
    expect(result.periods[0]!.error?.message).toMatch(
      /manifest key for this period would be 1\d{3} bytes, more than the 1,024 S3 allows/,
    );
    expect(await snapshot(s3, bucket)).toEqual(before);
  });

  it('zero-byte objects, CRLF lines and a last line without a newline: verbatim, a newline added only where one is missing', async () => {
    const root = 'logs/';
    const objects = [
      { key: key(root, 1), body: '' },
      { key: key(root, 2), body: 'windows line\r\nanother\r\n' },
      { key: key(root, 3), body: 'no newline at the end' },
      { key: key(root, 4), body: '' },
      { key: key(root, 5), body: 'last\n' },
    ];
    const { bucket, result } = await collapseUnder(root, objects);
    expect(result.periods[0]).toMatchObject({ status: 'collapsed', keysDeleted: 5 });
    expect((await getBytes(s3, bucket, 'logs/2024-05-01_collapsed')).toString()).toBe(
      'windows line\r\nanother\r\nno newline at the end\nlast\n',
    );
    expect(finishedProblems(await auditBucket(s3, bucket, objects), objects)).toEqual([]);
  });
});

describe('gzip inputs that cannot be concatenated', () => {
  const trail = (unique: string) =>
    `AWSLogs/111122223333/CloudTrail/eu-west-1/2024/05/01/111122223333_CloudTrail_eu-west-1_20240501T1005Z_${unique}.json.gz`;
  const good = { key: trail('AAAAAAAAAAAAAAAA'), body: gzipSync('{"Records":[]}\n') };

  it.each([
    [
      'a small one with zero bytes after its gzip data',
      Buffer.concat([gzipSync('{"Records":[1]}\n'), Buffer.alloc(4)]),
      /has 4 bytes after its gzip data/,
      'gzip-trailing-bytes',
    ],
    // Over the 8 MiB part size, so it is streamed rather than held (the run used to hang and exit 13 here).
    [
      'a 9 MiB one with zero bytes after its gzip data',
      Buffer.concat([gzipSync(randomBytes(9 * 1024 * 1024)), Buffer.alloc(3)]),
      /has 3 bytes after its gzip data/,
      'gzip-trailing-bytes',
    ],
    [
      'a corrupt one',
      Buffer.concat([gzipSync('{"Records":[2]}\n').subarray(0, 12), Buffer.from('garbage')]),
      /is not valid gzip/,
      'gzip-corrupt',
    ],
  ])(
    '%s: its period is refused with the reason, nothing changes, and the process exits 1 with its JSON',
    async (_, body, reason, code) => {
      const bucket = await newBucket(s3, 'odd-gzip');
      await putObjects(s3, bucket, [good, { key: trail('BBBBBBBBBBBBBBBB'), body }]);
      const before = await snapshot(s3, bucket);
      const run = await runCli([
        '--endpoint',
        endpoint(),
        '--bucket',
        bucket,
        '--from',
        '2024-05-01',
        '--yes',
        '--json',
      ]);
      expect(run.code).toBe(1);
      const period = JSON.parse(run.stdout).periods[0];
      expect(period.status).toBe('failed');
      expect(period.error).toMatchObject({ stage: 'download', code, left: 'unchanged', originalsKept: true });
      expect(period.error.message).toMatch(reason);
      expect(run.stderr).toMatch(/Originals kept; nothing was changed\. Move it out of the way/);
      expect(await snapshot(s3, bucket)).toEqual(before);
    },
  );

  it('a run with such a period still collapses the others', async () => {
    const bucket = await newBucket(s3, 'odd-gzip-others');
    const day2 = {
      key: trail('CCCCCCCCCCCCCCCC')
        .replace(/2024\/05\/01/, '2024/05/02')
        .replace('20240501T', '20240502T'),
      body: gzipSync('{"Records":[3]}\n'),
    };
    await putObjects(s3, bucket, [
      good,
      { key: trail('BBBBBBBBBBBBBBBB'), body: Buffer.concat([gzipSync('x\n'), Buffer.alloc(2)]) },
      day2,
    ]);
    const { result } = await collapseRange(contextFor(s3, bucket, NOW), {
      layout: 'cloudtrail',
      root: '',
      from: '2024-05-01',
      to: '2024-05-02',
    });
    expect(exitCodeOf(result)).toBe(1);
    expect(result.periods.map((period) => period.status)).toEqual(['failed', 'collapsed']);
  });
});
