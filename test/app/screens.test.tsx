import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createS3Client } from '../../source/aws/s3-client.js';
import { accessLogObjects, cloudTrailObjects } from '../../source/demo/log-generator.js';
import { LOCAL_S3_CREDENTIALS } from '../../source/demo/s3-server.js';
import { planRun } from '../../source/engine/plan.js';
import { DEFAULT_RUN_OPTIONS } from '../../source/engine/types.js';
import { ExitCode } from '../../source/exit-code.js';
import { planJob, rangeOf, type JobOutcome } from '../../source/job/collapse-job.js';
import { connect } from '../../source/job/connect.js';
import { RUN_DOCUMENT_FORMAT, type RunDocument } from '../../source/job/run-document.js';
import { parseCliArgs } from '../../source/options.js';
import { layoutById } from '../../source/layouts/index.js';
import { periodLabel, periodOf } from '../../source/periods.js';
import { BucketScreen } from '../../source/app/screens/bucket-screen.js';
import { ConfirmScreen } from '../../source/app/screens/confirm-screen.js';
import { PreviewScreen } from '../../source/app/screens/preview-screen.js';
import { FixedWidth } from '../../source/app/components/width.js';
import { LayoutScreen } from '../../source/app/screens/layout-screen.js';
import { ProfileScreen } from '../../source/app/screens/profile-screen.js';
import { RangeScreen } from '../../source/app/screens/range-screen.js';
import { RunScreen } from '../../source/app/screens/run-screen.js';
import { SeriesScreen } from '../../source/app/screens/series-screen.js';
import { SummaryScreen } from '../../source/app/screens/summary-screen.js';
import {
  dayStart,
  eventually,
  joinedCommands,
  KEY,
  localClient,
  localConnection,
  press,
  renderScreen,
  screen,
  seededBucket,
  typeText,
  waitForText,
} from './helpers.js';

const s3 = localClient();
const now = new Date();
const yesterday = dayStart(now, 1);
const label = (day: Date) => periodLabel(periodOf(day, 'day'));
const noop = () => {};

const mounted: Array<{ unmount: () => void }> = [];
function track<T extends { unmount: () => void }>(rendered: T): T {
  mounted.push(rendered);
  return rendered;
}
afterEach(() => {
  for (const one of mounted.splice(0)) one.unmount();
  vi.unstubAllEnvs();
});
afterAll(() => s3.destroy());

describe('1 profile', () => {
  let directory: string;
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'app-profiles-'));
    await writeFile(
      join(directory, 'config'),
      '[default]\nsso_account_id = 123456789012\nsso_role_name = AdministratorAccess\nsso_start_url = https://x.awsapps.com/start\n\n[profile prod-readonly]\nrole_arn = arn:aws:iam::210987654321:role/LogsReader\nsource_profile = default\n',
    );
    await writeFile(
      join(directory, 'credentials'),
      '[ci]\naws_access_key_id = AKIDEXAMPLE\naws_secret_access_key = secret\n',
    );
  });
  afterAll(() => rm(directory, { recursive: true, force: true }));

  it('lists every profile and the environment, preselects default, and says why the identity is unknown', async () => {
    vi.stubEnv('AWS_CONFIG_FILE', join(directory, 'config'));
    vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', join(directory, 'credentials'));
    vi.stubEnv('AWS_PROFILE', '');
    vi.stubEnv('AWS_ACCESS_KEY_ID', '');
    const chosen: unknown[] = [];
    const app = track(
      renderScreen(
        <ProfileScreen
          connection={localConnection()}
          demo={false}
          onChoose={(profile) => chosen.push(profile)}
          onQuit={noop}
        />,
      ),
    );
    const text = await waitForText(app, '(environment)');
    // default first, then by name; the environment's chain last.
    expect(text).toMatch(
      /› default +sso +123456789012 AdministratorAccess\n +ci +keys .*\n +prod-readonly .*\n +\(environment\)/,
    );
    expect(text).toMatch(/ {3}prod-readonly +role +assumes LogsReader/);
    expect(text).toMatch(/ {3}ci +keys/);
    await waitForText(app, 'S3-compatible endpoints have no STS');
    await press(app, KEY.down, '› ci');
    await press(app, KEY.down, '› prod-readonly');
    await press(app, KEY.up, '› ci');
    app.stdin.write(KEY.enter);
    await eventually(() => expect(chosen).toEqual([{ name: 'ci', label: 'ci', account: undefined }]));
  });
});

describe('2 bucket', () => {
  it('filters as you type, and tab takes a name it cannot list', async () => {
    const stem = `flt${Date.now().toString(36)}`;
    const first = await seededBucket(s3, [], `${stem}-alpha`);
    await seededBucket(s3, [], `${stem}-beta`);
    const chosen: string[] = [];
    const app = track(
      renderScreen(
        <BucketScreen
          connection={localConnection()}
          profileLabel="demo"
          onChoose={(b) => chosen.push(b)}
          onBack={noop}
        />,
      ),
    );
    await waitForText(app, 'buckets match');
    await typeText(app, stem, (typed) => `Bucket  ${typed}▏`);
    await waitForText(app, /2 of \d+ buckets match/);
    await typeText(app, '-a', (typed) => `Bucket  ${stem}${typed}▏`);
    const text = await waitForText(app, /1 of \d+ buckets match/);
    expect(text).toContain(`› ${first}`);
    await press(app, KEY.tab, 'Bucket name');
    app.stdin.write(KEY.enter);
    await eventually(() => expect(chosen).toEqual([`${stem}-a`]));
  });
});

describe('3 layout and series', () => {
  const days = [dayStart(now, 2), yesterday];
  const access = accessLogObjects({
    prefix: 'logs/',
    days,
    objectsPerDay: 20,
    sourceBucket: 'site',
    seed: 21,
  });
  const trail = cloudTrailObjects({
    prefix: '',
    accounts: [{ account: '111122223333' }, { account: '444455556666', org: 'o-a1b2c3d4e5' }],
    regions: ['eu-west-1', 'us-east-1'],
    days,
    filesPerDay: 6,
    seed: 22,
  });

  it('offers each layout found, draws a sample key apart, and lists CloudTrail series to toggle', async () => {
    const bucket = await seededBucket(s3, [
      ...access,
      ...trail,
      { key: 'notes.txt', body: Buffer.from('hi') },
    ]);
    const { ctx } = await connect(localConnection(), bucket);
    const chosen: unknown[] = [];
    const app = track(
      renderScreen(
        <LayoutScreen
          ctx={ctx}
          options={parseCliArgs([])}
          onChoose={(c) => chosen.push(c)}
          onBack={noop}
          onQuit={noop}
        />,
      ),
    );
    let text = await waitForText(app, 'How these keys are built');
    expect(text).toContain('2 layouts, pick one');
    expect(text).toMatch(/CloudTrail logs in \(root\) +\d+ keys/);
    expect(text).toMatch(/S3 server access logs, simple layout in logs\/ +40 keys/);
    expect(text).toMatch(/other objects \(never read, never deleted\) +\d+/);
    // The first candidate has the most sampled keys: CloudTrail (4 series × 2 days × 6 files, digest files excluded).
    expect(text).toContain('› ✔ CloudTrail logs');
    expect(text).toMatch(/organization +account|account +region/);
    expect(text).toContain('time UTC');
    expect(text).toContain('CloudTrail delivers a gzipped JSON file');

    text = await press(app, KEY.down, '› ✔ S3 server access logs');
    const sample = access.map((object) => object.key).find((key) => text.includes(key));
    expect(sample, 'one real key of the bucket is drawn apart').toBeDefined();
    expect(text).toMatch(/╰─┬─╯/);
    expect(text).toMatch(/prefix +date +time UTC +unique id/);
    expect(text).toContain(
      `Everything logged on ${sample!.slice(5, 15)} has keys starting logs/${sample!.slice(5, 15)}-`,
    );

    await press(app, KEY.up, '› ✔ CloudTrail logs');
    app.stdin.write(KEY.enter);
    await eventually(() => expect(chosen).toEqual([{ layout: 'cloudtrail', root: '' }]));
    app.unmount();

    const bases: unknown[] = [];
    const series = track(
      renderScreen(
        <SeriesScreen
          ctx={ctx}
          layout={{ layout: 'cloudtrail', root: '' }}
          onChoose={(chosenBases) => bases.push(chosenBases)}
          onBack={noop}
          onQuit={noop}
        />,
      ),
    );
    text = await waitForText(series, '4 selected');
    expect(text).toContain('[✔] 111122223333 eu-west-1');
    expect(text).toContain('[✔] o-a1b2c3d4e5 444455556666 us-east-1');
    expect(text).toContain('CloudTrail-Digest/ and CloudTrail-Insight/ files are never read or deleted.');
    text = await press(series, KEY.space, '3 selected');
    expect(text).toContain('[ ] 111122223333 eu-west-1');
    series.stdin.write(KEY.enter);
    await eventually(() => expect(bases).toHaveLength(1));
    expect(bases[0]).toHaveLength(3);
    expect(bases[0]).not.toContain('AWSLogs/111122223333/CloudTrail/eu-west-1/');
    ctx.s3.destroy();
  });
});

describe('4 range', () => {
  it('changes granularity with ←→, moves dates by a period, and refuses a range of only unfinished periods', async () => {
    const chosen: Array<{ range: unknown; periods: number; open: number }> = [];
    const app = track(
      renderScreen(
        <RangeScreen
          initial={{ by: 'day', from: label(yesterday), to: label(yesterday), field: 'by' }}
          now={now}
          includeOpen={false}
          context={['bucket']}
          onChoose={(range, periods, open) =>
            chosen.push({ range, periods: periods.length, open: open.length })
          }
          onBack={noop}
          onQuit={noop}
        />,
      ),
    );
    let text = await waitForText(app, '[day]');
    expect(text).toContain('(yesterday; today is still being written)');
    expect(text).toContain(`1 day: ${label(yesterday)}`);
    text = await press(app, KEY.left, '[hour]');
    expect(text).toContain(`From          ${label(yesterday)}T00`);
    expect(text).toContain(`To            ${label(yesterday)}T23`);
    expect(text).toContain('24 hours');
    await press(app, KEY.right, '[day]');
    await press(app, KEY.tab, '› From');
    await press(app, KEY.tab, '› To');
    text = await press(app, KEY.right, `To            ${label(now)}`);
    expect(text).toContain(`${label(now)} not finished: shown, not collapsed`);
    expect(text).toContain(`1 day: ${label(yesterday)}`);
    await press(app, KEY.tab, '› Collapse by');
    await press(app, KEY.tab, '› From');
    text = await press(app, KEY.right, `From          ${label(now)}`);
    expect(text).toContain('is not finished yet');
    app.stdin.write(KEY.enter);
    text = await press(app, KEY.backspace, `From          ${label(now).slice(0, -1)}▏`);
    expect(text).toContain('is not a date');
    expect(chosen).toEqual([]);
  });
});

describe('6 confirm', () => {
  it('runs only once the bucket name is typed exactly; esc goes back', async () => {
    const bucket = await seededBucket(
      s3,
      accessLogObjects({ prefix: 'logs/', days: [yesterday], objectsPerDay: 5, sourceBucket: 's', seed: 3 }),
    );
    const { ctx } = await connect(localConnection(), bucket);
    const options = parseCliArgs([]);
    const planned = await planJob(
      ctx,
      {
        connection: localConnection(),
        bucket,
        layout: { layout: 's3-access-simple', root: 'logs/' },
        range: rangeOf({ by: 'day', from: label(yesterday), includeOpen: false }, now),
      },
      options,
    );
    ctx.s3.destroy();
    let confirmed = 0;
    let back = 0;
    const app = track(
      renderScreen(
        <ConfirmScreen
          planned={planned}
          options={options}
          onConfirm={() => (confirmed += 1)}
          onBack={() => (back += 1)}
        />,
      ),
    );
    let text = await waitForText(app, 'Type the bucket name');
    expect(text).toMatch(/5 original\s+objects/);
    await typeText(app, bucket.slice(0, 5), (typed) => `go on:  ${typed}▏`);
    await press(app, KEY.enter, 'That is not');
    expect(confirmed).toBe(0);
    await typeText(app, bucket.slice(5), (typed) => `go on:  ${bucket.slice(0, 5)}${typed}▏`);
    app.stdin.write(KEY.enter);
    await eventually(() => expect(confirmed).toBe(1));
    app.stdin.write(KEY.escape);
    await eventually(() => expect(back).toBe(1));

    // A paste (or keys arriving together) is one chunk; a versioned bucket gets its warning.
    let pasted = 0;
    const again = track(
      renderScreen(
        <ConfirmScreen
          planned={planned}
          options={options}
          versioned
          onConfirm={() => (pasted += 1)}
          onBack={() => undefined}
        />,
      ),
    );
    text = await waitForText(again, 'Type the bucket name');
    expect(text).toMatch(/versioned: deleted originals stay as noncurrent\s+versions/);
    again.stdin.write(`${bucket}\r`);
    await eventually(() => expect(pasted).toBe(1));
  });
});

describe('7 run', () => {
  let hanging: Server;
  const sockets: Socket[] = [];
  beforeAll(async () => {
    // A server that accepts requests and never answers: the run stays in flight until it is stopped.
    hanging = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => hanging.close(resolve));
  });

  it('asks once on ctrl-c, then aborts the run: originals kept, the result says interrupted', async () => {
    const objects = accessLogObjects({
      prefix: 'logs/',
      days: [yesterday],
      objectsPerDay: 8,
      sourceBucket: 's',
      seed: 5,
    });
    const bucket = await seededBucket(s3, objects);
    const { ctx } = await connect(localConnection(), bucket);
    const plan = await planRun(ctx, {
      layout: layoutById('s3-access-simple'),
      root: 'logs/',
      by: 'day',
      periods: [periodOf(yesterday, 'day')],
    });
    ctx.s3.destroy();
    const port = (hanging.address() as { port: number }).port;
    const stuck = {
      ...ctx,
      s3: createS3Client({ endpoint: `http://127.0.0.1:${port}`, credentials: LOCAL_S3_CREDENTIALS }),
    };
    const controller = new AbortController();
    const results: JobOutcome[] = [];
    const app = track(
      renderScreen(
        <RunScreen
          ctx={stuck}
          plan={plan}
          // The server never answers: writes already sent get half a second to settle after Ctrl-C.
          options={{ ...DEFAULT_RUN_OPTIONS, periodConcurrency: 1, settleMs: 500 }}
          controller={controller}
          onFinished={(result) => results.push(result)}
          onFailed={noop}
        />,
      ),
    );
    const text = await waitForText(app, '7/7 running');
    expect(text).toMatch(/0\/1 periods · 0\/8 objects/);
    expect(text).toContain(label(yesterday));
    await press(app, KEY.ctrlC, 'Stop now?');
    expect(controller.signal.aborted).toBe(false);
    await press(app, 'n', 'ctrl-c stop safely');
    await press(app, KEY.ctrlC, 'Stop now?');
    await press(app, KEY.ctrlC, 'Stopping safely');
    expect(controller.signal.aborted).toBe(true);
    await eventually(() => expect(results).toHaveLength(1));
    expect(results[0]!.result.interrupted).toBe(true);
    expect(results[0]!.exitCode).toBe(ExitCode.Interrupted);
    expect(results[0]!.result.periods[0]!.status).not.toBe('collapsed');
    stuck.s3.destroy();
  });
});

describe('8 summary', () => {
  const entry = {
    series: 'logs/',
    start: '',
    end: '',
    alreadyCollapsedKeys: 0,
    hadOutput: false,
    copiedBytes: 0,
    sha256: null,
    verifiedBy: null,
    deleteFailed: [],
  };
  const document: RunDocument = {
    format: RUN_DOCUMENT_FORMAT,
    bucket: 'acme-logs',
    layout: 's3-access-simple',
    prefix: 'logs/',
    by: 'day',
    dryRun: false,
    interrupted: false,
    elapsedMs: 82_000,
    exitCode: ExitCode.Unfinished,
    totals: {
      periods: 2,
      keys: 150,
      bytes: 7500,
      collapsed: 1,
      alreadyCollapsed: 0,
      failed: 1,
      skipped: 0,
      keysDeleted: 100,
      keysGone: 0,
      deleteFailed: 0,
    },
    periods: [
      {
        ...entry,
        period: '2026-11-13',
        status: 'collapsed',
        keys: 100,
        newKeys: 100,
        bytes: 5000,
        outputKey: 'logs/2026-11-13_collapsed',
        outputSize: 5000,
        keysDeleted: 100,
        keysGone: 0,
        error: null,
      },
      {
        ...entry,
        period: '2026-11-14',
        status: 'failed',
        keys: 50,
        newKeys: 50,
        bytes: 2500,
        outputKey: 'logs/2026-11-14_collapsed',
        outputSize: null,
        keysDeleted: 0,
        keysGone: 0,
        error: {
          stage: 'upload',
          code: 'denied',
          message: 'Access denied: PutObject on s3://acme-logs/logs/2026-11-14_collapsed.',
          fix: 'Grant s3:PutObject on it to this identity.',
          left: 'unchanged',
          originalsKept: true,
        },
      },
    ],
  };

  it('shows before/after, the failure, and the exact command that retries only what failed', async () => {
    const outcome = {
      result: { periods: [], interrupted: false, elapsedMs: 82_000 },
      document,
      exitCode: 1,
    } as const;
    const app = track(
      renderScreen(
        <SummaryScreen
          outcome={outcome}
          repeat={{
            profile: 'default',
            bucket: 'acme-logs',
            prefix: 'logs/',
            layout: 's3-access-simple',
            from: '2026-11-13',
            to: '2026-11-14',
            by: 'day',
          }}
          onQuit={noop}
        />,
      ),
    );
    const text = await waitForText(app, 'done in 1 min 22 s');
    // Only the period this run changed: 100 originals became one output and its manifest.
    expect(text).toContain('objects      100 → 2 (1 output + 1 manifest)');
    expect(text).toContain('collapsed    5 kB into 1 verified output · 100 originals deleted');
    expect(text.replace(/\s+/g, ' ')).toContain(
      '✖ 2026-11-14 logs/: Access denied: PutObject on s3://acme-logs/logs/2026-11-14_collapsed. Originals kept; nothing was changed. Grant s3:PutObject on it to this identity.',
    );
    expect(text).toContain('run the rest again without questions:');
    expect(joinedCommands(text)).toContain(
      'npx s3collapse-tui --profile default --bucket acme-logs --prefix logs/ --layout s3-access-simple --from 2026-11-14 --to 2026-11-14 --by day --yes',
    );
    expect(screen(app)).toContain('exit code 1');
  });
});

describe('a wider terminal', () => {
  it('gives the preview room for both series and output keys', async () => {
    const trail = cloudTrailObjects({
      prefix: '',
      accounts: [{ account: '111122223333' }],
      regions: ['eu-west-1', 'us-east-1'],
      days: [yesterday],
      filesPerDay: 3,
      seed: 41,
    }).filter((object) => object.key.includes('/CloudTrail/'));
    const bucket = await seededBucket(s3, trail);
    const { ctx } = await connect(localConnection(), bucket);
    const planned = await planJob(
      ctx,
      {
        connection: localConnection(),
        bucket,
        layout: { layout: 'cloudtrail', root: '' },
        range: rangeOf({ by: 'day', from: label(yesterday), includeOpen: false }, now),
      },
      parseCliArgs([]),
    );
    const preview = (width: number) =>
      track(
        renderScreen(
          <FixedWidth width={width}>
            <PreviewScreen
              planned={planned}
              periods={1}
              open={[]}
              dryRun={false}
              command=""
              context={[]}
              onContinue={noop}
              onStop={noop}
              onBack={noop}
              onQuit={noop}
            />
          </FixedWidth>,
        ),
      );
    const day = label(yesterday);
    const output = `AWSLogs/111122223333/CloudTrail/eu-west-1/${day.replace(/-/g, '/')}/111122223333_CloudTrail_eu-west-1_${day.replace(/-/g, '')}_collapsed.json.gz`;
    const wide = await waitForText(preview(150), /111122223333 eu-west-1/);
    // Long keys keep their distinctive end: the period's stem and extension.
    expect(wide).toMatch(
      new RegExp(`${day} +3 .* 111122223333 eu-west-1 +\\S*${output.slice(-30).replace(/[/.]/g, '\\$&')}`),
    );
    const narrow = await waitForText(preview(80), /111122223333 eu-west-1/);
    expect(narrow).not.toContain('_collapsed.json.gz');
    ctx.s3.destroy();
  });
});
