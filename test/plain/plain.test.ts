import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { randomUUID } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { stripVTControlCharacters } from 'node:util';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { createS3Client } from '../../source/aws/s3-client.js';
import { seedBuckets } from '../../source/demo/demo.js';
import { accessLogObjects } from '../../source/demo/log-generator.js';
import { LOCAL_S3_CREDENTIALS } from '../../source/demo/s3-server.js';
import { manifestKeyFor } from '../../source/engine/manifest.js';
import type { FaceContext } from '../../source/job/face.js';
import { parseCliArgs } from '../../source/options.js';
import { periodLabel, periodOf } from '../../source/periods.js';
import { runPlain } from '../../source/plain/run-plain.js';
import { CTRL_C, ENTER, spawnCli, type CliTerminal } from '../support/pty.js';

const DAY = 86_400_000;

describe('plain mode in a terminal (the built CLI)', () => {
  let term: CliTerminal | undefined;
  afterEach(() => term?.kill());

  it('asks every question, previews, takes the typed bucket name, collapses and prints the summary', async () => {
    term = await spawnCli(['--demo', '--plain']);
    // Seeding the demo's local server takes a few seconds before the first question.
    await term.waitFor('demo-cloudtrail', 45_000);
    expect(term.screen()).toContain('arn:aws:iam::000000000000:user/demo');
    expect(term.screen()).toContain('? Bucket');

    term.write('access');
    await term.waitFor(/\? Bucket access\n❯ demo-access-logs\n.*a bucket you cannot list/);
    expect(term.screen()).not.toContain('demo-cloudtrail');
    term.write(ENTER);

    await term.waitFor('? Collapse the S3 server access logs, simple layout under logs/?');
    // One sample key drawn apart into its labelled fields.
    expect(term.screen()).toMatch(
      /logs\/\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}-[0-9A-F]{16}\n.*╰─┬─╯.*\n.*prefix +date +time UTC +unique id/,
    );
    term.write(ENTER);

    await term.waitFor('? Collapse by');
    term.write(ENTER);
    await term.waitFor('? From (UTC, inclusive)');
    term.write(ENTER);
    await term.waitFor('? To (UTC, inclusive)');
    term.write(ENTER);

    await term.waitFor('? Type the bucket name to go on');
    const today = periodOf(new Date(), 'day').start.getTime();
    const days = [3, 2, 1].map((back) => periodLabel(periodOf(new Date(today - back * DAY), 'day')));
    const preview = term.screen();
    for (const day of days) expect(preview).toMatch(new RegExp(`${day} +300 .* logs/${day}_collapsed`));
    expect(preview).toContain('total: 900 keys');
    expect(preview).toContain('900 original objects');

    term.write('demo-access-logs');
    term.write(ENTER);
    await term.waitFor('repeat this run without questions', 30_000);
    const summary = term.screen();
    expect(summary).toContain('done in');
    expect(summary).toContain('3 collapsed, 0 already collapsed, 0 failed');
    expect(summary).toContain('deleted 900 originals');
    for (const day of days) {
      expect(summary).toContain(`${day}  300 keys → logs/${day}_collapsed  ✔ verified · 300 deleted`);
      expect(summary).toMatch(new RegExp(`  logs/${day}_collapsed  .* sha256 [0-9a-f]{12}`));
    }
    expect(summary.replace(/\n/g, '')).toContain(
      `--demo --bucket demo-access-logs --prefix logs/ --layout s3-access-simple --from ${days[0]} --to ${days[2]} --by day --yes`,
    );
    expect(await term.exit()).toBe(0);
  });

  it('asks for the bucket against an S3-compatible endpoint, and stops there on Ctrl-C with exit code 130', async () => {
    const bucket = `plain-pty-${randomUUID().slice(0, 8)}`;
    await seedBuckets(createS3Client({ endpoint: inject('s3Endpoint'), credentials: LOCAL_S3_CREDENTIALS }), [
      { name: bucket, what: 'test', objects: [] },
    ]);
    term = await spawnCli(['--plain', '--endpoint', inject('s3Endpoint')], {
      env: {
        AWS_ACCESS_KEY_ID: LOCAL_S3_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: LOCAL_S3_CREDENTIALS.secretAccessKey,
        // No profiles: the environment's keys are the only choice, so no profile question.
        AWS_CONFIG_FILE: '/nonexistent/config',
        AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials',
      },
    });
    // Other test files share this server: the list may be long, so wait for the question itself.
    await term.waitFor('? Bucket');
    expect(term.screen()).toContain('unknown: S3-compatible endpoints have no STS');
    term.write(bucket.slice(0, -2));
    await term.waitFor(new RegExp(`\\? Bucket ${bucket.slice(0, -2)}\\n❯ ${bucket}\\n`));
    term.write(CTRL_C);
    await term.waitFor('Stopped at a question: nothing was changed.');
    expect(await term.exit()).toBe(130);
  });
});

/** runPlain in this process, its terminal replaced by streams the test writes keys into and reads. */
function plainSession(args: readonly string[], endpoint: string) {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  // Each prompt pipes its output into stdout and ends the pipe when done; process.stdout ignores that
  // end, a PassThrough would close. Keep it open like a terminal.
  stdout.end = (() => stdout) as typeof stdout.end;
  let output = '';
  let seen = 0;
  stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const plainText = () => stripVTControlCharacters(output);
  const context: FaceContext = {
    options: parseCliArgs([...args, '--plain']),
    connection: { endpoint, credentials: LOCAL_S3_CREDENTIALS },
    controller: new AbortController(),
    now: () => new Date(),
    version: 'test',
    stdin: stdin as unknown as NodeJS.ReadStream,
    stdout: stdout as unknown as NodeJS.WriteStream,
    stderr: stderr as unknown as NodeJS.WriteStream,
  };
  const exitCode = runPlain(context);
  let finished = false;
  void exitCode.finally(() => (finished = true));
  return {
    exitCode,
    text: plainText,
    /** Waits for `prompt` to appear after the last answered one, then types `keys`. */
    async answer(prompt: string, keys: string, timeoutMs = 15_000): Promise<void> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const at = plainText().indexOf(prompt, seen);
        if (at >= 0) {
          seen = at + prompt.length;
          stdin.write(keys);
          return;
        }
        if (finished || Date.now() > deadline)
          throw new Error(`No ${JSON.stringify(prompt)} in:\n${plainText()}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
  };
}

async function keysOf(s3: S3Client, bucket: string): Promise<string[]> {
  const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
  return (page.Contents ?? []).flatMap((object) => (object.Key ? [object.Key] : [])).sort();
}

describe('plain mode against the local S3 server (in process, --bucket and --yes given)', () => {
  const endpoint = inject('s3Endpoint');
  const s3 = createS3Client({ endpoint, credentials: LOCAL_S3_CREDENTIALS });
  const today = periodOf(new Date(), 'day').start.getTime();
  const days = [3, 2].map((back) => new Date(today - back * DAY));
  const labels = days.map((day) => periodLabel(periodOf(day, 'day')));

  async function seededBucket(): Promise<string> {
    const bucket = `plain-${randomUUID().slice(0, 8)}`;
    const logs = accessLogObjects({
      prefix: 'logs/',
      days,
      objectsPerDay: 40,
      sourceBucket: 'site',
      seed: 7,
    });
    await seedBuckets(s3, [
      {
        name: bucket,
        what: 'test',
        objects: [...logs, { key: 'logs/README.txt', body: Buffer.from('keep me\n') }],
      },
    ]);
    return bucket;
  }

  it('asks only the open questions, collapses each day and deletes the originals', async () => {
    const bucket = await seededBucket();
    const session = plainSession(['--bucket', bucket, '--yes'], endpoint);
    await session.answer('Collapse the S3 server access logs, simple layout under logs/?', ENTER);
    await session.answer('Collapse by', ENTER);
    await session.answer('From (UTC, inclusive)', `${labels[0]}${ENTER}`);
    await session.answer('To (UTC, inclusive)', `${labels[1]}${ENTER}`);
    expect(await session.exitCode).toBe(0);

    const text = session.text();
    expect(text).not.toContain('Which AWS credentials?');
    expect(text).not.toContain('? Bucket');
    expect(text).not.toContain('Type the bucket name');
    expect(text).toContain('2 collapsed, 0 already collapsed, 0 failed');
    expect(text).toContain(
      `--bucket ${bucket} --prefix logs/ --layout s3-access-simple --from ${labels[0]} --to ${labels[1]} --by day --yes`,
    );

    const outputs = labels.map((label) => `logs/${label}_collapsed`);
    expect(await keysOf(s3, bucket)).toEqual(
      [...outputs, ...outputs.map(manifestKeyFor), 'logs/README.txt'].sort(),
    );
  });

  it('changes nothing when the typed confirmation is left empty', async () => {
    const bucket = await seededBucket();
    const before = await keysOf(s3, bucket);
    const session = plainSession(
      ['--bucket', bucket, '--from', labels[0]!, '--to', labels[1]!, '--by', 'day'],
      endpoint,
    );
    await session.answer('Collapse the S3 server access logs', ENTER);
    await session.answer('Type the bucket name to go on', 'wrong-name\r');
    await session.answer(`Type ${bucket} exactly`, '\u0015\r');
    expect(await session.exitCode).toBe(2);
    expect(session.text()).toContain('Not confirmed: nothing was changed.');
    expect(await keysOf(s3, bucket)).toEqual(before);
  });

  it('explains a date it cannot read and asks again', async () => {
    const bucket = await seededBucket();
    const session = plainSession(['--bucket', bucket, '--by', 'day', '--dry-run'], endpoint);
    await session.answer('Collapse the S3 server access logs', ENTER);
    await session.answer('From (UTC, inclusive)', `2024-02-30${ENTER}`);
    await session.answer('is not a date', `\u0015${labels[0]}${ENTER}`);
    await session.answer('To (UTC, inclusive)', `${labels[1]}${ENTER}`);
    expect(await session.exitCode).toBe(0);
    expect(session.text()).toContain('dry run: nothing was changed.');
    expect(session.text()).toContain(
      `--bucket ${bucket} --prefix logs/ --layout s3-access-simple --from ${labels[0]} --to ${labels[1]} --by day --dry-run`,
    );
  });
});
