import { render } from 'ink-testing-library';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { App } from '../../source/app/app.js';
import { accessLogObjects } from '../../source/demo/log-generator.js';
import { periodLabel, periodOf } from '../../source/periods.js';
import {
  dayStart,
  eventually,
  faceContext,
  joinedCommands,
  KEY,
  listKeys,
  localClient,
  press,
  seededBucket,
  waitForText,
} from './helpers.js';

const s3 = localClient();
afterAll(() => s3.destroy());
const now = new Date();
const yesterday = dayStart(now, 1);
const label = periodLabel(periodOf(yesterday, 'day'));

const mounted: Array<{ unmount: () => void }> = [];
afterEach(() => {
  for (const one of mounted.splice(0)) one.unmount();
});

function start(argv: readonly string[], demo = true) {
  const result: { code?: number } = {};
  const app = render(<App context={faceContext(argv, { demo })} onExit={(code) => (result.code = code)} />);
  mounted.push(app);
  return { app, result };
}

describe('the app reads every answer it can from flags', () => {
  it('--dry-run: bucket, layout and prefix given, ends at the preview with the command, deletes nothing', async () => {
    const objects = accessLogObjects({
      prefix: 'logs/',
      days: [yesterday],
      objectsPerDay: 12,
      sourceBucket: 's',
      seed: 31,
    });
    const bucket = await seededBucket(s3, objects);
    const { app, result } = start([
      '--bucket',
      bucket,
      '--layout',
      's3-access-simple',
      '--prefix',
      'logs/',
      '--dry-run',
    ]);
    await waitForText(app, 'user/demo');
    // Profile → range: the bucket and layout steps are answered by the flags.
    let text = await press(app, KEY.enter, 'Collapse by');
    expect(text).toContain(`4/7 range · ${bucket} · S3 access logs · logs/`);
    text = await press(app, KEY.enter, 'dry run: nothing was changed');
    expect(text).toMatch(new RegExp(`^ ${label} +12 `, 'm'));
    expect(joinedCommands(text)).toContain(
      `npx s3collapse-tui --demo --bucket ${bucket} --prefix logs/ --layout s3-access-simple --from ${label} --to ${label} --by day --dry-run`,
    );
    app.stdin.write(KEY.enter);
    await eventually(() => expect(result.code).toBe(0));
    expect((await listKeys(s3, bucket)).sort()).toEqual(objects.map((object) => object.key).sort());
  });

  it('--yes skips the confirmation; Esc walks back through the screens seen', async () => {
    const objects = accessLogObjects({
      prefix: 'logs/',
      days: [yesterday],
      objectsPerDay: 6,
      sourceBucket: 's',
      seed: 32,
    });
    const bucket = await seededBucket(s3, objects);
    const { app, result } = start(['--bucket', bucket, '--yes', '--from', label, '--by', 'day']);
    await waitForText(app, 'user/demo');
    await press(app, KEY.enter, 'How these keys are built');
    await press(app, KEY.enter, '4/7 range');
    await press(app, KEY.escape, '3/7 layout');
    await press(app, KEY.escape, '1/7 profile');
    await waitForText(app, 'user/demo');
    await press(app, KEY.enter, 'How these keys are built');
    await press(app, KEY.enter, '4/7 range');
    await press(app, KEY.enter, '5/7 preview');
    await waitForText(app, '6 objects → 1 output');
    // No confirm screen with --yes: straight to the run, then the summary.
    const text = await press(app, KEY.enter, /done in/);
    expect(text).toContain('6 → 2 (1 output + 1 manifest)');
    await press(app, 'q', /done in/);
    await eventually(() => expect(result.code).toBe(0));
    expect((await listKeys(s3, bucket)).sort()).toEqual([
      `logs/${label}_collapsed`,
      `logs/_${label}_collapsed.manifest.json`,
    ]);
  });

  it('q before running exits 2, ctrl-c exits 130, and ? shows help', async () => {
    const quit = start([]);
    await waitForText(quit.app, 'user/demo');
    await press(quit.app, '?', 'help');
    await press(quit.app, KEY.escape, '1/7 profile');
    quit.app.stdin.write('q');
    await eventually(() => expect(quit.result.code).toBe(2));

    const interrupted = start([]);
    await waitForText(interrupted.app, 'user/demo');
    interrupted.app.stdin.write(KEY.ctrlC);
    await eventually(() => expect(interrupted.result.code).toBe(130));
  });

  it('? explains the keys of the screen it was opened on, the ones its footer names and the rest', async () => {
    const { app } = start([]);
    await waitForText(app, 'user/demo');
    let text = await press(app, '?', 's3collapse · help');
    expect(text).toMatch(/• ↑↓ +highlight a profile: STS says who it is/);
    expect(text).toMatch(/• q +quit/);
    await press(app, KEY.escape, '1/7 profile');
    await waitForText(app, 'user/demo');
    await press(app, KEY.enter, 'buckets match');
    text = await press(app, '?', 's3collapse · help');
    expect(text).toMatch(/• tab +type a bucket name the credentials cannot list/);
    expect(text).toMatch(/• ⌫ +erase/);
  });

  it('a bucket that does not exist is one line with its fix, and Esc goes back to choose another', async () => {
    const { app } = start(['--bucket', 'no-such-bucket-here-123']);
    await waitForText(app, 'user/demo');
    const text = await press(app, KEY.enter, '✖');
    expect(text).not.toMatch(/at .*\.ts:\d+/);
    await press(app, KEY.escape, '1/7 profile');
  });
});
