import { parseArgs } from 'node:util';
import { UserError } from './errors.js';
import { LAYOUT_CHOICES } from './layouts/index.js';
import { GRANULARITIES, type Granularity } from './periods.js';

/** Every answer the guided flow asks for has a flag, so scripts never need a terminal. */
export interface CliOptions {
  readonly profile?: string | undefined;
  readonly region?: string | undefined;
  readonly endpoint?: string | undefined;
  readonly bucket?: string | undefined;
  readonly prefix?: string | undefined;
  readonly layout: string;
  /** Only these series (a base like `AWSLogs/1234…/CloudTrail/eu-west-1/`, or its label); all when absent. */
  readonly series?: readonly string[] | undefined;
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  readonly by: Granularity;
  readonly byGiven: boolean;
  readonly outPrefix?: string | undefined;
  readonly dryRun: boolean;
  readonly yes: boolean;
  readonly json: boolean;
  readonly plain: boolean;
  readonly demo: boolean;
  readonly concurrency: number;
  /** Multipart part size in MiB (S3's minimum is 5). */
  readonly partSizeMiB: number;
  readonly storageClass?: string | undefined;
  readonly expectedBucketOwner?: string | undefined;
  readonly includeOpen: boolean;
  readonly help: boolean;
  readonly version: boolean;
}

export const HELP = `s3collapse-tui — collapse small AWS log objects into one verified object per period

Usage: s3collapse-tui [options]        (on a terminal, asks for whatever is missing)

Where
  --profile NAME          AWS profile (default: the SDK's credential chain)
  --region REGION         region of the bucket (found automatically when omitted)
  --endpoint URL          S3-compatible endpoint (also --endpoint-url, AWS_ENDPOINT_URL_S3)
  --bucket NAME           the bucket holding the logs
  --prefix PREFIX         where the layout starts (e.g. logs/); found by detection when omitted
  --layout NAME           auto | s3-access | s3-access-simple | s3-access-partitioned | cloudtrail
  --series BASE           only this series, e.g. AWSLogs/111122223333/CloudTrail/eu-west-1/ (repeatable)

What
  --from DATE             first period, UTC: 2024-05-01, 2024-05-01T13 or 2024-05 (default: yesterday)
  --to DATE               last period, inclusive (default: --from, or yesterday)
  --by hour|day|month     one output per hour, day or month (default: day)
  --include-open          also collapse a period that is not finished yet (today, this hour)
  --out-prefix PREFIX     put outputs under PREFIX instead of beside their inputs

How
  --dry-run               show the plan and change nothing
  --yes                   delete the originals after verification without asking
  --json                  print one JSON document (plan or result) on stdout; progress on stderr
  --plain                 line-mode prompts and progress instead of the full-screen app
  --concurrency N         periods collapsed at once (default: 4)
  --part-size MIB         multipart part size in MiB, 5 to 5120 (default: 8)
  --storage-class CLASS   storage class of the outputs (e.g. STANDARD_IA)
  --expected-bucket-owner ACCOUNT   refuse to touch the bucket unless this account owns it
  --demo                  run against a built-in local S3 server seeded with realistic logs
  --help, --version

Exit codes: 0 done, 1 some period failed (nothing lost), 2 bad input, 130 interrupted.`;

export function parseCliArgs(argv: readonly string[]): CliOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        profile: { type: 'string' },
        region: { type: 'string' },
        endpoint: { type: 'string' },
        'endpoint-url': { type: 'string' },
        bucket: { type: 'string' },
        prefix: { type: 'string' },
        layout: { type: 'string', default: 'auto' },
        series: { type: 'string', multiple: true },
        from: { type: 'string' },
        to: { type: 'string' },
        by: { type: 'string' },
        'out-prefix': { type: 'string' },
        'dry-run': { type: 'boolean', default: false },
        yes: { type: 'boolean', short: 'y', default: false },
        json: { type: 'boolean', default: false },
        plain: { type: 'boolean', default: false },
        demo: { type: 'boolean', default: false },
        concurrency: { type: 'string' },
        'part-size': { type: 'string' },
        'storage-class': { type: 'string' },
        'expected-bucket-owner': { type: 'string' },
        'include-open': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
        version: { type: 'boolean', short: 'v', default: false },
      },
    });
  } catch (error) {
    throw new UserError(
      (error as Error).message.split('\n')[0] ?? 'Bad arguments.',
      'See s3collapse-tui --help.',
    );
  }
  const values = parsed.values;
  const by = values.by ?? 'day';
  if (!(GRANULARITIES as readonly string[]).includes(by)) {
    throw new UserError(
      `--by ${JSON.stringify(by)} is not a granularity.`,
      'Use --by hour, --by day or --by month.',
    );
  }
  if (!(values.layout in LAYOUT_CHOICES)) {
    throw new UserError(
      `--layout ${JSON.stringify(values.layout)} is not a layout this tool knows.`,
      `Use one of: ${Object.keys(LAYOUT_CHOICES).join(', ')}.`,
    );
  }
  const concurrency = values.concurrency === undefined ? 4 : Number(values.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) {
    throw new UserError(
      `--concurrency ${values.concurrency} is not a whole number from 1 to 64.`,
      'For example --concurrency 4.',
    );
  }
  const partSizeMiB = values['part-size'] === undefined ? 8 : Number(values['part-size']);
  if (!/^\d+$/.test(values['part-size'] ?? '8') || partSizeMiB < 5 || partSizeMiB > 5120) {
    throw new UserError(
      `--part-size ${values['part-size']} is not a whole number of MiB from 5 to 5120.`,
      'S3 parts are at least 5 MiB; for example --part-size 16.',
    );
  }
  if (values.prefix !== undefined && values.prefix.startsWith('/')) {
    throw new UserError(
      `--prefix ${values.prefix} starts with "/": S3 keys do not.`,
      `Use --prefix ${values.prefix.replace(/^\/+/, '')}`,
    );
  }
  return {
    profile: values.profile,
    region: values.region,
    endpoint: values.endpoint ?? values['endpoint-url'],
    bucket: values.bucket,
    prefix: values.prefix,
    layout: values.layout,
    series: values.series,
    from: values.from,
    to: values.to,
    by: by as Granularity,
    byGiven: values.by !== undefined,
    outPrefix: values['out-prefix'],
    dryRun: values['dry-run'],
    yes: values.yes,
    json: values.json,
    plain: values.plain,
    demo: values.demo,
    concurrency,
    partSizeMiB,
    storageClass: values['storage-class'],
    expectedBucketOwner: values['expected-bucket-owner'],
    includeOpen: values['include-open'],
    help: values.help,
    version: values.version,
  };
}
