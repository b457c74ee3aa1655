import { describe, expect, expectTypeOf, it } from 'vitest';
import { UserError } from '../source/errors.js';
import { repeatCommand, type RunAnswers } from '../source/job/repeat-command.js';
import { FLAG_LIST, namesOf } from '../source/options/schema.js';
import { HELP, parseCliArgs, type CliOptions } from '../source/options.js';
import type { Granularity } from '../source/periods.js';

/** No endpoint or keys from the machine running the tests. */
const NO_ENV = {};

function refusal(argv: readonly string[], env: NodeJS.ProcessEnv = NO_ENV): UserError {
  try {
    parseCliArgs(argv, env);
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    return error as UserError;
  }
  throw new Error(`${argv.join(' ')} was accepted`);
}

describe('bad values: the message names the problem, the fix says what to type', () => {
  const cases: Array<[string[], string, string]> = [
    [
      ['--concurrency', '-1'],
      '--concurrency -1 is not a whole number from 1 to 64.',
      'For example --concurrency 4.',
    ],
    [
      ['--concurrency', '0x10'],
      '--concurrency 0x10 is not a whole number from 1 to 64.',
      'For example --concurrency 4.',
    ],
    [
      ['--concurrency', '1e1'],
      '--concurrency 1e1 is not a whole number from 1 to 64.',
      'For example --concurrency 4.',
    ],
    [
      ['--concurrency', '4.0'],
      '--concurrency 4.0 is not a whole number from 1 to 64.',
      'For example --concurrency 4.',
    ],
    [
      ['--concurrency', ' 4'],
      '--concurrency  4 is not a whole number from 1 to 64.',
      'For example --concurrency 4.',
    ],
    [
      ['--concurrency', '0'],
      '--concurrency 0 is not a whole number from 1 to 64.',
      'For example --concurrency 4.',
    ],
    [
      ['--concurrency', '65'],
      '--concurrency 65 is not a whole number from 1 to 64.',
      'For example --concurrency 4.',
    ],
    [
      ['--concurrency=-3'],
      '--concurrency -3 is not a whole number from 1 to 64.',
      'For example --concurrency 4.',
    ],
    [
      ['--part-size', '0x10'],
      '--part-size 0x10 is not a whole number of MiB from 5 to 5120.',
      'S3 parts are at least 5 MiB; for example --part-size 16.',
    ],
    [
      ['--part-size', '-8'],
      '--part-size -8 is not a whole number of MiB from 5 to 5120.',
      'S3 parts are at least 5 MiB; for example --part-size 16.',
    ],
    [
      ['--part-size', '4'],
      '--part-size 4 is not a whole number of MiB from 5 to 5120.',
      'S3 parts are at least 5 MiB; for example --part-size 16.',
    ],
    [
      ['--endpoint', 'not-a-url'],
      '--endpoint "not-a-url" is not an http:// or https:// URL.',
      "Give the S3 server's URL, e.g. --endpoint http://127.0.0.1:9000.",
    ],
    [
      ['--endpoint', 'ftp://host'],
      '--endpoint "ftp://host" is not an http:// or https:// URL.',
      "Give the S3 server's URL, e.g. --endpoint http://127.0.0.1:9000.",
    ],
    [
      ['--endpoint-url', '127.0.0.1:9000'],
      '--endpoint-url "127.0.0.1:9000" is not an http:// or https:// URL.',
      "Give the S3 server's URL, e.g. --endpoint-url http://127.0.0.1:9000.",
    ],
    [
      ['--region', 'not a region'],
      '--region "not a region" is not a region name.',
      'For example --region eu-west-1.',
    ],
    [
      ['--region', 'EU-WEST-1'],
      '--region "EU-WEST-1" is not a region name.',
      'For example --region eu-west-1 (other names only with --endpoint).',
    ],
    [
      ['--region', 'eu-west'],
      '--region "eu-west" is not a region name.',
      'For example --region eu-west-1 (other names only with --endpoint).',
    ],
    [
      ['--region', 'euwest1'],
      '--region "euwest1" is not a region name.',
      'For example --region eu-west-1 (other names only with --endpoint).',
    ],
    [
      ['--out-prefix', '/abs/'],
      '--out-prefix /abs/ starts with "/": S3 keys do not.',
      'Use --out-prefix abs/',
    ],
    [['--prefix', '/logs/'], '--prefix /logs/ starts with "/": S3 keys do not.', 'Use --prefix logs/'],
    [['--prefix', '/'], '--prefix / starts with "/": S3 keys do not.', 'Use --prefix ""'],
    [['--by', 'week'], '--by "week" is not a granularity.', 'Use --by hour, --by day or --by month.'],
    [
      ['--layout', 'toString'],
      '--layout "toString" is not a layout this tool knows.',
      'Use one of: auto, s3-access, s3-access-simple, s3-access-partitioned, cloudtrail, load-balancer, elb, elb-classic, vpc-flow-logs, vpc-flow, vpc-flow-hive, cloudfront, redshift, waf.',
    ],
    [['--frm', '2024-05-01'], "Unknown option '--frm'", 'See s3collapse-tui --help.'],
  ];
  it.each(cases)('%j', (argv, message, fix) => {
    const error = refusal(argv);
    expect(error.message).toBe(message);
    expect(error.fix).toBe(fix);
  });

  it('takes the values those refusals stand beside', () => {
    const options = parseCliArgs(
      ['--concurrency', '64', '--part-size', '5120', '--out-prefix', 'out/'],
      NO_ENV,
    );
    expect(options).toMatchObject({ concurrency: 64, partSizeMiB: 5120, outPrefix: 'out/' });
    expect(parseCliArgs(['--concurrency', '1', '--part-size', '5'], NO_ENV)).toMatchObject({
      concurrency: 1,
      partSizeMiB: 5,
    });
  });
});

describe('--region', () => {
  const real = [
    'us-east-1',
    'eu-west-3',
    'us-gov-west-1',
    'cn-north-1',
    'cn-northwest-1',
    'ap-southeast-5',
    'ap-northeast-3',
    'us-isob-east-1',
    'us-iso-east-1',
    'eu-central-2',
    'il-central-1',
    'mx-central-1',
    'ca-west-1',
    'me-south-1',
    'af-south-1',
    'sa-east-1',
    'eusc-de-east-1',
  ];
  it.each(real)('accepts the AWS region %s', (region) => {
    expect(parseCliArgs(['--region', region], NO_ENV).region).toBe(region);
  });

  it.each(['auto', 'garage', 'nyc3'])(
    'accepts %s, an S3-compatible server’s own name, when an endpoint is given',
    (region) => {
      expect(parseCliArgs(['--endpoint', 'https://s3.example.com', '--region', region], NO_ENV).region).toBe(
        region,
      );
      expect(parseCliArgs(['--region', region], { AWS_ENDPOINT_URL: 'http://127.0.0.1:9000' }).region).toBe(
        region,
      );
      const onAws = refusal(['--region', region]);
      expect(onAws.message).toBe(`--region "${region}" is not a region name.`);
      expect(onAws.fix).toBe('For example --region eu-west-1 (other names only with --endpoint).');
    },
  );

  it('refuses what no host name can hold, even beside an endpoint', () => {
    expect(refusal(['--endpoint', 'http://127.0.0.1:9000', '--region', 'not a region']).message).toBe(
      '--region "not a region" is not a region name.',
    );
  });
});

describe('the endpoint from the environment', () => {
  it.each([
    [
      { AWS_ENDPOINT_URL_S3: 'not-a-url' },
      'AWS_ENDPOINT_URL_S3="not-a-url" is not an http:// or https:// URL.',
    ],
    [{ AWS_ENDPOINT_URL: 'ftp://host' }, 'AWS_ENDPOINT_URL="ftp://host" is not an http:// or https:// URL.'],
    [
      { AWS_ENDPOINT_URL_S3: 'minio:9000', AWS_ENDPOINT_URL: 'http://127.0.0.1:9000' },
      'AWS_ENDPOINT_URL_S3="minio:9000" is not an http:// or https:// URL.',
    ],
  ])('%j is refused, naming the variable', (env, message) => {
    const error = refusal(['--bucket', 'logs'], env);
    expect(error.message).toBe(message);
    expect(error.fix).toMatch(
      /^Set it to the S3 server's URL, e.g. AWS_ENDPOINT_URL(_S3)?=http:\/\/127.0.0.1:9000, or unset it\.$/,
    );
  });

  it('is not read when a flag or the demo gives the endpoint', () => {
    const env = { AWS_ENDPOINT_URL_S3: 'not-a-url' };
    expect(parseCliArgs(['--endpoint', 'http://127.0.0.1:9000'], env).endpoint).toBe('http://127.0.0.1:9000');
    expect(parseCliArgs(['--demo'], env).demo).toBe(true);
  });

  it('--endpoint-url fills endpoint, and --endpoint wins when both are given', () => {
    expect(parseCliArgs(['--endpoint-url', 'http://a:1'], NO_ENV).endpoint).toBe('http://a:1');
    expect(parseCliArgs(['--endpoint-url', 'http://a:1', '--endpoint', 'http://b:2'], NO_ENV).endpoint).toBe(
      'http://b:2',
    );
  });
});

describe('defaults', () => {
  it('are the ones the help shows, and byGiven tells a given --by from the default', () => {
    const options = parseCliArgs([], NO_ENV);
    expect(options).toMatchObject({
      layout: 'auto',
      by: 'day',
      byGiven: false,
      concurrency: 4,
      partSizeMiB: 8,
    });
    expect(options.yes).toBe(false);
    expect(parseCliArgs(['--by', 'day'], NO_ENV).byGiven).toBe(true);
    expect(parseCliArgs(['-y', '-h', '-v'], NO_ENV)).toMatchObject({ yes: true, help: true, version: true });
    expect(parseCliArgs(['--series', 'a/', '--series', 'b/'], NO_ENV).series).toEqual(['a/', 'b/']);
  });

  it('CliOptions keeps the fields and types it had before the schema', () => {
    interface Before {
      readonly profile?: string | undefined;
      readonly region?: string | undefined;
      readonly endpoint?: string | undefined;
      readonly bucket?: string | undefined;
      readonly prefix?: string | undefined;
      readonly layout: string;
      readonly keyPattern?: string | undefined;
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
      readonly partSizeMiB: number;
      readonly noServerCopy: boolean;
      readonly storageClass?: string | undefined;
      readonly expectedBucketOwner?: string | undefined;
      readonly includeOpen: boolean;
      readonly checkDigests: boolean;
      readonly out?: string | undefined;
      readonly items?: string | undefined;
      readonly inventory?: string | undefined;
      readonly planFile?: string | undefined;
      readonly shard?: string | undefined;
      readonly period?: readonly string[] | undefined;
      readonly maxPeriods?: number | undefined;
      readonly until?: { hours: number; minutes: number } | undefined;
      readonly report?: string | undefined;
      readonly help: boolean;
      readonly version: boolean;
    }
    expectTypeOf<{ [K in keyof CliOptions]: CliOptions[K] }>().toEqualTypeOf<Before>();
  });
});

describe('HELP', () => {
  it.each(FLAG_LIST.map((spec) => [spec.flag, spec] as const))('mentions --%s', (_, spec) => {
    for (const name of namesOf(spec)) expect(HELP).toContain(`--${name}`);
    if (spec.short) expect(HELP).toContain(`--${spec.flag}, -${spec.short}`);
  });

  it('keeps its sections, the values each flag takes, its defaults and the exit codes', () => {
    expect(HELP).toMatch(/^Where$/m);
    expect(HELP).toMatch(/^What$/m);
    expect(HELP).toMatch(/^How$/m);
    expect(HELP).toMatch(
      /^ {2}--layout NAME +auto \| s3-access \| s3-access-simple \| s3-access-partitioned \| cloudtrail/m,
    );
    expect(HELP).toMatch(/^ {2}--by hour\|day\|month +one output per hour, day or month \(default: day\)$/m);
    expect(HELP).toMatch(/^ {2}--concurrency N +periods collapsed at once \(default: 4\)$/m);
    expect(HELP).toMatch(/^ {2}--part-size MIB +multipart part size in MiB, 5 to 5120 \(default: 8\)$/m);
    expect(HELP).toMatch(/--series BASE .*\(repeatable\)$/m);
    expect(HELP).toMatch(
      /--endpoint URL +S3-compatible endpoint \(also --endpoint-url, AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL\)$/m,
    );
    expect(HELP).toMatch(/--to DATE +last period, inclusive \(default: --from, or yesterday\)$/m);
    expect(HELP).toContain(
      'Exit codes: 0 done, 1 some period failed (nothing lost), 2 bad input, 130 interrupted.',
    );
  });
});

/** Splits a command the way a POSIX shell does for the words repeatCommand writes (plain or '…' quoted). */
function shellWords(command: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  for (let index = 0; index < command.length; index += 1) {
    const char = command[index]!;
    if (char === ' ') {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (char === "'") {
      const end = command.indexOf("'", index + 1);
      word = (word ?? '') + command.slice(index + 1, end);
      index = end;
    } else if (char === '\\') {
      word = (word ?? '') + command[index + 1];
      index += 1;
    } else {
      word = (word ?? '') + char;
    }
  }
  if (word !== undefined) words.push(word);
  return words;
}

describe('repeatCommand', () => {
  const base: RunAnswers = {
    bucket: 'acme-logs',
    prefix: 'logs/',
    layout: 's3-access-simple',
    from: '2026-11-14',
    to: '2026-11-15',
    by: 'day',
  };
  const answers: Array<[string, RunAnswers]> = [
    ['a profile', { ...base, profile: 'prod' }],
    [
      'every answer',
      {
        ...base,
        profile: 'prod',
        region: 'eu-west-1',
        endpoint: 'https://s3.example.com:9000',
        series: ['AWSLogs/111122223333/CloudTrail/eu-west-1/', 'AWSLogs/444455556666/CloudTrail/us-east-1/'],
        outPrefix: 'collapsed/',
        includeOpen: true,
        by: 'hour',
        from: '2026-11-14T03',
        to: '2026-11-14T05',
      },
    ],
    ['words a shell would split', { ...base, prefix: "it's a prefix/", outPrefix: 'out put/' }],
    ['a prefix starting with a dash', { ...base, prefix: '-logs/', outPrefix: '--out/' }],
    ['the empty prefix', { ...base, prefix: '' }],
    ['a month', { ...base, by: 'month', from: '2026-10', to: '2026-11' }],
  ];
  it.each(answers)('%s round-trips through parseCliArgs', (_, run) => {
    const words = shellWords(repeatCommand(run));
    expect(words.slice(0, 2)).toEqual(['npx', 's3collapse-tui']);
    const parsed = parseCliArgs(words.slice(2), NO_ENV);
    const expected = { includeOpen: false, demo: false, ...run };
    const back = Object.fromEntries(
      Object.keys(expected).map((field) => [field, parsed[field as keyof CliOptions]]),
    );
    expect(back).toEqual(expected);
    expect(parsed).toMatchObject({ yes: true, byGiven: true, dryRun: false });
  });

  it('a demo run says --demo instead of the connection flags', () => {
    const command = repeatCommand(
      { ...base, demo: true, profile: 'prod', region: 'eu-west-1', endpoint: 'http://127.0.0.1:1' },
      ['--dry-run'],
    );
    expect(command).toBe(
      'npx s3collapse-tui --demo --bucket acme-logs --prefix logs/ --layout s3-access-simple --from 2026-11-14 --to 2026-11-15 --by day --dry-run',
    );
    expect(parseCliArgs(shellWords(command).slice(2), NO_ENV)).toMatchObject({
      demo: true,
      profile: undefined,
      region: undefined,
      endpoint: undefined,
      dryRun: true,
      yes: false,
    });
  });

  it('writes the flags in the order it always has, quoting only what needs it', () => {
    expect(
      repeatCommand({ ...base, profile: 'prod', prefix: "it's/", outPrefix: 'out/', includeOpen: true }),
    ).toBe(
      "npx s3collapse-tui --profile prod --bucket acme-logs --prefix 'it'\\''s/' --layout s3-access-simple --from 2026-11-14 --to 2026-11-15 --by day --out-prefix out/ --include-open --yes",
    );
  });
});
