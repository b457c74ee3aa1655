import { input, search, select } from '@inquirer/prompts';
import { listProfiles } from '../aws/profiles.js';
import type { ConnectionOptions } from '../aws/s3-client.js';
import { DEMO_IDENTITY } from '../demo/demo.js';
import { isUserError, type UserError } from '../errors.js';
import { counted, formatCount, table } from '../format.js';
import { rangeOf, type JobRange } from '../job/collapse-job.js';
import { filterBuckets, listBuckets, type BucketEntry } from '../job/buckets.js';
import type { FaceContext } from '../job/face.js';
import { whoAmI } from '../job/identity.js';
import { GRANULARITIES, parseDateArg, periodLabel, resolvePeriods, type Granularity } from '../periods.js';

/** What every question needs: where to read keys and draw, and the run's signal (a SIGINT aborts a prompt). */
export interface Asking {
  readonly face: FaceContext;
  readonly prompt: { input: NodeJS.ReadableStream; output: NodeJS.WritableStream; signal: AbortSignal };
  readonly say: (line?: string) => void;
}

export function asking(face: FaceContext): Asking {
  return {
    face,
    prompt: { input: face.stdin, output: face.stdout, signal: face.controller.signal },
    say: (line = '') => face.stdout.write(`${line}\n`),
  };
}

export function printUserError(error: UserError, write: (text: string) => void): void {
  write(`✖ ${error.message}\n${error.fix ? `  ${error.fix}\n` : ''}`);
}

const ENVIRONMENT = '';

/** Step 1: the profile (unless given, or the credentials are fixed), then who it is. */
export async function askProfile({ face, prompt, say }: Asking): Promise<ConnectionOptions> {
  if (face.demo) {
    say(`✔ identity ${DEMO_IDENTITY}`);
    return face.connection;
  }
  let connection = face.connection;
  if (connection.profile === undefined && face.options.profile === undefined && !connection.credentials) {
    const profiles = await listProfiles();
    const rows = table(
      profiles.map((profile) => [profile.name, profile.kind, profile.region ?? '', profile.detail ?? '']),
    );
    const choices = profiles.map((profile, index) => ({
      value: profile.name,
      name: rows[index]!,
      short: profile.name,
    }));
    if (process.env.AWS_ACCESS_KEY_ID || choices.length === 0) {
      choices.push({
        value: ENVIRONMENT,
        name: process.env.AWS_ACCESS_KEY_ID
          ? '(environment)  AWS_ACCESS_KEY_ID is set'
          : '(environment)  the SDK’s default chain',
        short: '(environment)',
      });
    }
    const profile =
      choices.length === 1
        ? choices[0]!.value
        : await select({ message: 'Which AWS credentials?', choices }, prompt);
    connection = { ...connection, profile: profile === ENVIRONMENT ? undefined : profile };
  } else if (face.options.profile !== undefined) {
    connection = { ...connection, profile: face.options.profile };
  }
  const identity = await whoAmI(connection);
  const who = connection.profile ?? 'these credentials';
  if (identity.known) say(`✔ ${who} is ${identity.arn}`);
  else say(`? ${who}: ${identity.reason}${identity.fix ? `\n  ${identity.fix}` : ''}`);
  return connection;
}

// Not a bucket name (S3 names have no spaces): the "type a name" row.
const TYPE_A_NAME = ' type a name';

/**
 * Step 2: the bucket, from a filtered list, or typed when it cannot be listed. In the demo the
 * entry point's default bucket is only pre-selected: the newcomer still sees the choice.
 */
export async function askBucket(
  { face, prompt, say }: Asking,
  connection: ConnectionOptions,
): Promise<string> {
  const given = face.options.bucket;
  let buckets: BucketEntry[] = [];
  try {
    buckets = await listBuckets(connection);
  } catch (error) {
    if (!isUserError(error)) throw error;
    say(`! Cannot list buckets: ${error.message}${error.fix ? `\n  ${error.fix}` : ''}`);
  }
  const typed = () =>
    input(
      {
        message: 'Bucket name',
        default: given,
        validate: (value) => value.trim() !== '' || 'Type the bucket name.',
      },
      prompt,
    ).then((value) => value.trim());
  if (buckets.length === 0) return typed();
  say(`${formatCount(buckets.length)} buckets; type to filter.`);
  const picked = await search<string>(
    {
      message: 'Bucket',
      default: given,
      pageSize: 10,
      source: (term) => {
        const needle = term?.trim() ?? '';
        const matches = filterBuckets(buckets, needle);
        const choices = matches.map((bucket) => ({
          value: bucket.name,
          name: bucket.region ? `${bucket.name}  ${bucket.region}` : bucket.name,
          short: bucket.name,
        }));
        if (needle === '')
          choices.push({ value: TYPE_A_NAME, name: '(type a name you cannot list)', short: 'typed' });
        else if (!matches.some((bucket) => bucket.name === needle)) {
          choices.push({ value: needle, name: `use "${needle}" (a bucket you cannot list)`, short: needle });
        }
        return choices;
      },
    },
    prompt,
  );
  return picked === TYPE_A_NAME ? typed() : picked;
}

function dateProblem(value: string, flag: string): true | string {
  try {
    parseDateArg(value, flag);
    return true;
  } catch (error) {
    if (!isUserError(error)) throw error;
    return `${error.message} ${error.fix ?? ''}`.trim();
  }
}

/**
 * Step 4: granularity and range. Asked only when no flag gave them (in the demo, the seeded days are
 * the pre-filled answer); a range that cannot run is explained and asked again.
 */
export async function askRange({ face, prompt, say }: Asking): Promise<JobRange> {
  const { options } = face;
  const by: Granularity = options.byGiven
    ? options.by
    : await select(
        {
          message: 'Collapse by',
          default: options.by,
          choices: GRANULARITIES.map((value) => ({
            value,
            name: value,
            description: `one output per ${value}`,
          })),
        },
        prompt,
      );
  const includeOpen = options.includeOpen;
  const askDates = (options.from === undefined && options.to === undefined) || face.demo !== undefined;
  if (!askDates) {
    return rangeOf({ by, from: options.from, to: options.to, includeOpen }, face.now());
  }
  const defaults = resolvePeriods({ by, now: face.now(), includeOpen });
  let from = options.from ?? periodLabel(defaults[0]!);
  let to = options.to ?? periodLabel(defaults.at(-1)!);
  for (;;) {
    from = (
      await input(
        { message: 'From (UTC, inclusive)', default: from, validate: (value) => dateProblem(value, 'From') },
        prompt,
      )
    ).trim();
    to = (
      await input(
        { message: 'To (UTC, inclusive)', default: to, validate: (value) => dateProblem(value, 'To') },
        prompt,
      )
    ).trim();
    try {
      const range = rangeOf({ by, from, to, includeOpen }, face.now());
      say(`${counted(range.periods.length, by)} from ${range.from} to ${range.to}`);
      return range;
    } catch (error) {
      if (!isUserError(error)) throw error;
      printUserError(error, (text) => face.stdout.write(text));
    }
  }
}

/** Step 6: the typed confirmation. An empty answer backs out. */
export async function askConfirmation({ prompt }: Asking, bucket: string): Promise<boolean> {
  const typed = await input(
    {
      message: `Type the bucket name to go on (empty to stop):`,
      validate: (value) =>
        value.trim() === '' || value.trim() === bucket || `Type ${bucket} exactly, or nothing to stop.`,
    },
    prompt,
  );
  return typed.trim() === bucket;
}
