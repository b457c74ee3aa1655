import { z } from 'zod';
import { LAYOUT_CHOICES } from '../layouts/index.js';
import { GRANULARITIES } from '../periods.js';
import { ENDPOINT_ENV } from '../aws/endpoint-url.js';
import {
  endpointUrl,
  keyPattern as keyPatternValue,
  keyPrefix,
  oneOf,
  regionName,
  utcTime,
  wholeNumber,
} from './values.js';

/** The help text's sections: where the logs are, which of them, how to run. */
export type HelpGroup = 'Where' | 'What' | 'How' | 'Plans';

interface FlagBase {
  /** The long name, without dashes. */
  readonly flag: string;
  /** Other long names for the same value; when several are given, the first listed wins. */
  readonly aliases?: readonly string[];
  readonly short?: string;
  readonly group: HelpGroup;
  /** The value's placeholder in the help, e.g. NAME. */
  readonly meta?: string;
  readonly help: string;
  /** A default that is not a value (e.g. "yesterday"); other defaults are read from the schema. */
  readonly defaultHelp?: string;
  /** Environment variables that give the value when the flag does not. */
  readonly env?: readonly string[];
  /**
   * Part of the command that repeats a guided run (`repeatCommand`). A `connection` flag is left out
   * of a demo's command: --demo stands for the server and its credentials.
   */
  readonly repeat?: 'answer' | 'connection';
}

/**
 * `value` builds the flag's zod schema from the name the user typed (so an alias is named back);
 * it checks and converts parseArgs's raw value, and its default is the flag's default.
 */
export type FlagSpec =
  | (FlagBase & {
      readonly kind: 'string';
      readonly value: (flag: string) => z.ZodType<unknown, string | undefined>;
    })
  | (FlagBase & {
      readonly kind: 'multiple';
      readonly value: (flag: string) => z.ZodType<unknown, readonly string[] | undefined>;
    })
  | (FlagBase & { readonly kind: 'boolean'; readonly value: () => z.ZodType<boolean, boolean | undefined> });

const text = () => z.string().optional();
const off = () => z.boolean().default(false);

/**
 * Every flag, once. The keys are the fields of `CliOptions`; the order is the help's and the repeat
 * command's. Every answer the guided flow asks for has a flag, so scripts never need a terminal.
 */
export const FLAGS = {
  demo: {
    flag: 'demo',
    kind: 'boolean',
    group: 'Where',
    help: 'run against a built-in local S3 server seeded with realistic logs',
    repeat: 'answer',
    value: off,
  },
  profile: {
    flag: 'profile',
    kind: 'string',
    group: 'Where',
    meta: 'NAME',
    help: 'AWS profile',
    defaultHelp: "the SDK's credential chain",
    repeat: 'connection',
    value: text,
  },
  region: {
    flag: 'region',
    kind: 'string',
    group: 'Where',
    meta: 'REGION',
    help: 'region of the bucket (found automatically when omitted)',
    repeat: 'connection',
    value: (flag) => regionName(flag).optional(),
  },
  endpoint: {
    flag: 'endpoint',
    aliases: ['endpoint-url'],
    kind: 'string',
    group: 'Where',
    meta: 'URL',
    help: 'S3-compatible endpoint',
    env: ENDPOINT_ENV,
    repeat: 'connection',
    value: (flag) => endpointUrl(flag).optional(),
  },
  bucket: {
    flag: 'bucket',
    kind: 'string',
    group: 'Where',
    meta: 'NAME',
    help: 'the bucket holding the logs',
    repeat: 'answer',
    value: text,
  },
  prefix: {
    flag: 'prefix',
    kind: 'string',
    group: 'Where',
    meta: 'PREFIX',
    help: 'where the layout starts (e.g. logs/); found by detection when omitted',
    repeat: 'answer',
    value: (flag) => keyPrefix(flag).optional(),
  },
  layout: {
    flag: 'layout',
    kind: 'string',
    group: 'Where',
    meta: 'NAME',
    help: Object.keys(LAYOUT_CHOICES).join(' | '),
    repeat: 'answer',
    value: (flag) =>
      oneOf(
        flag,
        Object.keys(LAYOUT_CHOICES),
        'a layout this tool knows',
        `Use one of: ${Object.keys(LAYOUT_CHOICES).join(', ')}.`,
      ).prefault('auto'),
  },
  /** A user layout (source/layouts/user-pattern.ts): checked here so a bad pattern fails before any request. */
  keyPattern: {
    flag: 'key-pattern',
    kind: 'string',
    group: 'Where',
    meta: 'PATTERN',
    help:
      'your own layout instead of --layout: fields {yyyy}{MM}{dd}{HH}{mm}{ss}, * (within a folder), ** (anything), ' +
      "e.g. 'app-logs/{yyyy}/{MM}/{dd}/*.log'; outputs go in the period's folder as <date>_collapsed<ext>, " +
      'gzip when the pattern ends in .gz',
    repeat: 'answer',
    value: () => keyPatternValue().optional(),
  },
  /** Only these series (a base like `AWSLogs/1234…/CloudTrail/eu-west-1/`, or its label); all when absent. */
  series: {
    flag: 'series',
    kind: 'multiple',
    group: 'Where',
    meta: 'BASE',
    help: 'only this series, e.g. AWSLogs/111122223333/CloudTrail/eu-west-1/',
    repeat: 'answer',
    value: () => z.array(z.string()).readonly().optional(),
  },
  from: {
    flag: 'from',
    kind: 'string',
    group: 'What',
    meta: 'DATE',
    help: 'first period, UTC: 2024-05-01, 2024-05-01T13 or 2024-05',
    defaultHelp: 'yesterday',
    repeat: 'answer',
    value: text,
  },
  to: {
    flag: 'to',
    kind: 'string',
    group: 'What',
    meta: 'DATE',
    help: 'last period, inclusive',
    defaultHelp: '--from, or yesterday',
    repeat: 'answer',
    value: text,
  },
  by: {
    flag: 'by',
    kind: 'string',
    group: 'What',
    meta: GRANULARITIES.join('|'),
    help: 'one output per hour, day or month',
    repeat: 'answer',
    value: (flag) =>
      oneOf(
        flag,
        GRANULARITIES,
        'a granularity',
        `Use ${GRANULARITIES.map((by) => `--${flag} ${by}`)
          .join(', ')
          .replace(/, (?=[^,]*$)/, ' or ')}.`,
      ).prefault('day'),
  },
  outPrefix: {
    flag: 'out-prefix',
    kind: 'string',
    group: 'What',
    meta: 'PREFIX',
    help: 'put outputs under PREFIX instead of beside their inputs',
    repeat: 'answer',
    value: (flag) => keyPrefix(flag).optional(),
  },
  includeOpen: {
    flag: 'include-open',
    kind: 'boolean',
    group: 'What',
    help: 'also collapse a period that is not finished yet (today, this hour)',
    repeat: 'answer',
    value: off,
  },
  /** CloudTrail only (source/engine/cloudtrail-digests.ts): checked against the layout in planJob. */
  checkDigests: {
    flag: 'check-digests',
    kind: 'boolean',
    group: 'What',
    help:
      "CloudTrail: collapse only log files a CloudTrail-Digest file lists, each checked against its digest's SHA-256 " +
      'while streaming (a mismatch fails its period; nothing of it is deleted)',
    repeat: 'answer',
    value: off,
  },
  dryRun: {
    flag: 'dry-run',
    kind: 'boolean',
    group: 'How',
    help: 'show the plan and change nothing',
    value: off,
  },
  yes: {
    flag: 'yes',
    short: 'y',
    kind: 'boolean',
    group: 'How',
    help: 'delete the originals after verification without asking',
    value: off,
  },
  json: {
    flag: 'json',
    kind: 'boolean',
    group: 'How',
    help: 'print one JSON document (plan or result) on stdout; progress on stderr',
    value: off,
  },
  plain: {
    flag: 'plain',
    kind: 'boolean',
    group: 'How',
    help: 'line-mode prompts and progress instead of the full-screen app',
    value: off,
  },
  concurrency: {
    flag: 'concurrency',
    kind: 'string',
    group: 'How',
    meta: 'N',
    help: 'periods collapsed at once',
    value: (flag) => wholeNumber(flag, 1, 64, '', `For example --${flag} 4.`).prefault('4'),
  },
  /** Multipart part size in MiB (S3's minimum is 5). */
  partSizeMiB: {
    flag: 'part-size',
    kind: 'string',
    group: 'How',
    meta: 'MIB',
    help: 'multipart part size in MiB, 5 to 5120',
    value: (flag) =>
      wholeNumber(flag, 5, 5120, 'MiB', `S3 parts are at least 5 MiB; for example --${flag} 16.`).prefault(
        '8',
      ),
  },
  noServerCopy: {
    flag: 'no-server-copy',
    kind: 'boolean',
    group: 'How',
    help: 'upload every byte: never copy large inputs on the server (for servers without UploadPartCopy)',
    value: off,
  },
  storageClass: {
    flag: 'storage-class',
    kind: 'string',
    group: 'How',
    meta: 'CLASS',
    help: 'storage class of the outputs (e.g. STANDARD_IA)',
    value: text,
  },
  expectedBucketOwner: {
    flag: 'expected-bucket-owner',
    kind: 'string',
    group: 'How',
    meta: 'ACCOUNT',
    help: 'refuse to touch the bucket unless this account owns it',
    value: text,
  },
  out: {
    flag: 'out',
    kind: 'string',
    group: 'Plans',
    meta: 'FILE',
    help: 'plan: where to write the plan file (a path, or s3://BUCKET/KEY)',
    value: text,
  },
  items: {
    flag: 'items',
    kind: 'string',
    group: 'Plans',
    meta: 'FILE',
    help: 'plan: also write the units as a JSON array [{"period": ID}] (Step Functions Distributed Map)',
    value: text,
  },
  inventory: {
    flag: 'inventory',
    kind: 'string',
    group: 'Plans',
    meta: 'URL',
    help: 'plan: find the units in an S3 Inventory report (s3://…/manifest.json) instead of listing',
    value: text,
  },
  planFile: {
    flag: 'plan',
    kind: 'string',
    group: 'Plans',
    meta: 'FILE',
    help: 'run the units of a plan file (a path, or s3://BUCKET/KEY), each listed and checked again',
    value: text,
  },
  shard: {
    flag: 'shard',
    kind: 'string',
    group: 'Plans',
    meta: 'I/N',
    help: 'with --plan: only shard I of N (0-based, balanced by bytes); auto/N reads I from AWS_BATCH_JOB_ARRAY_INDEX or JOB_COMPLETION_INDEX; auto alone also reads N from AWS_BATCH_JOB_ARRAY_SIZE',
    value: text,
  },
  period: {
    flag: 'period',
    kind: 'multiple',
    group: 'Plans',
    meta: 'ID',
    help: 'with --plan: only this unit (its id in the plan file, e.g. logs/|2026-11-23)',
    value: () => z.array(z.string()).readonly().optional(),
  },
  maxPeriods: {
    flag: 'max-periods',
    kind: 'string',
    group: 'Plans',
    meta: 'N',
    help: 'start at most N periods that write, then stop (the rest are left for the next run)',
    value: (flag) => wholeNumber(flag, 1, 10_000_000, '', `For example --${flag} 100.`).optional(),
  },
  until: {
    flag: 'until',
    kind: 'string',
    group: 'Plans',
    meta: 'HH:MM',
    help: 'start no period after this UTC time (the next HH:MM after the run starts)',
    value: (flag) => utcTime(flag).optional(),
  },
  report: {
    flag: 'report',
    kind: 'string',
    group: 'Plans',
    meta: 'FILE',
    help: 'also write the JSON result document to FILE (a path, or s3://BUCKET/KEY)',
    value: text,
  },
  help: { flag: 'help', short: 'h', kind: 'boolean', group: 'How', help: 'this text', value: off },
  version: { flag: 'version', short: 'v', kind: 'boolean', group: 'How', help: 'the version', value: off },
} as const satisfies Readonly<Record<string, FlagSpec>>;

export type Flags = typeof FLAGS;
export type FlagField = keyof Flags;

/** The table as a list, in its order, each definition with the `CliOptions` field it fills. */
export const FLAG_LIST: ReadonlyArray<FlagSpec & { readonly field: FlagField }> = (
  Object.keys(FLAGS) as FlagField[]
).map((field) => ({ ...FLAGS[field], field }));

/** Every name a flag answers to, long ones first. */
export function namesOf(spec: FlagSpec): readonly string[] {
  return [spec.flag, ...(spec.aliases ?? [])];
}
