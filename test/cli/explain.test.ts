import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { accessLogObjects, cloudTrailObjects } from '../../source/demo/log-generator.js';
import { runCli } from '../support/run-cli.js';
import { endpoint, newBucket, putObjects, snapshot, testClient } from '../support/s3.js';

/** `explain` through the built CLI: the text and exit code a user meets. */

const ACCESS = 'logs/2024-05-01-13-05-31-6C0B8E3D1F2A4B7C';

describe('explain KEY (offline)', () => {
  it('draws an access-log key apart and names its layout, periods, outputs and fate; exit 0', async () => {
    const result = await runCli(['explain', ACCESS]);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const lines = result.stdout.split('\n');
    expect(lines[0]).toBe(ACCESS);
    expect(lines[1]).toBe('╰─┬─╯╰───┬────╯ ╰──┬───╯ ╰──────┬───────╯');
    expect(lines[2]).toMatch(/^prefix +date +time UTC +unique id$/);
    expect(result.stdout).toContain('  S3 server access logs, simple layout\n');
    expect(result.stdout).toMatch(
      /^ {2}hour +2024-05-01T13:00Z – 2024-05-01T14:00Z +logs\/2024-05-01-13_collapsed$/m,
    );
    expect(result.stdout).toMatch(
      /^ {2}day +2024-05-01T00:00Z – 2024-05-02T00:00Z +logs\/2024-05-01_collapsed$/m,
    );
    expect(result.stdout).toMatch(
      /^ {2}month +2024-05-01T00:00Z – 2024-06-01T00:00Z +logs\/2024-05_collapsed$/m,
    );
    expect(result.stdout).toMatch(/✔ A run over any of these periods reads it into that output/);
  });

  it('a key no layout claims is an answer: exit 0, never read, never deleted', async () => {
    const result = await runCli(['explain', 'logs/notes.txt']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      'logs/notes.txt\n\n' +
        '  ✖ No layout claims this key. Never read, never deleted.\n' +
        '  If it is a log, describe its keys with --key-pattern (see s3collapse-tui explain --help).\n',
    );
  });

  it('several keys, --json: one document, one explanation each', async () => {
    const digest =
      'AWSLogs/111122223333/CloudTrail-Digest/eu-west-1/2024/05/01/111122223333_CloudTrail-Digest_eu-west-1_trail_eu-west-1_20240501T235959Z.json.gz';
    const result = await runCli(['explain', '--json', ACCESS, digest]);
    expect(result.code).toBe(0);
    const document = JSON.parse(result.stdout);
    expect(document.format).toBe('s3collapse-explain/1');
    expect(
      document.explanations.map((one: { kind: string; verdict: string }) => [one.kind, one.verdict]),
    ).toEqual([
      ['log', 'input'],
      ['cloudtrail-digest', 'never'],
    ]);
  });

  it('--key-pattern forces that layout', async () => {
    const result = await runCli([
      'explain',
      '--key-pattern',
      'app-logs/{yyyy}/{MM}/{dd}/*-{HH}{mm}.log',
      'app-logs/2024/05/01/web-1-1305.log',
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('  logs matching app-logs/{yyyy}/{MM}/{dd}/*-{HH}{mm}.log\n');
    expect(result.stdout).toMatch(
      /^ {2}day +2024-05-01T00:00Z – 2024-05-02T00:00Z +app-logs\/2024\/05\/01\/2024-05-01_collapsed\.log$/m,
    );
  });

  it('--help explains the subcommand and the key pattern outputs', async () => {
    const result = await runCli(['explain', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Usage: s3collapse-tui explain KEY…/m);
    expect(result.stdout).toContain('--key-pattern PATTERN');
    expect(result.stdout).toContain('<folder>/<yyyy-MM-dd>_collapsed<ext>');
  });

  const refused = [
    [[], 'explain needs a key, or --bucket to sample one.'],
    [['--layout', 'nginx', ACCESS], '--layout "nginx" is not a layout this tool knows.'],
    [
      ['--key-pattern', 'x/{yyyy}/{MM}', ACCESS],
      "--key-pattern x/{yyyy}/{MM} has no {dd}: a key's date comes from them.",
    ],
    [
      ['--layout', 'cloudtrail', '--key-pattern', 'x/{yyyy}{MM}{dd}', ACCESS],
      '--layout and --key-pattern both name the layout.',
    ],
    [['--frobnicate', ACCESS], "Unknown option '--frobnicate'"],
    [['--prefix', 'logs/', ACCESS], '--prefix is only for explain --bucket.'],
    [['--bucket', 'b', ACCESS], 'explain takes keys or --bucket, not both.'],
  ] as const;

  it.each(refused)('%j is a UserError, exit 2', async (args, message) => {
    const result = await runCli(['explain', ...args]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.split('\n')[0]).toContain(`✖ ${message}`);
    expect(result.stderr.split('\n')[1]).toMatch(/^ {2}\S/);
  });
});

describe('explain --bucket', () => {
  const s3 = testClient();
  afterAll(() => s3.destroy());

  it('samples the bucket and explains one key of each layout found, changing nothing', async () => {
    const bucket = await newBucket(s3, 'explain');
    const day = [new Date('2024-05-01T00:00:00Z')];
    await putObjects(s3, bucket, [
      ...accessLogObjects({ prefix: 'logs/', days: day, objectsPerDay: 3, sourceBucket: 'site', seed: 5 }),
      ...cloudTrailObjects({
        prefix: '',
        accounts: [{ account: '111122223333' }],
        regions: ['eu-west-1'],
        days: day,
        filesPerDay: 3,
        seed: 6,
      }),
      { key: 'README.txt', body: 'not a log' },
      { key: 'logs/_2024-04-30_collapsed.manifest.json', body: gzipSync('{}') },
    ]);
    const before = await snapshot(s3, bucket);

    const result = await runCli(['explain', '--endpoint', endpoint(), '--bucket', bucket, '--json']);
    expect(result.code).toBe(0);
    const document = JSON.parse(result.stdout);
    expect(document.sample).toMatchObject({ bucket, prefix: '' });
    const logs = document.explanations.filter((one: { kind: string }) => one.kind === 'log');
    expect(logs.map((one: { layout: { id: string } }) => one.layout.id).sort()).toEqual([
      'cloudtrail',
      's3-access-simple',
    ]);
    expect(document.explanations.some((one: { verdict: string }) => one.verdict === 'never')).toBe(true);

    const text = await runCli(['explain', '--endpoint', endpoint(), '--bucket', bucket, '--prefix', 'logs/']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(new RegExp(`^s3://${bucket}/logs/: \\d+ keys sampled, 1 layout found`));
    expect(text.stdout).toContain('  S3 server access logs, simple layout\n');
    expect(text.stdout).not.toContain('CloudTrail logs');
    expect(await snapshot(s3, bucket)).toEqual(before);
  });

  it('a bucket that does not exist: exit 2 naming it', async () => {
    const result = await runCli(['explain', '--endpoint', endpoint(), '--bucket', 'no-such-bucket-explain']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('no-such-bucket-explain');
  });
});
