import type { Key } from 'ink';
import { describe, expect, it } from 'vitest';
import { commandLines } from '../../source/app/components/command-lines.js';
import { cursorReducer } from '../../source/app/components/list-cursor.js';
import {
  char,
  ENTER,
  ESCAPE,
  footerOf,
  HELP,
  runKey,
  UP_DOWN,
  type Binding,
} from '../../source/app/key-bindings.js';
import { keyAnatomy } from '../../source/job/key-anatomy.js';
import {
  changeGranularity,
  defaultRange,
  initialDraft,
  rangeView,
  shiftDate,
} from '../../source/app/range.js';
import { appReducer, initialState } from '../../source/app/state.js';
import { parseLogKey } from '../../source/layouts/index.js';
import { parseCliArgs } from '../../source/options.js';
import { keystrokes } from '../../source/app/keys.js';

const NOW = new Date('2026-11-24T10:30:00Z');

describe('keyAnatomy', () => {
  const keys = [
    ['logs/2026-11-23-14-05-31-6C0B8E3D1F2A4B7C', ['prefix', 'date', 'time UTC', 'unique id']],
    [
      'AWSLogs/o-a1b2c3d4e5/444455556666/CloudTrail/eu-west-1/2026/11/20/444455556666_CloudTrail_eu-west-1_20261120T0005Z_ABCDEF0123456789.json.gz',
      ['organization', 'account', 'region', 'date', 'time UTC', 'unique id'],
    ],
    [
      'logs/123456789012/us-east-1/site/2026/11/20/2026-11-20-00-01-02-ABCDEF0123456789',
      ['prefix', 'account', 'region', 'source bucket', 'date', 'time UTC', 'unique id'],
    ],
  ] as const;

  it.each(keys)('draws %s apart into lines that read back as the key', (key, labels) => {
    const blocks = keyAnatomy(parseLogKey(key)!.parsed.fields, 76);
    expect(blocks.map((block) => block.key).join('')).toBe(key);
    for (const block of blocks) {
      expect(block.key.length).toBeLessThanOrEqual(76);
      expect(block.braces.length).toBeLessThanOrEqual(block.key.length);
      for (const line of block.labels) expect(line.length).toBeLessThanOrEqual(76);
    }
    const text = blocks.flatMap((block) => block.labels).join('\n');
    for (const label of labels) expect(text).toContain(label);
  });

  it('puts each brace under its field, with its stem where the label hangs', () => {
    const [block] = keyAnatomy(parseLogKey('logs/2026-11-23-14-05-31-6C0B8E3D1F2A4B7C')!.parsed.fields);
    expect(block).toEqual({
      key: 'logs/2026-11-23-14-05-31-6C0B8E3D1F2A4B7C',
      braces: '╰─┬─╯╰───┬────╯ ╰──┬───╯ ╰──────┬───────╯',
      labels: ['prefix date    time UTC     unique id'],
    });
  });
});

describe('range drafts', () => {
  it('defaults to yesterday, spelled for the granularity', () => {
    expect(defaultRange('day', NOW)).toEqual({ from: '2026-11-23', to: '2026-11-23' });
    expect(defaultRange('hour', NOW)).toEqual({ from: '2026-11-23T00', to: '2026-11-23T23' });
    expect(defaultRange('month', NOW)).toEqual({ from: '2026-10', to: '2026-10' });
    expect(initialDraft({ from: '2026-11-01', by: 'day' }, NOW)).toMatchObject({
      from: '2026-11-01',
      to: '2026-11-01',
    });
  });

  it('keeps the span when the granularity changes, and shifts dates by whole periods', () => {
    const day = { by: 'day', from: '2026-11-01', to: '2026-11-23', field: 'by' } as const;
    expect(changeGranularity(day, -1)).toMatchObject({
      by: 'hour',
      from: '2026-11-01T00',
      to: '2026-11-23T23',
    });
    expect(changeGranularity(day, 1)).toMatchObject({ by: 'month', from: '2026-11', to: '2026-11' });
    expect(shiftDate(day, 'from', -1).from).toBe('2026-10-31');
    expect(shiftDate(day, 'to', 1).to).toBe('2026-11-24');
  });

  it('shows unfinished periods but never selects them', () => {
    const view = rangeView({ by: 'day', from: '2026-11-22', to: '2026-11-24', field: 'by' }, NOW, false);
    expect(view.selectable.map((period) => period.start.toISOString().slice(0, 10))).toEqual([
      '2026-11-22',
      '2026-11-23',
    ]);
    expect(view.open).toHaveLength(1);
    expect(
      rangeView({ by: 'day', from: '2026-11-24', to: '2026-11-24', field: 'by' }, NOW, false).error?.message,
    ).toContain('not finished');
    expect(
      rangeView({ by: 'day', from: '2026-11-24', to: '2026-11-24', field: 'by' }, NOW, true).selectable,
    ).toHaveLength(1);
  });
});

describe('the flow reducer', () => {
  it('skips steps answered by flags going forward, and Esc returns only to screens seen', () => {
    let state = initialState(
      parseCliArgs(['--bucket', 'b', '--layout', 's3-access-simple', '--prefix', 'logs/', '--yes']),
      true,
    );
    expect(state.step).toBe('profile');
    state = appReducer(state, { type: 'choose-profile', profile: { label: 'demo' } });
    expect(state.step).toBe('range');
    state = appReducer(state, { type: 'back' });
    expect(state.step).toBe('profile');
    state = appReducer(state, { type: 'back' });
    expect(state.step).toBe('profile');
  });

  it('starts past the profile step with --profile, and goes from CloudTrail to its series', () => {
    let state = initialState(parseCliArgs(['--profile', 'prod']), false);
    expect(state).toMatchObject({ step: 'bucket', profile: { name: 'prod' } });
    state = appReducer(state, { type: 'choose-bucket', bucket: 'trail' });
    state = appReducer(state, { type: 'choose-layout', layout: { layout: 'cloudtrail', root: '' } });
    expect(state.step).toBe('series');
    state = appReducer(state, { type: 'choose-series', bases: ['AWSLogs/1/CloudTrail/eu-west-1/'] });
    expect(state).toMatchObject({ step: 'range', seriesBases: ['AWSLogs/1/CloudTrail/eu-west-1/'] });
  });
});

describe('commandLines', () => {
  it('breaks a long command between flags, never between a flag and its value', () => {
    const command =
      'npx s3collapse-tui --profile default --bucket acme-s3-access-logs --prefix logs/ --layout s3-access-simple --from 2026-11-14 --to 2026-11-14 --by day --yes';
    const lines = commandLines(command);
    expect(lines.length).toBeGreaterThan(1);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(74);
    expect(lines.slice(0, -1).every((line) => line.endsWith(' \\'))).toBe(true);
    expect(lines.map((line) => line.replace(/ \\$/, '').trim()).join(' ')).toBe(command);
    expect(lines.some((line) => /--[a-z-]+ \\$/.test(line))).toBe(false);
  });
});

describe('cursorReducer', () => {
  const moves = [
    // [cursor, by, count, expected]
    [0, 1, 3, 1],
    [2, 1, 3, 2],
    [0, -1, 3, 0],
    [1, -9, 3, 0],
    [0, 9, 3, 2],
    [0, 1, 0, 0],
    // The preview's scroll: 20 rows under a 9-row window give 12 tops.
    [10, 9, 12, 11],
  ] as const;
  it.each(moves)(
    'moves %i by %i within %i rows to %i, stopping at the ends',
    (cursor, by, count, expected) => {
      expect(cursorReducer(cursor, { type: 'move', by, count })).toBe(expected);
    },
  );
});

describe('key bindings', () => {
  const NO_KEY: Key = {
    upArrow: false,
    downArrow: false,
    leftArrow: false,
    rightArrow: false,
    pageDown: false,
    pageUp: false,
    home: false,
    end: false,
    return: false,
    escape: false,
    ctrl: false,
    shift: false,
    tab: false,
    backspace: false,
    delete: false,
    meta: false,
    super: false,
    hyper: false,
    capsLock: false,
    numLock: false,
  };
  function screenKeys(ran: string[]): Binding[] {
    return [
      { ...UP_DOWN, does: 'move', run: () => ran.push('move') },
      { ...ENTER, does: 'choose', run: () => ran.push('choose') },
      { ...ESCAPE, does: 'back', run: () => ran.push('back') },
      HELP,
      { ...char('q'), does: 'quit', hidden: true, run: () => ran.push('quit') },
      {
        label: 'a-z',
        does: 'type',
        hidden: true,
        matches: (input) => input !== '',
        run: () => ran.push('type'),
      },
    ];
  }

  it('writes the footer from the bindings in order, leaving out hidden ones', () => {
    expect(footerOf(screenKeys([]))).toBe('↑↓ move  ⏎ choose  esc back  ? help');
  });

  const presses = [
    ['down', '', { downArrow: true }, 'move'],
    ['enter (its input is \\r)', '\r', { return: true }, 'choose'],
    ['esc', '', { escape: true, meta: true }, 'back'],
    ['q, before the catch-all', 'q', {}, 'quit'],
    ['x', 'x', {}, 'type'],
    ['? (named for the footer, run by the app)', '?', {}, 'type'],
  ] as const;
  it.each(presses)('runs the first binding that matches %s', (_name, input, key, expected) => {
    const ran: string[] = [];
    expect(runKey(screenKeys(ran), input, { ...NO_KEY, ...key })).toBe(true);
    expect(ran).toEqual([expected]);
  });

  it('says when no binding took the key', () => {
    expect(runKey([HELP], '?', NO_KEY)).toBe(false);
    expect(runKey([{ ...HELP, run: () => undefined }], '?', NO_KEY)).toBe(true);
  });
});

describe('keystrokes: a chunk of keys that arrived together', () => {
  const plain = { return: false, ctrl: false, meta: false } as Key;
  it.each([
    ['a lone key', 'a', [['a', false]]],
    [
      'a name pasted with Enter',
      'my-bucket\r',
      [
        ['my-bucket', false],
        ['', true],
      ],
    ],
    [
      'text, Enter, more text',
      'ab\r\ncd',
      [
        ['ab', false],
        ['', true],
        ['cd', false],
      ],
    ],
    ['text with no line end', 'logs', [['logs', false]]],
  ])('%s', (_, chunk, expected) => {
    expect(keystrokes(chunk, plain).map(([input, key]) => [input, key.return])).toEqual(expected);
  });
});
