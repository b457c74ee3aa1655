import { describe, expect, it } from 'vitest';
import { periodLabel, periodOf } from '../../source/periods.js';
import { runCli } from '../support/run-cli.js';

const DAY = 86_400_000;

describe('the built CLI with --demo', () => {
  it('seeds a local server, collapses the demo bucket without AWS, and reports JSON', async () => {
    const run = await runCli(['--demo', '--yes', '--json'], {
      AWS_ACCESS_KEY_ID: undefined,
      AWS_SECRET_ACCESS_KEY: undefined,
    });
    expect(run.stderr).not.toMatch(/NodeVersionSupportWarning|Warning:/);
    expect(run.code).toBe(0);
    const document = JSON.parse(run.stdout);
    const today = periodOf(new Date(), 'day').start.getTime();
    const days = [3, 2, 1].map((back) => periodLabel(periodOf(new Date(today - back * DAY), 'day')));
    expect(document).toMatchObject({
      bucket: 'demo-access-logs',
      layout: 's3-access-simple',
      prefix: 'logs/',
      exitCode: 0,
    });
    expect(
      document.periods.map(
        (period: { period: string; status: string; keys: number; keysDeleted: number }) => [
          period.period,
          period.status,
          period.keys,
          period.keysDeleted,
        ],
      ),
    ).toEqual(days.map((day) => [day, 'collapsed', 300, 300]));
    expect(document.totals).toMatchObject({ collapsed: 3, keysDeleted: 900, failed: 0 });
    expect(run.stderr).toMatch(/demo: http:\/\/127\.0\.0\.1:\d+ holds [0-9],[0-9]{3} objects/);
  });

  it('refuses a demo bucket with another layout name clearly', async () => {
    const run = await runCli(['--demo', '--bucket', 'demo-cloudtrail', '--layout', 's3-access', '--dry-run']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/No known log layout under s3:\/\/demo-cloudtrail\//);
  });
});
