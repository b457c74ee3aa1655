import { GetObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { render } from 'ink-testing-library';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { App } from '../../source/app/app.js';
import { accessLogObjects } from '../../source/demo/log-generator.js';
import { formatBytes } from '../../source/format.js';
import { periodLabel, periodOf } from '../../source/periods.js';
import {
  dayStart,
  joinedCommands,
  faceContext,
  KEY,
  listKeys,
  localClient,
  press,
  screen,
  seededBucket,
  typeText,
  waitForText,
  eventually,
} from './helpers.js';

const s3 = localClient();
afterAll(() => s3.destroy());

const now = new Date();
const days = [dayStart(now, 2), dayStart(now, 1)];
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const label = (day: Date) => periodLabel(periodOf(day, 'day'));

function accessLogs() {
  const logs = accessLogObjects({ prefix: 'logs/', days, objectsPerDay: 30, sourceBucket: 'site', seed: 11 });
  // Today's keys are still arriving and a README is not a log: neither may be touched.
  const today = accessLogObjects({
    prefix: 'logs/',
    days: [dayStart(now, 0)],
    objectsPerDay: 3,
    sourceBucket: 'site',
    seed: 12,
  });
  return { logs, extra: [...today, { key: 'logs/README.txt', body: Buffer.from('not a log\n') }] };
}

const mounted: Array<{ unmount: () => void }> = [];
afterEach(() => {
  for (const one of mounted.splice(0)) one.unmount();
});

describe('the guided app, end to end against a seeded bucket', () => {
  it('goes profile → summary in demo mode: outputs are written, originals are gone', async () => {
    const { logs, extra } = accessLogs();
    const bucket = await seededBucket(s3, [...logs, ...extra]);
    const context = faceContext([], { demo: true });
    let exitCode: number | undefined;
    const app = render(<App context={context} onExit={(code) => (exitCode = code)} />);
    mounted.push(app);

    // 1 profile: the demo identity is the only row.
    let text = await waitForText(app, 'user/demo');
    expect(text).toContain('1/7 profile');
    await press(app, KEY.enter, '2/7 bucket');

    // 2 bucket: filter the shared server's buckets down to ours by typing.
    await waitForText(app, 'buckets match');
    await typeText(app, bucket, (typed) => `Bucket  ${typed}▏`);
    text = await waitForText(app, '1 of');
    expect(text).toContain(bucket);
    await press(app, KEY.enter, '3/7 layout');

    // 3 layout: detected, and a sample key drawn apart.
    text = await waitForText(app, 'How these keys are built');
    expect(text).toContain('S3 server access logs, simple layout');
    expect(text).toMatch(/prefix\s+date\s+time UTC\s+unique id/);
    await press(app, KEY.enter, '4/7 range');

    // 4 range: yesterday by default; one day earlier for the From date.
    await waitForText(app, `To            ${label(days[1]!)}`);
    await press(app, KEY.tab, `› From`);
    text = await press(app, KEY.left, `From          ${label(days[0]!)}`);
    expect(text).toContain('2 days');
    await press(app, KEY.enter, '5/7 preview');

    // 5 preview: every number read from the bucket.
    text = await waitForText(app, 'total');
    const bytes = logs.reduce((total, object) => total + object.body.length, 0);
    for (const day of days) {
      const ofDay = logs.filter((object) => object.key.startsWith(`logs/${label(day)}-`));
      const size = formatBytes(ofDay.reduce((total, object) => total + object.body.length, 0));
      expect(text).toMatch(
        new RegExp(`^ ${label(day)} +${ofDay.length} +${escape(size)} +logs/${label(day)}_collapsed$`, 'm'),
      );
    }
    expect(text).toMatch(
      new RegExp(
        `^ total +${logs.length} +${escape(formatBytes(bytes))} +${logs.length} objects → 2 outputs \\+ 2 manifests$`,
        'm',
      ),
    );
    expect(text).toMatch(new RegExp(`requests +≈ ${logs.length} GET, 6 PUT, 2 DeleteObjects`));
    await press(app, KEY.enter, '6/7 confirm');

    // 6 confirm: a wrong name is refused, the right one runs.
    await typeText(app, 'nope', (typed) => `go on:  ${typed}▏`);
    await press(app, KEY.enter, 'That is not');
    for (let index = 4; index > 0; index -= 1)
      await press(app, KEY.backspace, `go on:  ${'nope'.slice(0, index - 1)}▏`);
    await typeText(app, bucket, (typed) => `go on:  ${typed}▏`);
    app.stdin.write(KEY.enter);

    // 7 run → 8 summary.
    text = await waitForText(app, /done in/, 30_000);
    expect(text).toContain(`${logs.length} → 4 (2 outputs + 2 manifests)`);
    expect(text).toContain('into 2 verified outputs · 4 originals deleted'.replace('4', String(logs.length)));
    expect(joinedCommands(text)).toContain(
      `npx s3collapse-tui --demo --bucket ${bucket} --prefix logs/ --layout s3-access-simple --from ${label(days[0]!)} --to ${label(days[1]!)} --by day --yes`,
    );
    await press(app, 'q', /done in/);
    await eventually(() => expect(exitCode).toBe(0));

    const left = await listKeys(s3, bucket);
    for (const object of logs) expect(left).not.toContain(object.key);
    for (const object of extra) expect(left).toContain(object.key);
    for (const day of days) {
      const key = `logs/${label(day)}_collapsed`;
      expect(left).toContain(key);
      expect(left).toContain(`logs/_${label(day)}_collapsed.manifest.json`);
      const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      const expected = logs
        .filter((object) => object.key.startsWith(`logs/${label(day)}-`))
        .reduce((t, o) => t + o.body.length, 0);
      expect(head.ContentLength).toBe(expected);
    }
    const output = await s3.send(
      new GetObjectCommand({ Bucket: bucket, Key: `logs/${label(days[0]!)}_collapsed` }),
    );
    const first = logs
      .filter((object) => object.key.startsWith(`logs/${label(days[0]!)}-`))
      .sort((a, b) => (a.key < b.key ? -1 : 1));
    expect(await output.Body!.transformToString()).toBe(
      Buffer.concat(first.map((object) => object.body)).toString(),
    );
    expect(screen(app)).toContain('exit code 0');
  });
});
