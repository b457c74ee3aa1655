// Runs the tool once on one period of a seeded bucket and prints its peak RSS: a child process per
// measurement, so one run's allocations never count toward another's.
import { readFileSync } from 'node:fs';
import { createS3Client } from '../source/aws/s3-client.js';
import { LOCAL_S3_CREDENTIALS } from '../source/demo/s3-server.js';
import { planRun } from '../source/engine/plan.js';
import { executePlan } from '../source/engine/run.js';
import { DEFAULT_RUN_OPTIONS } from '../source/engine/types.js';
import { s3AccessSimple } from '../source/layouts/s3-access-simple.js';
import { periodOf } from '../source/periods.js';

/**
 * This process's own peak, VmHWM of its memory map. Not getrusage's maxRSS: Linux carries that over
 * from the forked copy of the parent at exec, and the parent holds the seeded bodies (a case of
 * 201 MB read 258 MB where this process peaked at 195).
 */
function peakRssKiB(): number {
  try {
    return Number(/VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1]);
  } catch {
    return process.resourceUsage().maxRSS;
  }
}

const [endpoint = '', bucket = '', day = ''] = process.argv.slice(2);
const s3 = createS3Client({ endpoint, credentials: LOCAL_S3_CREDENTIALS });
const ctx = { s3, bucket, now: () => new Date() };
const plan = await planRun(ctx, {
  layout: s3AccessSimple,
  root: 'logs/',
  by: 'day',
  periods: [periodOf(new Date(day), 'day')],
});
const result = await executePlan(ctx, plan, DEFAULT_RUN_OPTIONS, () => undefined);
s3.destroy();
const period = result.periods[0];
process.stdout.write(
  `${JSON.stringify({ status: period?.status, keys: period?.keys, bytes: period?.bytes, maxRssKiB: peakRssKiB() })}\n`,
);
