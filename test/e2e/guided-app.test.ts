import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { accessLogObjects } from '../../source/demo/log-generator.js';
import { periodLabel, periodOf } from '../../source/periods.js';
import { ENTER, UP, spawnCli, type CliTerminal } from '../support/pty.js';
import { endpoint, getBytes, listKeys, newBucket, putObjects, testClient } from '../support/s3.js';

const s3 = testClient();
afterAll(() => s3.destroy());

const DAY = 86_400_000;
const today = periodOf(new Date(), 'day').start.getTime();
const yesterday = new Date(today - DAY);

/** A profile that points at the local server's credentials, as a user's ~/.aws would hold. */
function awsFiles(): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 's3collapse-e2e-'));
  writeFileSync(join(dir, 'config'), '[profile local]\nregion = us-east-1\n');
  writeFileSync(
    join(dir, 'credentials'),
    '[local]\naws_access_key_id = S3RVER\naws_secret_access_key = S3RVER\n',
  );
  return { AWS_CONFIG_FILE: join(dir, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials') };
}

describe('the guided app in a real terminal (built CLI, pseudo-terminal)', () => {
  let term: CliTerminal | undefined;
  afterEach(() => term?.kill());

  it('goes from profile to summary with keystrokes, and the bucket is collapsed', async () => {
    const bucket = await newBucket(s3, 'e2e');
    const originals = accessLogObjects({
      prefix: 'logs/',
      days: [yesterday],
      objectsPerDay: 40,
      sourceBucket: 'site',
      seed: 5,
    });
    await putObjects(s3, bucket, [...originals, { key: 'logs/README.txt', body: 'not a log\n' }]);
    const day = periodLabel(periodOf(yesterday, 'day'));

    term = await spawnCli(['--endpoint', endpoint()], {
      cols: 80,
      rows: 24,
      env: { ...awsFiles(), NO_COLOR: '1' },
    });
    await term.waitFor('1/7 profile', 20_000);
    // No `default` profile: the environment's chain is preselected; the user moves up to theirs.
    await term.waitFor('› (environment)');
    term.write(UP);
    await term.waitFor('› local');
    term.write(ENTER);

    await term.waitFor('2/7 bucket', 20_000);
    term.write(bucket.slice(0, 10));
    await term.waitFor(new RegExp(`› ${bucket}`));
    term.write(ENTER);

    await term.waitFor('How these keys are built', 20_000);
    expect(term.screen()).toMatch(/S3 server access logs, simple layout in logs\/ +40 keys/);
    expect(term.screen()).toMatch(/prefix +date +time UTC +unique id/);
    term.write(ENTER);

    await term.waitFor('4/7 range');
    expect(term.screen()).toContain(`To            ${day}   (yesterday`);
    term.write(ENTER);

    await term.waitFor(new RegExp(`${day} +40 .* logs/${day}_collapsed`), 20_000);
    term.write(ENTER);

    await term.waitFor('Type the bucket name to go on');
    term.write(bucket);
    // Keys written together can reach the app as one chunk: let the name be drawn before Enter.
    await term.waitFor(`go on:  ${bucket}`);
    term.write(ENTER);

    await term.waitFor('done in', 30_000);
    expect(term.screen()).toMatch(/objects +40 → 2 \(1 output \+ 1 manifest\)/);
    term.write('q');
    expect(await term.exit()).toBe(0);

    expect((await listKeys(s3, bucket)).sort()).toEqual(
      ['logs/README.txt', `logs/${day}_collapsed`, `logs/_${day}_collapsed.manifest.json`].sort(),
    );
    const expected = Buffer.concat(
      [...originals].sort((a, b) => (a.key < b.key ? -1 : 1)).map((object) => object.body),
    );
    expect((await getBytes(s3, bucket, `logs/${day}_collapsed`)).equals(expected)).toBe(true);
  });
});

describe('the guided demo in a real terminal', () => {
  let term: CliTerminal | undefined;
  afterEach(() => term?.kill());

  it('runs every step against the built-in server, without an AWS account', async () => {
    term = await spawnCli(['--demo'], { cols: 80, rows: 24, env: { ...awsFiles(), NO_COLOR: '1' } });
    await term.waitFor('user/demo', 60_000);
    expect(term.screen()).toContain('1/7 profile');
    term.write(ENTER);

    await term.waitFor('6 of 6 buckets match', 20_000);
    term.write('access');
    await term.waitFor('1 of 6 buckets match');
    term.write(ENTER);

    await term.waitFor('How these keys are built', 20_000);
    expect(term.screen()).toMatch(/prefix +date +time UTC +unique id/);
    term.write(ENTER);
    await term.waitFor('4/7 range');
    term.write(ENTER);
    await term.waitFor(/total +900 /, 20_000);
    term.write(ENTER);
    await term.waitFor('Type the bucket name to go on');
    term.write('demo-access-logs');
    await term.waitFor('go on:  demo-access-logs');
    term.write(ENTER);

    await term.waitFor('done in', 60_000);
    expect(term.screen()).toMatch(/objects +900 → 6 \(3 outputs \+ 3 manifests\)/);
    expect(term.screen()).toContain('900 originals deleted');
    term.write('q');
    expect(await term.exit()).toBe(0);
  });
});
