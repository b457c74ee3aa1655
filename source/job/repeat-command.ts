import type { Granularity } from '../periods.js';

export interface RunAnswers {
  readonly profile?: string | undefined;
  readonly region?: string | undefined;
  readonly endpoint?: string | undefined;
  readonly bucket: string;
  readonly prefix: string;
  readonly layout: string;
  readonly series?: readonly string[] | undefined;
  readonly from: string;
  readonly to: string;
  readonly by: Granularity;
  readonly outPrefix?: string | undefined;
  readonly includeOpen?: boolean | undefined;
  readonly demo?: boolean | undefined;
}

/** Quotes a shell word only when it needs it. */
function shellWord(value: string): string {
  return /^[A-Za-z0-9_./:=@-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/** The exact command that repeats a guided run without questions (the summary prints it). */
export function repeatCommand(answers: RunAnswers, extra: readonly string[] = ['--yes']): string {
  const words = ['npx', 's3collapse-tui'];
  const flag = (name: string, value: string | undefined) => {
    if (value !== undefined) words.push(`--${name}`, shellWord(value));
  };
  if (answers.demo) words.push('--demo');
  else {
    flag('profile', answers.profile);
    flag('region', answers.region);
    flag('endpoint', answers.endpoint);
  }
  flag('bucket', answers.bucket);
  flag('prefix', answers.prefix);
  flag('layout', answers.layout);
  for (const base of answers.series ?? []) flag('series', base);
  flag('from', answers.from);
  flag('to', answers.to);
  flag('by', answers.by);
  flag('out-prefix', answers.outPrefix);
  if (answers.includeOpen) words.push('--include-open');
  words.push(...extra);
  return words.join(' ');
}
