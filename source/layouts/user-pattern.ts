import { UserError } from '../errors.js';
import { utcParts, type Granularity, type Period } from '../periods.js';
import { utcDate } from './key-pattern.js';
import type { KeyField, Layout, ParsedKey, Series } from './types.js';

/**
 * A layout from a `--key-pattern` such as `app-logs/{yyyy}/{MM}/{dd}/*-{HH}{mm}.log`, for logs no
 * built-in layout knows. Named fields give the key's time; `*` is any run of characters within one
 * folder level, `**` any run at all. The whole pattern is one series: its root is the fixed text
 * before the first field or wildcard.
 */

const FIELD_NAMES = ['yyyy', 'MM', 'dd', 'HH', 'mm', 'ss'] as const;
type DateField = (typeof FIELD_NAMES)[number];
const REQUIRED: readonly DateField[] = ['yyyy', 'MM', 'dd'];
const FIELD_WIDTH: Readonly<Record<DateField, number>> = { yyyy: 4, MM: 2, dd: 2, HH: 2, mm: 2, ss: 2 };
/** The fields a period of each granularity fixes: a listing can name them, the rest vary inside it. */
const FIXED_BY: Readonly<Record<Granularity, readonly DateField[]>> = {
  month: ['yyyy', 'MM'],
  day: ['yyyy', 'MM', 'dd'],
  hour: ['yyyy', 'MM', 'dd', 'HH'],
};

type Token =
  | { readonly kind: 'literal'; readonly text: string }
  | { readonly kind: 'field'; readonly name: DateField }
  | { readonly kind: 'star' }
  // `**`; followed by a slash (`folders`) it is any number of whole folders, none included, as in shell globs.
  | { readonly kind: 'globstar'; readonly folders: boolean };

export const PATTERN_HELP =
  'Fields: {yyyy} {MM} {dd} (required), {HH} {mm} {ss}; wildcards: * (any text within a folder), ** (any text).';

const refuse = (problem: string): UserError => new UserError(`--key-pattern ${problem}`, PATTERN_HELP);

export function tokenize(pattern: string): Token[] {
  if (pattern === '') throw refuse('is empty.');
  if (pattern.startsWith('/')) throw refuse(`${pattern} starts with "/": S3 keys do not.`);
  const tokens: Token[] = [];
  let literal = '';
  const flush = (): void => {
    if (literal !== '') tokens.push({ kind: 'literal', text: literal });
    literal = '';
  };
  for (let index = 0; index < pattern.length;) {
    const char = pattern[index]!;
    if (char === '{') {
      const close = pattern.indexOf('}', index);
      if (close < 0) throw refuse(`${pattern} has a "{" with no "}".`);
      const name = pattern.slice(index + 1, close);
      const field = FIELD_NAMES.find((known) => known === name);
      if (!field) throw refuse(`${pattern} has an unknown field {${name}}.`);
      flush();
      tokens.push({ kind: 'field', name: field });
      index = close + 1;
    } else if (char === '*') {
      flush();
      const globstar = pattern[index + 1] === '*';
      const folders = globstar && pattern[index + 2] === '/';
      tokens.push(globstar ? { kind: 'globstar', folders } : { kind: 'star' });
      index += folders ? 3 : globstar ? 2 : 1;
    } else {
      literal += char;
      index += 1;
    }
  }
  flush();
  const missing = REQUIRED.filter((name) => !tokens.some((t) => t.kind === 'field' && t.name === name));
  if (missing.length > 0)
    throw refuse(
      `${pattern} has no ${missing.map((name) => `{${name}}`).join(', ')}: a key's date comes from them.`,
    );
  return tokens;
}

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** One named group per token; a field seen before must repeat its first value (a backreference). */
function regexOf(tokens: readonly Token[]): { regex: RegExp; firstOf: Map<DateField, number> } {
  const firstOf = new Map<DateField, number>();
  const parts = tokens.map((token, index) => {
    const group = (body: string): string => `(?<t${index}>${body})`;
    switch (token.kind) {
      case 'literal':
        return group(escape(token.text));
      case 'star':
        return group('[^/]*');
      case 'globstar':
        return group(token.folders ? '(?:[^]*/)?' : '[^]*');
      case 'field': {
        const first = firstOf.get(token.name);
        if (first !== undefined) return group(`\\k<t${first}>`);
        firstOf.set(token.name, index);
        return group(`\\d{${FIELD_WIDTH[token.name]}}`);
      }
    }
  });
  return { regex: new RegExp(`^${parts.join('')}$`), firstOf };
}

/** The tool's own outputs and manifests are never inputs, whatever the pattern would match. */
const OWN_FILE = /_collapsed[^/]*$/;

const DATE_FIELDS: ReadonlySet<DateField> = new Set(['yyyy', 'MM', 'dd']);
/** Short separators a run of date (or time) fields is read across, so `2024/05/01` is one field. */
const SEPARATOR = /^[-/_.:]$/;

function fieldOf(token: Token, text: string, index: number): KeyField {
  if (token.kind === 'field') return { name: DATE_FIELDS.has(token.name) ? 'date' : 'time', text };
  if (token.kind === 'literal') return { name: index === 0 ? 'prefix' : 'literal', text };
  return { name: 'wildcard', text };
}

/** Joins `2024` `/` `05` `/` `01` into one date field: the anatomy labels what a reader sees as one. */
function mergeRuns(fields: readonly KeyField[]): KeyField[] {
  const merged: KeyField[] = [];
  for (let index = 0; index < fields.length; index += 1) {
    const field = fields[index]!;
    const last = merged.at(-1);
    const dated = field.name === 'date' || field.name === 'time';
    const next = fields[index + 1];
    if (dated && last?.name === field.name) {
      merged[merged.length - 1] = { name: field.name, text: last.text + field.text };
    } else if (
      field.name === 'literal' &&
      SEPARATOR.test(field.text) &&
      (last?.name === 'date' || last?.name === 'time') &&
      next?.name === last.name
    ) {
      merged[merged.length - 1] = { name: last.name, text: last.text + field.text + next.text };
      index += 1;
    } else if (field.text !== '') {
      merged.push(field);
    }
  }
  return merged;
}

/** The extension a reader picks the codec from: the pattern's fixed ending, `.log`, `.json.gz`. */
function extensionOf(tokens: readonly Token[]): string {
  const last = tokens.at(-1);
  if (last?.kind !== 'literal') return '';
  const name = last.text.slice(last.text.lastIndexOf('/') + 1);
  const dot = name.indexOf('.');
  const extension = dot < 0 ? '' : name.slice(dot);
  return /^(?:\.[A-Za-z0-9]+)+$/.test(extension) ? extension : '';
}

const stemOf = (period: Period): string => {
  const { yyyy, mm, dd, hh } = utcParts(period.start);
  if (period.by === 'month') return `${yyyy}-${mm}`;
  return period.by === 'day' ? `${yyyy}-${mm}-${dd}` : `${yyyy}-${mm}-${dd}-${hh}`;
};

export interface KeyPatternLayout extends Layout {
  readonly keyPattern: string;
  /** The fixed text before the first field or wildcard: the `--prefix` of this layout. */
  readonly root: string;
}

/**
 * The layout a `--key-pattern` describes. Throws a UserError naming the accepted fields for a pattern
 * without {yyyy}{MM}{dd} or with an unknown field.
 *
 * Listing: the pattern's text with the period's fields filled in, up to the first part the period
 * does not fix. Output: when the period's fields are all in the file name
 * (`logs/app-{yyyy}-{MM}-{dd}.log`), the name up to them (`logs/app-2024-05-01_collapsed.log`);
 * else in that listing's folder, its fixed start of a name kept (`app-2024-05-01_collapsed.log`),
 * so two patterns under one folder rarely share an output.
 * The extension is the pattern's fixed ending (`.log`, `.json.gz`); gzip when it ends in `.gz`.
 */
export function keyPatternLayout(pattern: string): KeyPatternLayout {
  const tokens = tokenize(pattern);
  const { regex, firstOf } = regexOf(tokens);
  const root = tokens[0]?.kind === 'literal' ? tokens[0].text : '';
  const series: Series = {
    layout: 'key-pattern',
    root,
    base: root,
    label: root === '' ? '(bucket root)' : root,
  };
  const hasHour = firstOf.has('HH');
  const extension = extensionOf(tokens);

  /** The listing prefix, and how far into it the period's own fields reach. */
  function fill(period: Period): {
    prefix: string;
    allFixed: boolean;
    throughFields: string;
    whole: boolean;
  } {
    if (period.by === 'hour' && !hasHour) {
      throw new UserError(
        `--key-pattern ${pattern} has no {HH}: its keys cannot be collapsed by hour.`,
        'Use --by day or --by month, or add {HH} to the pattern.',
      );
    }
    const { yyyy, mm, dd, hh } = utcParts(period.start);
    const values: Partial<Record<DateField, string>> = { yyyy, MM: mm, dd, HH: hh };
    const fixed = FIXED_BY[period.by];
    let prefix = '';
    let throughFields = '';
    const seen = new Set<DateField>();
    let whole = true;
    for (const token of tokens) {
      if (token.kind === 'literal') prefix += token.text;
      else if (token.kind === 'field' && fixed.includes(token.name)) {
        prefix += values[token.name]!;
        seen.add(token.name);
        throughFields = prefix;
      } else {
        whole = false;
        break;
      }
    }
    return { prefix, allFixed: fixed.every((name) => seen.has(name)), throughFields, whole };
  }

  return {
    id: 'key-pattern',
    title: `logs matching ${pattern}`,
    writtenBy: 'Whatever you set up to write them: this tool knows only the --key-pattern you gave.',
    extension,
    encoding: pattern.endsWith('.gz') ? 'gzip' : 'plain',
    pickSeries: false,
    keyPattern: pattern,
    root,

    parse(key: string): ParsedKey | undefined {
      if (OWN_FILE.test(key)) return undefined;
      const groups = regex.exec(key)?.groups;
      if (!groups) return undefined;
      const value = (name: DateField): string | undefined => {
        const index = firstOf.get(name);
        return index === undefined ? undefined : groups[`t${index}`];
      };
      const time = utcDate(value('yyyy')!, value('MM')!, value('dd')!, value('HH'), value('mm'), value('ss'));
      if (!time) return undefined;
      const fields = mergeRuns(
        tokens.map((token, index) => fieldOf(token, groups[`t${index}`] ?? '', index)),
      );
      return { series, time, fields };
    },

    listingPrefix(_series: Series, period: Period): string {
      return fill(period).prefix;
    },

    outputKey(_series: Series, period: Period): string {
      const { prefix, allFixed, throughFields, whole } = fill(period);
      const folderEnd = prefix.lastIndexOf('/') + 1;
      // The period's fields are in the file name: name the output after them, as CloudTrail's are.
      if (allFixed && throughFields.length > folderEnd) return `${throughFields}_collapsed${extension}`;
      // Else in the period's folder, keeping a fixed start of the file names (`app-`) when there is one.
      const lead = whole ? '' : prefix.slice(folderEnd);
      return `${prefix.slice(0, folderEnd)}${lead}${stemOf(period)}_collapsed${extension}`;
    },

    async discoverSeries(): Promise<Series[]> {
      return [series];
    },
  };
}
