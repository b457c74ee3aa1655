import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  collapsedBucket,
  flipByte,
  GZIP_OUTPUT,
  PLAIN_OUTPUT,
  readManifest,
  rewrite,
  sha256,
  type CollapsedBucket,
} from '../support/collapsed-outputs.js';
import { runCli } from '../support/run-cli.js';
import { endpoint, getBytes, listKeys, putObjects, snapshot, testClient } from '../support/s3.js';

const s3 = testClient();
afterAll(() => s3.destroy());

const on = (bucket: string, ...args: string[]) => ['--endpoint', endpoint(), '--bucket', bucket, ...args];

/** A refusal: exit 2, one message and its fix, no stack trace. */
function expectRefused(run: { code: number; stderr: string }, message: RegExp): void {
  expect(run.stderr).toMatch(message);
  expect(run.code).toBe(2);
  expect(run.stderr).not.toMatch(/\n\s+at /);
  expect(run.stderr.trim().split('\n').length).toBeLessThanOrEqual(3);
}

describe('verify', () => {
  let fixture: CollapsedBucket;
  beforeAll(async () => {
    fixture = await collapsedBucket(s3, 'cli-verify');
  });

  it('prints one ok line per output and a summary, exit 0', async () => {
    const run = await runCli(['verify', ...on(fixture.bucket)]);
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines[0]).toMatch(
      new RegExp(`^✔ ${GZIP_OUTPUT.replace(/\./g, '\\.')}: ok \\(.*5 members, 5 by MD5\\)$`),
    );
    expect(lines[1]).toMatch(/^✔ logs\/2024-05-01_collapsed: ok \(.*7 members, 7 by MD5\)$/);
    expect(lines[2]).toBe(`verify s3://${fixture.bucket}/: 2 outputs: 2 ok, 0 wrong.`);
  });

  it('--json: one document with every output and the exit code; --prefix and --from/--to narrow it', async () => {
    const run = await runCli([
      'verify',
      ...on(fixture.bucket, '--prefix', 'logs/', '--from', '2024-05-01', '--json'),
    ]);
    expect(run.code).toBe(0);
    const document = JSON.parse(run.stdout);
    expect(document).toMatchObject({
      format: 's3collapse-verify/1',
      bucket: fixture.bucket,
      prefix: 'logs/',
      period: { start: '2024-05-01T00:00:00.000Z', end: '2024-05-02T00:00:00.000Z' },
      outputs: [{ kind: 'checked', status: 'ok', outputKey: PLAIN_OUTPUT, problems: [] }],
      totals: { outputs: 1, ok: 1, wrong: 0, inProgress: 0 },
      exitCode: 0,
    });
    const none = await runCli([
      'verify',
      ...on(fixture.bucket, '--from', '2024-04-01', '--to', '2024-04-30'),
    ]);
    expect(none.code).toBe(0);
    expect(none.stdout).toMatch(/No outputs under s3:\/\/.*\/ with a period in 2024-04-01T00:00:00\.000Z/);
  });

  it('a flipped byte: the line says what is wrong, exit 1 (text and --json)', async () => {
    const fresh = await collapsedBucket(s3, 'cli-verify-bad');
    const manifest = await readManifest(s3, fresh.bucket, PLAIN_OUTPUT);
    const victim = manifest.members[1]!;
    await rewrite(s3, fresh.bucket, PLAIN_OUTPUT, (bytes) => {
      flipByte(bytes, victim.offset, 0x20);
    });
    const run = await runCli(['verify', ...on(fresh.bucket)]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      `✖ ${PLAIN_OUTPUT}: sha256 differs; member ${victim.key}: MD5 differs from its ETag\n`,
    );
    expect(run.stdout).toContain('2 outputs: 1 ok, 1 wrong.');
    const json = await runCli(['verify', ...on(fresh.bucket, '--json')]);
    expect(json.code).toBe(1);
    const document = JSON.parse(json.stdout);
    expect(document.exitCode).toBe(1);
    expect(document.outputs[1].problems.map((problem: { text: string }) => problem.text)).toEqual([
      'sha256 differs',
      `member ${victim.key}: MD5 differs from its ETag`,
    ]);
  });

  it('a missing bucket is a clear error, exit 2', async () => {
    expectRefused(
      await runCli(['verify', ...on('no-such-bucket-here')]),
      /Bucket no-such-bucket-here does not exist/,
    );
  });

  it('bad flags are refused with their fix, exit 2', async () => {
    expectRefused(
      await runCli(['verify', ...on(fixture.bucket, '--prefix', '/logs/')]),
      /--prefix \/logs\/ starts with "\/"/,
    );
    expectRefused(
      await runCli(['verify', ...on(fixture.bucket, '--from', '2024-13-01')]),
      /--from "2024-13-01" is not a date/,
    );
    expectRefused(
      await runCli(['verify', '--endpoint', 'ftp://x', '--bucket', 'b']),
      /--endpoint "ftp:\/\/x" is not an http/,
    );
    expectRefused(
      await runCli(['verify', ...on(fixture.bucket, '--output', 'x')]),
      /Unknown option '--output'/,
    );
    expectRefused(
      await runCli(['verify', ...on(fixture.bucket, '--prefix', 'nothing/')]),
      /No outputs or manifests under/,
    );
  });
});

describe('restore', () => {
  let fixture: CollapsedBucket;
  beforeAll(async () => {
    fixture = await collapsedBucket(s3, 'cli-restore');
  });

  it('writes the originals back, says it changed neither output nor manifest, exit 0', async () => {
    const run = await runCli(['restore', ...on(fixture.bucket, '--output', GZIP_OUTPUT)]);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(
      `restore: 5 of 5 members of s3://${fixture.bucket}/${GZIP_OUTPUT} to their original keys`,
    );
    const lines = run.stdout.trim().split('\n');
    expect(lines.slice(0, 5)).toEqual(
      fixture.gzipKeys.map((key) =>
        expect.stringMatching(
          new RegExp(`^✔ restored: ${key.replace(/\./g, '\\.')} \\(.*size and MD5 checked\\)$`),
        ),
      ),
    );
    expect(lines[5]).toBe(
      'restore: 5 restored, 0 already there, 0 skipped (the key holds other bytes). The output and its manifest were not changed, and nothing was deleted.',
    );
    for (const key of fixture.gzipKeys)
      expect(sha256(await getBytes(s3, fixture.bucket, key))).toBe(fixture.originals.get(key));
    expect(await listKeys(s3, fixture.bucket, GZIP_OUTPUT)).toEqual([GZIP_OUTPUT]);
  });

  it('--json, --member, --to-prefix; a key holding other bytes is skipped and exits 1', async () => {
    const [first, second] = fixture.plainKeys;
    await putObjects(s3, fixture.bucket, [{ key: `copy/${second}`, body: 'already here\n' }]);
    const run = await runCli([
      'restore',
      ...on(
        fixture.bucket,
        '--output',
        PLAIN_OUTPUT,
        '--member',
        first!,
        '--member',
        second!,
        '--to-prefix',
        'copy/',
        '--json',
      ),
    ]);
    expect(run.code).toBe(1);
    const document = JSON.parse(run.stdout);
    expect(document).toMatchObject({
      format: 's3collapse-restore/1',
      output: PLAIN_OUTPUT,
      toPrefix: 'copy/',
      members: [
        { key: first, target: `copy/${first}`, status: 'restored' },
        { key: second, target: `copy/${second}`, status: 'exists-different' },
      ],
      totals: { members: 2, restored: 1, existsDifferent: 1 },
      outputUnchanged: true,
      exitCode: 1,
    });
    expect(sha256(await getBytes(s3, fixture.bucket, `copy/${first}`))).toBe(fixture.originals.get(first!));
    expect((await getBytes(s3, fixture.bucket, `copy/${second}`)).toString()).toBe('already here\n');
  });

  it('--dry-run writes nothing', async () => {
    const before = await snapshot(s3, fixture.bucket);
    const run = await runCli(['restore', ...on(fixture.bucket, '--output', PLAIN_OUTPUT, '--dry-run')]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('7 would be restored');
    expect(await snapshot(s3, fixture.bucket)).toEqual(before);
  });

  it('an unknown output key, a manifest key, a member not in the manifest: clear errors, exit 2', async () => {
    expectRefused(
      await runCli(['restore', ...on(fixture.bucket, '--output', 'logs/2024-06-01_collapsed')]),
      /No output s3:\/\/.*\/logs\/2024-06-01_collapsed and no manifest logs\/_2024-06-01_collapsed\.manifest\.json\.\n\s+Give an output's key exactly/,
    );
    expectRefused(
      await runCli([
        'restore',
        ...on(fixture.bucket, '--output', 'logs/_2024-05-01_collapsed.manifest.json'),
      ]),
      /is a manifest\./,
    );
    expectRefused(
      await runCli(['restore', ...on(fixture.bucket, '--output', PLAIN_OUTPUT, '--member', 'logs/nope')]),
      /--member logs\/nope is not in this output's manifest/,
    );
    expectRefused(await runCli(['restore', ...on(fixture.bucket)]), /restore needs --output KEY/);
    expectRefused(
      await runCli(['restore', ...on('no-such-bucket-here', '--output', PLAIN_OUTPUT)]),
      /does not exist/,
    );
  });
});
