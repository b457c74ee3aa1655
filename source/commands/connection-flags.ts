import { parseArgs } from 'node:util';
import type { z } from 'zod';
import { endpointFromEnv } from '../aws/endpoint-url.js';
import type { ConnectionOptions } from '../aws/s3-client.js';
import { UserError } from '../errors.js';
import { connect, type Connected } from '../job/connect.js';
import { userErrorOf } from '../options/parse.js';
import { FLAGS } from '../options/schema.js';
import { AWS_REGION, endpointUrl, regionName, regionRefusal } from '../options/values.js';

/**
 * The flags of a subcommand that talks to a bucket (`verify`, `restore`, `explain --bucket`): where the
 * bucket is and who asks, spelled and checked exactly as the collapse's own flags are.
 *
 *   const args = parseCommandArgs('verify', argv, { prefix: { type: 'string' }, json: { type: 'boolean' } });
 *   if (args.help) …print help…
 *   const { ctx } = await openConnection('verify', args.connection);
 */

/** One flag as parseArgs takes it (@types/node 20 does not export its own name for this). */
export interface FlagConfig {
  readonly type: 'string' | 'boolean';
  readonly multiple?: boolean;
  readonly short?: string;
}
export type FlagsConfig = Readonly<Record<string, FlagConfig>>;

/** parseArgs's configuration of the shared flags; a subcommand adds its own beside them. */
const CONNECTION_OPTIONS = {
  bucket: { type: 'string' },
  profile: { type: 'string' },
  region: { type: 'string' },
  endpoint: { type: 'string' },
  'endpoint-url': { type: 'string' },
  'expected-bucket-owner': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies FlagsConfig;

type SharedName = Extract<keyof typeof CONNECTION_OPTIONS, string>;

/** Where the bucket is and how to reach it; `bucket` is checked when the connection opens. */
export interface ConnectionFlags {
  readonly bucket: string | undefined;
  readonly connection: ConnectionOptions;
}

type ValueOf<Option> = Option extends { type: 'boolean' }
  ? Option extends { multiple: true }
    ? boolean[]
    : boolean
  : Option extends { multiple: true }
    ? string[]
    : string;

/** A subcommand's own flags as parseArgs gives them: absent when not typed. */
export type OwnValues<Own extends FlagsConfig> = {
  readonly [Name in keyof Own]?: ValueOf<Own[Name]>;
};

export interface CommandArgs<Own extends FlagsConfig> {
  readonly help: boolean;
  readonly connection: ConnectionFlags;
  /** The subcommand's own flags, raw: check them with `checkFlag`. */
  readonly values: OwnValues<Own>;
  readonly positionals: readonly string[];
}

const seeHelp = (command: string): string => `See s3collapse-tui ${command} --help.`;

/**
 * A flag's raw value through one of the schemas of source/options/values.ts (`keyPrefix('prefix')`,
 * …); a refusal becomes the same two-line UserError the collapse's flags give.
 */
export function checkFlag<Out>(command: string, schema: z.ZodType<Out>, raw: unknown): Out {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw userErrorOf(parsed.error, seeHelp(command));
  return parsed.data;
}

/**
 * Parses a subcommand's arguments: the shared connection flags plus `own` (which must not reuse their
 * names). Unknown flags, and positionals unless allowed, are a UserError naming `command --help`.
 */
export function parseCommandArgs<const Own extends FlagsConfig>(
  command: string,
  argv: readonly string[],
  own: Own & { readonly [Name in SharedName]?: never },
  options: { readonly allowPositionals?: boolean; readonly env?: NodeJS.ProcessEnv } = {},
): CommandArgs<Own> {
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: options.allowPositionals ?? false,
      options: { ...own, ...CONNECTION_OPTIONS },
    });
  } catch (error) {
    throw new UserError((error as Error).message.split('\n')[0] ?? 'Bad arguments.', seeHelp(command));
  }
  const { values, positionals } = parsed;
  const help = values.help === true;
  const text = (name: SharedName): string | undefined => values[name] as string | undefined;
  // As the collapse's flags: --endpoint wins over --endpoint-url, and the one typed is named back.
  const endpointFlag = text('endpoint') !== undefined ? 'endpoint' : 'endpoint-url';
  const endpointGiven = checkFlag(command, endpointUrl(endpointFlag).optional(), text(endpointFlag));
  const region = checkFlag(command, regionName(FLAGS.region.flag).optional(), text('region'));
  if (!help) checkAwsRegion(region, endpointGiven, options.env ?? process.env);
  const connection: ConnectionOptions = {
    profile: text('profile'),
    region,
    endpoint: endpointGiven,
    expectedBucketOwner: text('expected-bucket-owner'),
  };
  return {
    help,
    connection: { bucket: text('bucket'), connection },
    values: values as OwnValues<Own>,
    positionals,
  };
}

/** AWS region names only matter when requests go to AWS (source/options/parse.ts does the same). */
function checkAwsRegion(
  region: string | undefined,
  endpoint: string | undefined,
  env: NodeJS.ProcessEnv,
): void {
  if (region === undefined || (endpoint ?? endpointFromEnv(env)) !== undefined) return;
  if (AWS_REGION.test(region)) return;
  const { refused, fix } = regionRefusal(FLAGS.region.flag, region, true);
  throw new UserError(refused, fix);
}

/**
 * Checks the profile and the bucket and opens a client for the bucket's region, exactly as the
 * collapse does (source/job/connect.ts): same credentials, endpoint handling and bucket-owner check.
 */
export async function openConnection(
  command: string,
  flags: ConnectionFlags,
  now: () => Date = () => new Date(),
): Promise<Connected> {
  if (!flags.bucket) {
    throw new UserError(`${command} needs a bucket.`, `Pass --bucket NAME. ${seeHelp(command)}`);
  }
  return connect(flags.connection, flags.bucket, now);
}

const LABEL_WIDTH = 34;
const helpRow = (label: string, text: string): string => `  ${label.padEnd(LABEL_WIDTH)}${text}`;

/** The help rows of the shared flags, for a subcommand's --help (same words as the collapse's help). */
export const CONNECTION_HELP: string = [
  helpRow('--bucket NAME', 'the bucket'),
  helpRow('--profile NAME', `${FLAGS.profile.help} (default: ${FLAGS.profile.defaultHelp})`),
  helpRow('--region REGION', FLAGS.region.help),
  helpRow('--endpoint URL', `${FLAGS.endpoint.help} (also --endpoint-url, ${FLAGS.endpoint.env.join(', ')})`),
  helpRow('--expected-bucket-owner ACCOUNT', FLAGS.expectedBucketOwner.help),
  helpRow('--help, -h', 'this text'),
].join('\n');

/** One help row in the same columns as CONNECTION_HELP, for a subcommand's own flags. */
export const commandHelpRow = helpRow;
