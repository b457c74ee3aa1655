import { CopyObjectCommand, DeleteObjectCommand } from '@aws-sdk/client-s3';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manifestKeyFor, type ManifestMember } from '../../source/engine/manifest.js';
import { checkMemberLayout, md5OfEtag, RangeTaps } from '../../source/engine/member-ranges.js';
import { verifyBucket } from '../../source/engine/verify-bucket.js';
import { verifyOutput, type OutputCheck } from '../../source/engine/verify-output.js';
import {
  collapsedBucket,
  flipByte,
  GZIP_OUTPUT,
  PLAIN_OUTPUT,
  readManifest,
  rewrite,
  writeManifest,
  type CollapsedBucket,
} from '../support/collapsed-outputs.js';
import { putObjects, testClient } from '../support/s3.js';

const s3 = testClient();
afterAll(() => s3.destroy());

const member = (key: string, offset: number, size: number, separator = 0): ManifestMember => ({
  key,
  offset,
  size,
  separator,
  etag: '"x"',
  lastModified: '2024-05-01T00:00:00.000Z',
});

describe('checkMemberLayout', () => {
  it.each([
    ['contiguous, with separators', [member('a', 0, 10, 1), member('b', 11, 5)], 16, []],
    ['no members, empty output', [], 0, []],
    [
      'one offset off by four: one problem',
      [member('a', 0, 10), member('b', 14, 5), member('c', 15, 5)],
      20,
      [{ kind: 'offset', member: 'b', expected: 10, actual: 14 }],
    ],
    [
      'first member not at 0',
      [member('a', 3, 10)],
      10,
      [
        { kind: 'offset', member: 'a', expected: 0, actual: 3 },
        // The running sum still says 10: the output's size agrees with the sizes.
      ],
    ],
    [
      'members end before the output does',
      [member('a', 0, 10)],
      12,
      [{ kind: 'members-end', expected: 12, actual: 10 }],
    ],
  ])('%s', (_name, members, size, problems) => {
    expect(checkMemberLayout(members, size)).toEqual(problems);
  });
});

describe('md5OfEtag', () => {
  it.each([
    ['"d41d8cd98f00b204e9800998ecf8427e"', 'd41d8cd98f00b204e9800998ecf8427e'],
    ['D41D8CD98F00B204E9800998ECF8427E', 'd41d8cd98f00b204e9800998ecf8427e'],
    ['"ceb8853ddc5086cc4ab9e149f8f09c88-5"', undefined],
    ['"abc"', undefined],
    ['', undefined],
  ])('%s → %s', (etag, md5) => expect(md5OfEtag(etag)).toBe(md5));
});

describe('RangeTaps', () => {
  it('hands each range exactly its bytes, whatever the chunking, overlaps included', () => {
    const data = Buffer.from('0123456789abcdefghij');
    const ranges = [
      [0, 4],
      [3, 9],
      [9, 10],
      [12, 20],
      [15, 15],
      [18, 30],
    ] as const;
    for (const chunkSize of [1, 3, 7, 20]) {
      const got = ranges.map(() => [] as Buffer[]);
      const taps = new RangeTaps(
        ranges.map(([start, end], index) => ({
          start,
          end,
          take: (bytes: Buffer) => got[index]!.push(Buffer.from(bytes)),
        })),
      );
      for (let at = 0; at < data.length; at += chunkSize) taps.feed(data.subarray(at, at + chunkSize));
      expect(got.map((chunks) => Buffer.concat(chunks).toString())).toEqual(
        ranges.map(([start, end]) => data.subarray(start, Math.min(end, data.length)).toString()),
      );
    }
  });
});

/** The problem kinds a check found, for compact assertions. */
const kinds = (check: OutputCheck) =>
  check.status === 'in-progress' ? ['in-progress'] : check.problems.map((p) => p.kind);

async function check(fixture: CollapsedBucket, outputKey: string): Promise<OutputCheck> {
  const manifest = await readManifest(s3, fixture.bucket, outputKey);
  return verifyOutput(s3, fixture.bucket, manifestKeyFor(outputKey), manifest);
}

describe('verifyOutput on outputs the collapse wrote', () => {
  let fixture: CollapsedBucket;
  beforeAll(async () => {
    fixture = await collapsedBucket(s3, 'verify-fresh');
  });

  it.each([
    ['plain', PLAIN_OUTPUT],
    ['gzip', GZIP_OUTPUT],
  ])(
    'passes a fresh %s output, each member checked by MD5 and each separator by its bytes',
    async (_kind, key) => {
      const manifest = await readManifest(s3, fixture.bucket, key);
      // The fixture is built so both kinds of separator are really there to check.
      expect(manifest.members.some((entry) => entry.separator > 0)).toBe(true);
      const result = await check(fixture, key);
      expect(result).toMatchObject({
        status: 'ok',
        problems: [],
        outputKey: key,
        members: manifest.members.length,
      });
      expect(result.status !== 'in-progress' && result.md5Checked).toBe(manifest.members.length);
    },
  );
});

describe('verifyOutput catches what is wrong', () => {
  let fixture: CollapsedBucket;
  beforeAll(async () => {
    fixture = await collapsedBucket(s3, 'verify-wrong');
  });

  it('a flipped byte: sha256 differs and the member holding it fails its MD5, nothing else', async () => {
    const manifest = await readManifest(s3, fixture.bucket, PLAIN_OUTPUT);
    const victim = manifest.members[2]!;
    await rewrite(s3, fixture.bucket, PLAIN_OUTPUT, (bytes) => {
      flipByte(bytes, victim.offset + 5);
    });
    const result = await check(fixture, PLAIN_OUTPUT);
    expect(result.status).toBe('wrong');
    expect(kinds(result).sort()).toEqual(['member-md5', 'sha256']);
    expect(
      result.status !== 'in-progress' && result.problems.find((p) => p.kind === 'member-md5'),
    ).toMatchObject({
      member: victim.key,
    });
  });

  it('a wrong offset in the manifest: that member, with the offset it should have', async () => {
    const manifest = await readManifest(s3, fixture.bucket, GZIP_OUTPUT);
    const victim = manifest.members[1]!;
    await writeManifest(s3, fixture.bucket, {
      ...manifest,
      members: manifest.members.map((entry) =>
        entry === victim ? { ...entry, offset: entry.offset + 4 } : entry,
      ),
    });
    const result = await check(fixture, GZIP_OUTPUT);
    expect(result.status !== 'in-progress' && result.problems).toContainEqual({
      kind: 'offset',
      member: victim.key,
      expected: victim.offset,
      actual: victim.offset + 4,
    });
    // Its range is read at the wrong place, so its MD5 fails too; the output itself is intact.
    expect(kinds(result)).not.toContain('sha256');
    await writeManifest(s3, fixture.bucket, manifest);
  });

  it('a wrong separator: a gzip member inflating to something other than \\n', async () => {
    const manifest = await readManifest(s3, fixture.bucket, GZIP_OUTPUT);
    const victim = manifest.members.find((entry) => entry.separator > 0)!;
    const wrong = gzipSync(Buffer.from('x'));
    expect(wrong.length).toBe(victim.separator);
    await rewrite(s3, fixture.bucket, GZIP_OUTPUT, (bytes) => {
      wrong.copy(bytes, victim.offset + victim.size);
    });
    const result = await check(fixture, GZIP_OUTPUT);
    expect(result.status !== 'in-progress' && result.problems).toContainEqual({
      kind: 'separator',
      member: victim.key,
      expected: 'gzip-newline',
    });
    expect(kinds(result).sort()).toEqual(['separator', 'sha256']);
  });

  it('a wrong separator in a plain output: not \\n', async () => {
    const fresh = await collapsedBucket(s3, 'verify-sep');
    const manifest = await readManifest(s3, fresh.bucket, PLAIN_OUTPUT);
    const victim = manifest.members.find((entry) => entry.separator > 0)!;
    expect(victim.separator).toBe(1);
    await rewrite(s3, fresh.bucket, PLAIN_OUTPUT, (bytes) => {
      bytes[victim.offset + victim.size] = 0x20;
    });
    const result = await check(fresh, PLAIN_OUTPUT);
    expect(result.status !== 'in-progress' && result.problems).toContainEqual({
      kind: 'separator',
      member: victim.key,
      expected: 'newline',
    });
  });

  it('a missing output', async () => {
    const fresh = await collapsedBucket(s3, 'verify-gone');
    await s3.send(new DeleteObjectCommand({ Bucket: fresh.bucket, Key: PLAIN_OUTPUT }));
    expect(kinds(await check(fresh, PLAIN_OUTPUT))).toEqual(['output-missing']);
  });

  it('a pending manifest is in progress, not corrupt', async () => {
    const fresh = await collapsedBucket(s3, 'verify-pending');
    const manifest = await readManifest(s3, fresh.bucket, PLAIN_OUTPUT);
    await writeManifest(s3, fresh.bucket, {
      ...manifest,
      state: 'pending',
      pendingSince: '2024-05-03T09:00:00.000Z',
    });
    // Mid-run the output may already be the longer new one: verify must not call that corrupt.
    await rewrite(s3, fresh.bucket, PLAIN_OUTPUT, (bytes) =>
      Buffer.concat([bytes, Buffer.from('late record\n')]),
    );
    expect(await check(fresh, PLAIN_OUTPUT)).toEqual({
      status: 'in-progress',
      outputKey: PLAIN_OUTPUT,
      manifestKey: manifestKeyFor(PLAIN_OUTPUT),
      since: '2024-05-03T09:00:00.000Z',
    });
  });
});

describe('verifyBucket', () => {
  let fixture: CollapsedBucket;
  beforeAll(async () => {
    fixture = await collapsedBucket(s3, 'verify-bucket');
    // An output with no manifest, a manifest that is not one, and a manifest whose output is gone.
    await s3.send(
      new CopyObjectCommand({
        Bucket: fixture.bucket,
        Key: 'logs/2024-04-30_collapsed',
        CopySource: `${fixture.bucket}/${PLAIN_OUTPUT}`,
      }),
    );
    await putObjects(s3, fixture.bucket, [
      { key: 'logs/_2024-04-29_collapsed.manifest.json', body: 'not json' },
    ]);
    const manifest = await readManifest(s3, fixture.bucket, PLAIN_OUTPUT);
    await writeManifest(s3, fixture.bucket, {
      ...manifest,
      period: { ...manifest.period, start: '2024-04-28T00:00:00.000Z', end: '2024-04-29T00:00:00.000Z' },
      output: { ...manifest.output!, key: 'logs/2024-04-28_collapsed' },
    });
  });

  it('reports every output, in key order: ok, no manifest, unreadable manifest, missing output', async () => {
    const { findings, listed } = await verifyBucket(s3, fixture.bucket, { prefix: '', concurrency: 8 });
    expect(listed).toBe(5);
    const summary = findings.map((finding) =>
      finding.kind === 'checked'
        ? [finding.check.outputKey, finding.check.status, ...kinds(finding.check)]
        : [finding.kind, finding.kind === 'manifest-unreadable' ? finding.manifestKey : finding.outputKey],
    );
    expect(summary).toEqual([
      [GZIP_OUTPUT, 'ok'],
      ['logs/2024-04-28_collapsed', 'wrong', 'output-missing'],
      ['manifest-unreadable', 'logs/_2024-04-29_collapsed.manifest.json'],
      [PLAIN_OUTPUT, 'ok'],
      ['output-without-manifest', 'logs/2024-04-30_collapsed'],
    ]);
  });

  it('keeps only the period asked for (and still reports what has no period)', async () => {
    const { findings } = await verifyBucket(s3, fixture.bucket, {
      prefix: 'logs/',
      concurrency: 2,
      period: { start: new Date('2024-05-01T00:00:00Z'), end: new Date('2024-05-02T00:00:00Z') },
    });
    expect(
      findings.map((finding) => (finding.kind === 'checked' ? finding.check.outputKey : finding.kind)),
    ).toEqual(['manifest-unreadable', PLAIN_OUTPUT, 'output-without-manifest']);
  });
});
