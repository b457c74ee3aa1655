import { describe, expect, it } from 'vitest';
import type { PeriodPlan } from '../../source/engine/types.js';
import { nextUtc, runWindow } from '../../source/job/run-window.js';

const period = (status: PeriodPlan['status']) =>
  ({ status, alreadyCollapsed: [], rolledLeftovers: [] }) as unknown as PeriodPlan;

describe('nextUtc', () => {
  it("is today's HH:MM while it is ahead, else tomorrow's", () => {
    expect(nextUtc(new Date('2026-12-01T22:00:00Z'), { hours: 23, minutes: 30 }).toISOString()).toBe(
      '2026-12-01T23:30:00.000Z',
    );
    expect(nextUtc(new Date('2026-12-01T23:00:00Z'), { hours: 5, minutes: 0 }).toISOString()).toBe(
      '2026-12-02T05:00:00.000Z',
    );
    expect(nextUtc(new Date('2026-12-01T05:00:00Z'), { hours: 5, minutes: 0 }).toISOString()).toBe(
      '2026-12-02T05:00:00.000Z',
    );
  });
});

describe('runWindow', () => {
  it('without limits: no hook at all', () => {
    expect(runWindow({}, () => new Date())).toBeUndefined();
  });

  it('--max-periods counts only periods that write', () => {
    const stop = runWindow({ maxPeriods: 2 }, () => new Date())!;
    expect(stop(period('skipped'))).toBeUndefined();
    expect(stop(period('planned'))).toBeUndefined();
    expect(stop(period('already-collapsed'))).toBeUndefined();
    expect(stop(period('planned'))).toBeUndefined();
    expect(stop(period('planned'))).toMatch(/--max-periods 2/);
  });

  it('--until: periods start until the time, none after it', () => {
    let clock = new Date('2026-12-01T04:58:00Z');
    const stop = runWindow({ until: { hours: 5, minutes: 0 } }, () => clock)!;
    expect(stop(period('planned'))).toBeUndefined();
    clock = new Date('2026-12-01T05:00:00Z');
    expect(stop(period('planned'))).toMatch(/--until 05:00 UTC has passed/);
  });
});
