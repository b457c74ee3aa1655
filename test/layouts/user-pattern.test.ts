import { describe, expect, it } from 'vitest';
import { UserError } from '../../source/errors.js';
import { layoutFromFlags, repeatAnswers } from '../../source/job/collapse-job.js';
import { repeatCommand } from '../../source/job/repeat-command.js';
import { layoutById } from '../../source/layouts/index.js';
import { keyPatternLayout } from '../../source/layouts/user-pattern.js';
import { parseCliArgs } from '../../source/options.js';
import { periodOf, type Granularity } from '../../source/periods.js';

const APP = 'app-logs/{yyyy}/{MM}/{dd}/*-{HH}{mm}.log';

const thrown = (run: () => unknown): UserError => {
  try {
    run();
  } catch (error) {
    if (error instanceof UserError) return error;
    throw error;
  }
  throw new Error('expected a UserError');
};

describe('keyPatternLayout: parse', () => {
  const valid = [
    [APP, 'app-logs/2024/05/01/web-1-1305.log', '2024-05-01T13:05:00.000Z', 'app-logs/'],
    [APP, 'app-logs/2024/05/01/-0000.log', '2024-05-01T00:00:00.000Z', 'app-logs/'],
    [
      '{yyyy}-{MM}-{dd}T{HH}:{mm}:{ss}.json.gz',
      '2024-02-29T23:59:58.json.gz',
      '2024-02-29T23:59:58.000Z',
      '',
    ],
    ['svc/**/{yyyy}{MM}{dd}.txt', 'svc/a/b/c/20240501.txt', '2024-05-01T00:00:00.000Z', 'svc/'],
    ['svc/**/{yyyy}{MM}{dd}.txt', 'svc/20240501.txt', '2024-05-01T00:00:00.000Z', 'svc/'],
    // A repeated field must repeat its value: the folder and the file name agree.
    [
      'x/{yyyy}/{MM}/{dd}/x_{yyyy}{MM}{dd}T{HH}{mm}Z_*.gz',
      'x/2024/05/01/x_20240501T1305Z_ab.gz',
      '2024-05-01T13:05:00.000Z',
      'x/',
    ],
  ] as const;

  it.each(valid)('%s matches %s', (pattern, key, time, root) => {
    const parsed = keyPatternLayout(pattern).parse(key);
    expect(parsed?.time.toISOString()).toBe(time);
    expect(parsed?.series).toMatchObject({ layout: 'key-pattern', root, base: root });
    // The labelled fields draw the key apart exactly: explain and the guided app rely on it.
    expect(parsed?.fields.map((field) => field.text).join('')).toBe(key);
  });

  it('labels a run of date fields as one date, wildcards as wildcards', () => {
    const parsed = keyPatternLayout(APP).parse('app-logs/2024/05/01/web-1-1305.log');
    expect(parsed?.fields).toEqual([
      { name: 'prefix', text: 'app-logs/' },
      { name: 'date', text: '2024/05/01' },
      { name: 'literal', text: '/' },
      { name: 'wildcard', text: 'web-1' },
      { name: 'literal', text: '-' },
      { name: 'time', text: '1305' },
      { name: 'literal', text: '.log' },
    ]);
  });

  const refused = {
    '* never crosses a folder': [APP, 'app-logs/2024/05/01/web/1-1305.log'],
    'a date that does not exist': [APP, 'app-logs/2024/02/30/web-1305.log'],
    'an hour past 23': [APP, 'app-logs/2024/05/01/web-2405.log'],
    'another extension': [APP, 'app-logs/2024/05/01/web-1305.log.gz'],
    'repeated fields that disagree': [
      'x/{yyyy}/{MM}/{dd}/x_{yyyy}{MM}{dd}T{HH}{mm}Z_*.gz',
      'x/2024/05/01/x_20240502T1305Z_ab.gz',
    ],
    "the tool's own output, though the pattern matches it": [
      'logs/{yyyy}-{MM}-{dd}*',
      'logs/2024-05-01_collapsed',
    ],
    "the tool's own manifest": ['logs/**{yyyy}-{MM}-{dd}*', 'logs/_2024-05-01_collapsed.manifest.json'],
    'a key outside the root': [APP, 'other/2024/05/01/web-1-1305.log'],
  } as const;

  it.each(Object.entries(refused))('never claims %s', (_, [pattern, key]) => {
    expect(keyPatternLayout(pattern).parse(key)).toBeUndefined();
  });
});

describe('keyPatternLayout: listing prefixes and outputs', () => {
  const at = (by: Granularity) => periodOf(new Date('2024-05-01T13:05:00Z'), by);
  const rows = [
    // pattern, by, listing prefix, output key
    [APP, 'hour', 'app-logs/2024/05/01/', 'app-logs/2024/05/01/2024-05-01-13_collapsed.log'],
    [APP, 'day', 'app-logs/2024/05/01/', 'app-logs/2024/05/01/2024-05-01_collapsed.log'],
    [APP, 'month', 'app-logs/2024/05/', 'app-logs/2024/05/2024-05_collapsed.log'],
    [
      'logs/{yyyy}/{MM}/{dd}/{HH}/*.log',
      'hour',
      'logs/2024/05/01/13/',
      'logs/2024/05/01/13/2024-05-01-13_collapsed.log',
    ],
    // The period's fields are in the file name: the output keeps the name up to them.
    [
      'logs/app-{yyyy}-{MM}-{dd}-{HH}*.txt',
      'day',
      'logs/app-2024-05-01-',
      'logs/app-2024-05-01_collapsed.txt',
    ],
    [
      'logs/app-{yyyy}-{MM}-{dd}-{HH}*.txt',
      'hour',
      'logs/app-2024-05-01-13',
      'logs/app-2024-05-01-13_collapsed.txt',
    ],
    ['logs/app-{yyyy}-{MM}-{dd}-{HH}*.txt', 'month', 'logs/app-2024-05-', 'logs/app-2024-05_collapsed.txt'],
    [
      'x/{yyyy}/{MM}/{dd}/x_{yyyy}{MM}{dd}T{HH}{mm}Z_*.json.gz',
      'day',
      'x/2024/05/01/x_20240501T',
      'x/2024/05/01/x_20240501_collapsed.json.gz',
    ],
    // A fixed start of the file names is kept, so two patterns in one folder get two outputs.
    [
      'logs/{yyyy}/{MM}/{dd}/web-*',
      'day',
      'logs/2024/05/01/web-',
      'logs/2024/05/01/web-2024-05-01_collapsed',
    ],
    // A wildcard before the date: one listing of the root, one output per period at it.
    ['logs/*/{yyyy}/{MM}/{dd}/x.log', 'day', 'logs/', 'logs/2024-05-01_collapsed.log'],
  ] as const;

  it.each(rows)('%s by %s', (pattern, by, listing, output) => {
    const layout = keyPatternLayout(pattern);
    const series = {
      layout: 'key-pattern' as const,
      root: layout.root,
      base: layout.root,
      label: layout.root,
    };
    expect(layout.listingPrefix(series, at(by))).toBe(listing);
    expect(layout.outputKey(series, at(by))).toBe(output);
    // An output is never an input of its own layout, and sits where the listing finds it.
    expect(layout.parse(output)).toBeUndefined();
  });

  it('gzip when the pattern ends in .gz; the extension is the fixed ending', () => {
    expect(keyPatternLayout('a/{yyyy}{MM}{dd}-*.json.gz')).toMatchObject({
      encoding: 'gzip',
      extension: '.json.gz',
    });
    expect(keyPatternLayout(APP)).toMatchObject({ encoding: 'plain', extension: '.log' });
    expect(keyPatternLayout('a/{yyyy}{MM}{dd}-*')).toMatchObject({ encoding: 'plain', extension: '' });
  });

  it('refuses to collapse by hour without {HH}', () => {
    const layout = keyPatternLayout('a/{yyyy}/{MM}/{dd}/*.log');
    const series = { layout: 'key-pattern' as const, root: 'a/', base: 'a/', label: 'a/' };
    const error = thrown(() => layout.outputKey(series, at('hour')));
    expect(error.message).toContain('has no {HH}');
    expect(error.fix).toContain('--by day');
  });
});

describe('keyPatternLayout: bad patterns', () => {
  const bad = {
    'no day': ['logs/{yyyy}/{MM}/*.log', 'has no {dd}'],
    'no date at all': ['logs/*.log', 'has no {yyyy}, {MM}, {dd}'],
    'an unknown field': ['logs/{yyyy}/{MM}/{dd}/{host}.log', 'unknown field {host}'],
    'a lower-case month': ['logs/{yyyy}/{mm}/{dd}', 'has no {MM}'],
    'an unclosed brace': ['logs/{yyyy}/{MM}/{dd', 'has a "{" with no "}"'],
    'a leading slash': ['/logs/{yyyy}{MM}{dd}', 'starts with "/"'],
    nothing: ['', 'is empty'],
  } as const;

  it.each(Object.entries(bad))('%s is a UserError naming the fields it accepts', (_, [pattern, message]) => {
    const error = thrown(() => keyPatternLayout(pattern));
    expect(error.message).toContain(message);
    expect(error.fix).toBe(
      'Fields: {yyyy} {MM} {dd} (required), {HH} {mm} {ss}; wildcards: * (any text within a folder), ** (any text).',
    );
  });

  it('is refused while parsing the flags, before any request', () => {
    const error = thrown(() => parseCliArgs(['--key-pattern', 'logs/{yyyy}/{MM}/*.log']));
    expect(error.message).toBe(
      "--key-pattern logs/{yyyy}/{MM}/*.log has no {dd}: a key's date comes from them.",
    );
    expect(error.fix).toContain('Fields: {yyyy} {MM} {dd}');
  });
});

describe('--key-pattern in the job', () => {
  it('is the layout at its root: detection skipped, and layoutById finds it', () => {
    const options = parseCliArgs(['--key-pattern', APP]);
    expect(layoutFromFlags(options)).toEqual({ layout: 'key-pattern', root: 'app-logs/' });
    expect(layoutById('key-pattern').keyPattern).toBe(APP);
    expect(layoutById('key-pattern').parse('app-logs/2024/05/01/web-1305.log')).toBeDefined();
  });

  it('takes --prefix only when it is the root, and never with --layout', () => {
    expect(layoutFromFlags(parseCliArgs(['--key-pattern', APP, '--prefix', 'app-logs/']))?.root).toBe(
      'app-logs/',
    );
    expect(
      thrown(() => layoutFromFlags(parseCliArgs(['--key-pattern', APP, '--prefix', 'logs/']))).message,
    ).toContain('disagrees with --key-pattern');
    expect(
      thrown(() => layoutFromFlags(parseCliArgs(['--key-pattern', APP, '--layout', 'cloudtrail']))).message,
    ).toBe('--layout cloudtrail and --key-pattern both name the layout.');
  });

  it('is repeated as --key-pattern (no --layout), and the repeat parses back to the same layout', () => {
    const options = parseCliArgs(['--key-pattern', APP, '--bucket', 'b']);
    const layout = layoutFromFlags(options)!;
    const repeat = repeatAnswers(
      { options, version: 'test' },
      {
        connection: {},
        bucket: 'b',
        layout,
        range: { by: 'day', from: '2024-05-01', to: '2024-05-01', periods: [] },
      },
    );
    const command = repeatCommand(repeat);
    expect(command).toContain(`--key-pattern '${APP}'`);
    expect(command).not.toContain('--layout');
    const words = ['--bucket', 'b', '--prefix', 'app-logs/', '--key-pattern', APP];
    expect(layoutFromFlags(parseCliArgs(words))).toEqual(layout);
  });
});
