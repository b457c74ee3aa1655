import { ExitCode } from '../exit-code.js';
import { FLAG_LIST, namesOf, type FlagSpec, type HelpGroup } from './schema.js';

const GROUPS: readonly HelpGroup[] = ['Where', 'What', 'How', 'Plans'];

/** The flags' column; a longer flag pushes its own line's help to the right. */
const LABEL_WIDTH = 24;

/** The default the help shows: a phrase, or what the schema makes of an absent flag. */
function shownDefault(spec: FlagSpec): string | undefined {
  if (spec.defaultHelp !== undefined) return spec.defaultHelp;
  if (spec.kind === 'boolean') return undefined;
  const absent = spec.value(spec.flag).safeParse(undefined);
  return absent.success && absent.data !== undefined ? String(absent.data) : undefined;
}

function helpLine(spec: FlagSpec): string {
  const names = [
    `--${spec.flag}${spec.meta ? ` ${spec.meta}` : ''}`,
    ...(spec.short ? [`-${spec.short}`] : []),
  ];
  const label = names.join(', ');
  const also = [
    ...namesOf(spec)
      .slice(1)
      .map((name) => `--${name}`),
    ...(spec.env ?? []),
  ];
  const notes = [
    also.length > 0 ? `also ${also.join(', ')}` : undefined,
    spec.kind === 'multiple' ? 'repeatable' : undefined,
    shownDefault(spec) !== undefined ? `default: ${shownDefault(spec)}` : undefined,
  ].filter((note) => note !== undefined);
  const text = `${spec.help}${notes.map((note) => ` (${note})`).join('')}`;
  return `  ${label.length < LABEL_WIDTH ? label.padEnd(LABEL_WIDTH) : `${label}   `}${text}`;
}

/** The --help text, derived from the flag table. */
export function helpText(flags: readonly FlagSpec[] = FLAG_LIST): string {
  const sections = GROUPS.map((group) =>
    [group, ...flags.filter((spec) => spec.group === group).map(helpLine)].join('\n'),
  );
  return [
    's3collapse-tui — collapse small AWS log objects into one verified object per period',
    'Usage: s3collapse-tui [options]        (on a terminal, asks for whatever is missing)\n' +
      '       s3collapse-tui explain KEY | explain --bucket B     how a log key is built, what happens to it\n' +
      '       s3collapse-tui verify --bucket B [--prefix P]       check outputs against their manifests\n' +
      '       s3collapse-tui restore --bucket B --output KEY      write the originals of an output back\n' +
      '       s3collapse-tui plan [options] --out FILE           write the units of work of a range\n' +
      '       s3collapse-tui run --plan FILE [--shard I/N]       collapse a plan file (or one shard of it)\n' +
      '       (each subcommand takes --help)',
    ...sections,
    `Exit codes: ${ExitCode.Done} done, ${ExitCode.Unfinished} some period failed (nothing lost), ` +
      `${ExitCode.BadInput} bad input, ${ExitCode.Interrupted} interrupted.`,
  ].join('\n\n');
}

export const HELP = helpText();
