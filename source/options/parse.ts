import { parseArgs, type ParseArgsConfig } from 'node:util';
import { z } from 'zod';
import { UserError } from '../errors.js';
import { endpointFromEnv } from '../aws/endpoint-url.js';
import { FLAGS, FLAG_LIST, namesOf, type Flags } from './schema.js';
import { AWS_REGION, regionRefusal } from './values.js';

type Shape = { -readonly [K in keyof Flags]: ReturnType<Flags[K]['value']> };

/** What the flags say, checked and converted; a field for every flag in `FLAGS`. */
export type CliOptions = Readonly<z.output<z.ZodObject<Shape>>> & {
  /** Whether --by was given: the guided flow asks for the granularity otherwise. */
  readonly byGiven: boolean;
};

const SEE_HELP = 'See s3collapse-tui --help.';

/** parseArgs's configuration, derived: defaults are left to the schemas, so "given" stays visible. */
const PARSE_ARGS_OPTIONS: NonNullable<ParseArgsConfig['options']> = Object.fromEntries(
  FLAG_LIST.flatMap((spec) =>
    namesOf(spec).map((name, index) => [
      name,
      {
        type: spec.kind === 'boolean' ? ('boolean' as const) : ('string' as const),
        ...(spec.kind === 'multiple' ? { multiple: true } : {}),
        ...(index === 0 && spec.short ? { short: spec.short } : {}),
      },
    ]),
  ),
);

const TAKES_VALUE = new Set(
  FLAG_LIST.filter((spec) => spec.kind !== 'boolean').flatMap((spec) => [
    ...namesOf(spec).map((name) => `--${name}`),
    ...(spec.short ? [`-${spec.short}`] : []),
  ]),
);

/**
 * parseArgs reads the "-1" of `--concurrency -1` as an option and calls it ambiguous. A word that
 * starts with a dash and a digit is never an option here: it is joined to its flag, for the flag's
 * schema to judge.
 */
function joinNegativeValues(argv: readonly string[]): string[] {
  const words: string[] = [];
  for (let index = 0; index < argv.length; index += 1) {
    const word = argv[index]!;
    const next = argv[index + 1];
    if (word === '--') return [...words, ...argv.slice(index)];
    if (TAKES_VALUE.has(word) && next !== undefined && /^-\d/.test(next)) {
      words.push(`${word}=${next}`);
      index += 1;
    } else {
      words.push(word);
    }
  }
  return words;
}

/** A zod failure of a flag schema as the UserError the faces print (its `fix` param, else see --help). */
export function userErrorOf(error: z.ZodError, seeHelp = SEE_HELP): UserError {
  const issue = error.issues[0];
  const fix = issue?.code === 'custom' ? issue.params?.fix : undefined;
  return new UserError(issue?.message ?? 'Bad arguments.', typeof fix === 'string' ? fix : seeHelp);
}

/**
 * Checks that need more than one flag, or the environment: AWS region names only matter when the
 * requests go to AWS, and an endpoint in the environment is read only when no flag gives one.
 */
function checkConnection(options: CliOptions, env: NodeJS.ProcessEnv): void {
  if (options.demo) return;
  const endpoint = options.endpoint ?? endpointFromEnv(env);
  if (options.region !== undefined && endpoint === undefined && !AWS_REGION.test(options.region)) {
    const { refused, fix } = regionRefusal(FLAGS.region.flag, options.region, true);
    throw new UserError(refused, fix);
  }
}

export function parseCliArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): CliOptions {
  let values: Record<string, unknown>;
  try {
    values = parseArgs({
      args: joinNegativeValues(argv),
      strict: true,
      allowPositionals: false,
      options: PARSE_ARGS_OPTIONS,
    }).values;
  } catch (error) {
    throw new UserError((error as Error).message.split('\n')[0] ?? 'Bad arguments.', SEE_HELP);
  }
  const shape: Record<string, z.ZodType> = {};
  const raw: Record<string, unknown> = {};
  for (const spec of FLAG_LIST) {
    // The value is judged under the name the user typed, so an alias is named back.
    const used = namesOf(spec).find((name) => values[name] !== undefined) ?? spec.flag;
    shape[spec.field] = spec.value(used);
    raw[spec.field] = values[used];
  }
  const parsed = z.object(shape as Shape).safeParse(raw);
  if (!parsed.success) throw userErrorOf(parsed.error);
  const options: CliOptions = { ...parsed.data, byGiven: values[FLAGS.by.flag] !== undefined };
  checkConnection(options, env);
  return options;
}
