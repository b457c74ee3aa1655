import { FLAG_LIST, type FlagField, type Flags, type FlagSpec } from '../options/schema.js';
import type { Granularity } from '../periods.js';

export interface RunAnswers {
  readonly profile?: string | undefined;
  readonly region?: string | undefined;
  readonly endpoint?: string | undefined;
  readonly bucket: string;
  readonly prefix: string;
  /** Absent with a key pattern: `--key-pattern` names the layout then. */
  readonly layout?: string | undefined;
  readonly keyPattern?: string | undefined;
  readonly series?: readonly string[] | undefined;
  readonly from: string;
  readonly to: string;
  readonly by: Granularity;
  readonly outPrefix?: string | undefined;
  readonly includeOpen?: boolean | undefined;
  readonly checkDigests?: boolean | undefined;
  readonly demo?: boolean | undefined;
}

/** The fields the flag table marks as part of the repeat command. */
type RepeatedField = {
  [K in FlagField]: Flags[K] extends { readonly repeat: string } ? K : never;
}[FlagField];

/** A flag marked `repeat` that is no answer, or an answer with no such flag, fails to compile here. */
const sameFields: [RepeatedField, keyof RunAnswers] extends [keyof RunAnswers, RepeatedField] ? true : never =
  true;
void sameFields;

const REPEATED = FLAG_LIST.filter(
  (spec): spec is FlagSpec & { readonly field: RepeatedField } => spec.repeat !== undefined,
);

/** Quotes a shell word only when it needs it. */
function shellWord(value: string): string {
  return /^[A-Za-z0-9_./:=@-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/** A value starting with "-" would read as an option after a separate flag word, so it is joined with "=". */
function flagWords(spec: FlagSpec, value: RunAnswers[RepeatedField]): string[] {
  const flag = `--${spec.flag}`;
  if (value === undefined || value === false) return [];
  if (value === true) return [flag];
  return (typeof value === 'string' ? [value] : value).flatMap((one) =>
    one.startsWith('-') ? [shellWord(`${flag}=${one}`)] : [flag, shellWord(one)],
  );
}

/** The exact command that repeats a guided run without questions (the summary prints it). */
export function repeatCommand(answers: RunAnswers, extra: readonly string[] = ['--yes']): string {
  const words = ['npx', 's3collapse-tui'];
  for (const spec of REPEATED) {
    if (answers.demo && spec.repeat === 'connection') continue;
    words.push(...flagWords(spec, answers[spec.field]));
  }
  words.push(...extra);
  return words.join(' ');
}
