import { describe, expect, it } from 'vitest';
import { UserError } from '../source/errors.js';
import { parseDateArg, periodLabel, periodOf, periodsCovering, resolvePeriods } from '../source/periods.js';

const now = new Date('2026-11-24T15:30:00Z');

describe('parseDateArg', () => {
  it.each([
    ['2024-05-01', Date.UTC(2024, 4, 1), 'day'],
    ['2024-05-01T13', Date.UTC(2024, 4, 1, 13), 'hour'],
    ['2024-05', Date.UTC(2024, 4, 1), 'month'],
    ['2024-02-29', Date.UTC(2024, 1, 29), 'day'],
    ['2023-12-31T23', Date.UTC(2023, 11, 31, 23), 'hour'],
  ])('%s', (text, expected, unit) => {
    const parsed = parseDateArg(text, '--from');
    expect(parsed.start.getTime()).toBe(expected);
    expect(parsed.unit).toBe(unit);
  });

  const invalid = [
    '2024-5-1',
    '2024-02-30',
    '2023-02-29',
    '2024-13-01',
    '2024-05-01T24',
    '2024-05-01 13',
    'yesterday',
    '',
    '20240501',
  ];
  it.each(invalid)('rejects %j with the accepted forms', (text) => {
    expect(() => parseDateArg(text, '--from')).toThrow(UserError);
    try {
      parseDateArg(text, '--from');
    } catch (error) {
      expect((error as UserError).fix).toContain('2024-05-01T13');
    }
  });
});

describe('periods', () => {
  it.each([
    ['hour', '2024-05-01T13:59:59Z', '2024-05-01T13:00:00.000Z', '2024-05-01T14:00:00.000Z', '2024-05-01T13'],
    ['day', '2024-05-01T23:59:59Z', '2024-05-01T00:00:00.000Z', '2024-05-02T00:00:00.000Z', '2024-05-01'],
    ['month', '2024-02-29T12:00:00Z', '2024-02-01T00:00:00.000Z', '2024-03-01T00:00:00.000Z', '2024-02'],
    ['month', '2024-12-31T23:00:00Z', '2024-12-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z', '2024-12'],
  ] as const)('%s holding %s', (by, instant, start, end, label) => {
    const period = periodOf(new Date(instant), by);
    expect(period.start.toISOString()).toBe(start);
    expect(period.end.toISOString()).toBe(end);
    expect(periodLabel(period)).toBe(label);
  });

  it('covers a range with whole periods, inclusive at both ends', () => {
    const days = periodsCovering(new Date('2024-02-28T00:00:00Z'), new Date('2024-03-01T23:59:59Z'), 'day');
    expect(days.map(periodLabel)).toEqual(['2024-02-28', '2024-02-29', '2024-03-01']);
  });
});

describe('resolvePeriods', () => {
  const labels = (request: Parameters<typeof resolvePeriods>[0]) => resolvePeriods(request).map(periodLabel);

  it('defaults to yesterday, by day and by hour', () => {
    expect(labels({ by: 'day', now, includeOpen: false })).toEqual(['2026-11-23']);
    const hours = labels({ by: 'hour', now, includeOpen: false });
    expect(hours).toHaveLength(24);
    expect(hours[0]).toBe('2026-11-23T00');
    expect(hours.at(-1)).toBe('2026-11-23T23');
  });

  it('defaults to last month by month', () => {
    expect(labels({ by: 'month', now, includeOpen: false })).toEqual(['2026-10']);
  });

  it('takes --from alone as one period and --to inclusive', () => {
    expect(labels({ from: '2026-11-01', by: 'day', now, includeOpen: false })).toEqual(['2026-11-01']);
    expect(labels({ from: '2026-11-01', to: '2026-11-03', by: 'day', now, includeOpen: false })).toEqual([
      '2026-11-01',
      '2026-11-02',
      '2026-11-03',
    ]);
    expect(
      labels({ from: '2026-11-01', to: '2026-11-01', by: 'hour', now, includeOpen: false }),
    ).toHaveLength(24);
  });

  it('refuses a reversed range', () => {
    expect(() =>
      resolvePeriods({ from: '2026-11-05', to: '2026-11-01', by: 'day', now, includeOpen: false }),
    ).toThrow(/after --to/);
  });

  it('refuses a range in the future', () => {
    expect(() =>
      resolvePeriods({ from: '2026-11-20', to: '2026-11-25', by: 'day', now, includeOpen: false }),
    ).toThrow(/in the future/);
  });

  it('refuses an unfinished period unless --include-open', () => {
    expect(() =>
      resolvePeriods({ from: '2026-11-23', to: '2026-11-24', by: 'day', now, includeOpen: false }),
    ).toThrow(/2026-11-24 is not finished yet/);
    expect(labels({ from: '2026-11-23', to: '2026-11-24', by: 'day', now, includeOpen: true })).toEqual([
      '2026-11-23',
      '2026-11-24',
    ]);
    expect(() => resolvePeriods({ from: '2026-11', by: 'month', now, includeOpen: false })).toThrow(
      /2026-11 is not finished/,
    );
  });
});
