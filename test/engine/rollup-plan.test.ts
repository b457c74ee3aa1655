import { describe, expect, it } from 'vitest';
import { checkCovered, coveringSlots } from '../../source/engine/covering-outputs.js';
import {
  manifestKeyFor,
  MANIFEST_FORMAT,
  serializeManifest,
  type Manifest,
} from '../../source/engine/manifest.js';
import type { PeriodDiff } from '../../source/engine/plan-diff.js';
import {
  applyRollup,
  judgeShorterOutput,
  shorterSlots,
  type ShorterSlot,
} from '../../source/engine/rollup-plan.js';
import type { Member, RolledInput } from '../../source/engine/types.js';
import { periodOf, type Period } from '../../source/periods.js';

const DAY = periodOf(new Date('2024-05-02T00:00:00Z'), 'day');
const MONTH = periodOf(DAY.start, 'month');
const keyOf = (period: Period) =>
  `logs/${period.start
    .toISOString()
    .slice(0, period.by === 'month' ? 7 : period.by === 'day' ? 10 : 13)
    .replace('T', '-')}_collapsed`;
const SLOT: ShorterSlot = { period: DAY, outputKey: keyOf(DAY), manifestKey: manifestKeyFor(keyOf(DAY)) };
const EXPECT = { layout: 's3-access-simple', series: 'logs/', encoding: 'plain' } as const;

const original = (name: string, size = 10): Member => ({
  key: `logs/2024-05-02-00-00-0${name}-AAAAAAAAAAAAAAAA`,
  size,
  etag: `"${name}"`,
  lastModified: '2024-05-02T00:00:00.000Z',
});
const [a, b, c] = [original('1'), original('2'), original('3')];
const DAY_OUTPUT: Member = {
  key: SLOT.outputKey,
  size: 20,
  etag: '"day"',
  lastModified: '2024-05-03T00:00:00.000Z',
};

function dayManifest(overrides: Partial<Manifest> = {}): Manifest {
  return {
    format: MANIFEST_FORMAT,
    state: 'complete',
    tool: 'test',
    updatedAt: '2024-05-03T00:00:00.000Z',
    layout: 's3-access-simple',
    prefix: 'logs/',
    series: 'logs/',
    period: { by: 'day', start: DAY.start.toISOString(), end: DAY.end.toISOString() },
    encoding: 'plain',
    output: { key: SLOT.outputKey, size: 20, sha256: 'a'.repeat(64), etag: '"day"' },
    members: [a, b].map((one, index) => ({ ...one, offset: index * 10, separator: 0 })),
    ...overrides,
  };
}
const read = (manifest: Manifest | string) => ({
  text: typeof manifest === 'string' ? manifest : serializeManifest(manifest),
  etag: '"m"',
  lastModified: new Date(),
});

describe('the slots of a month', () => {
  it('every day and hour of May, and none for a day', () => {
    const slots = shorterSlots(MONTH, keyOf);
    expect(slots).toHaveLength(31 + 31 * 24);
    expect(slots[1]).toEqual(SLOT);
    expect(shorterSlots(DAY, keyOf)).toEqual([]);
    expect(coveringSlots(DAY, keyOf).map((slot) => slot.outputKey)).toEqual(['logs/2024-05_collapsed']);
  });
});

describe('judging a day output as a month input', () => {
  it('taken: complete, same layout, series and day, the listed ETag and size', () => {
    expect(judgeShorterOutput(SLOT, DAY_OUTPUT, read(dayManifest()), EXPECT)).toMatchObject({
      output: DAY_OUTPUT,
      manifestKey: SLOT.manifestKey,
      manifestEtag: '"m"',
    });
  });

  it.each<[string, Member | null, Manifest | string, string, RegExp]>([
    [
      'changed since its manifest',
      { ...DAY_OUTPUT, etag: '"other"' },
      dayManifest(),
      'rolled-input-unverified',
      /changed since its manifest was written/,
    ],
    ['grown', { ...DAY_OUTPUT, size: 21 }, dayManifest(), 'rolled-input-unverified', /changed since/],
    [
      'a pending manifest',
      DAY_OUTPUT,
      dayManifest({ state: 'pending' }),
      'another-run',
      /A run is collapsing 2024-05-02/,
    ],
    [
      'pending, no output yet',
      null,
      dayManifest({ state: 'pending', output: null }),
      'another-run',
      /pending/,
    ],
    ['an unreadable manifest', DAY_OUTPUT, '{ not json', 'rolled-input-unverified', /cannot be read/],
    [
      'another series',
      DAY_OUTPUT,
      dayManifest({ series: 'other/' }),
      'rolled-input-unverified',
      /another layout or series/,
    ],
    [
      'another layout',
      DAY_OUTPUT,
      dayManifest({ layout: 'cloudtrail' }),
      'rolled-input-unverified',
      /another layout/,
    ],
    [
      'another period',
      DAY_OUTPUT,
      dayManifest({ period: { by: 'hour', start: DAY.start.toISOString(), end: DAY.end.toISOString() } }),
      'rolled-input-unverified',
      /another period/,
    ],
    [
      'members that do not tile it',
      DAY_OUTPUT,
      dayManifest({ members: [{ ...a, offset: 0, separator: 0 }] }),
      'rolled-input-unverified',
      /do not cover it exactly/,
    ],
    [
      'gzip into plain',
      DAY_OUTPUT,
      dayManifest({ encoding: 'gzip' }),
      'rolled-input-unverified',
      /it is gzip, this output is plain/,
    ],
    ['its output gone', null, dayManifest(), 'rolled-input-unverified', /is missing although its manifest/],
  ])('not taken: %s', (_, output, manifest, code, message) => {
    const judged = judgeShorterOutput(SLOT, output, read(manifest), EXPECT);
    expect(judged).toMatchObject({ stage: 'plan', code, left: 'unchanged', originalsKept: true });
    expect((judged as { message: string }).message).toMatch(message);
  });
});

const input = (manifest = dayManifest()): RolledInput => ({
  output: DAY_OUTPUT,
  manifestKey: SLOT.manifestKey,
  manifestEtag: '"m"',
  manifest: { ...manifest, output: manifest.output! },
});
const fresh = (incoming: Member[]): PeriodDiff => ({
  incoming,
  alreadyCollapsed: [],
  committed: null,
  manifest: null,
  status: incoming.length > 0 ? 'planned' : 'skipped',
});

describe('a month diff with its rollup applied', () => {
  it('originals a rolled-in day still lists are deleted only; the rest are inputs', () => {
    const diff = applyRollup(fresh([a, c]), { inputs: [input()], leftovers: [], problems: [] });
    expect(diff).toMatchObject({
      status: 'planned',
      incoming: [c],
      alreadyCollapsed: [a],
      rollIn: [input()],
    });
  });

  it('only day outputs: planned; only leftovers: already collapsed; nothing: skipped', () => {
    expect(applyRollup(fresh([]), { inputs: [input()], leftovers: [], problems: [] }).status).toBe('planned');
    const leftovers = [{ output: DAY_OUTPUT, manifest: null }];
    expect(
      applyRollup({ ...fresh([]), status: 'already-collapsed' }, { inputs: [], leftovers, problems: [] })
        .status,
    ).toBe('already-collapsed');
    expect(applyRollup(fresh([]), { inputs: [], leftovers: [], problems: [] }).status).toBe('skipped');
  });

  it('a problem stops the month, naming how many more there are', () => {
    const problem = judgeShorterOutput(SLOT, { ...DAY_OUTPUT, etag: '"x"' }, read(dayManifest()), EXPECT);
    const diff = applyRollup(fresh([c]), {
      inputs: [input()],
      leftovers: [],
      problems: [problem as never, problem as never],
    });
    expect(diff).toMatchObject({ status: 'failed', incoming: [], rollIn: [] });
    expect(diff.problem?.message).toMatch(/\(1 more like it\.\)$/);
  });

  const monthHolding = (members: Member[]): Manifest => ({
    ...dayManifest(),
    period: { by: 'month', start: MONTH.start.toISOString(), end: MONTH.end.toISOString() },
    output: {
      key: 'logs/2024-05_collapsed',
      size: 10 * members.length,
      sha256: 'b'.repeat(64),
      etag: '"month"',
    },
    members: members.map((one, index) => ({ ...one, offset: index * 10, separator: 0 })),
  });
  const monthDiff = (committed: Manifest): PeriodDiff => ({
    ...fresh([]),
    committed,
    manifest: committed,
    status: 'already-collapsed',
  });

  it('a day output whose every member the month already holds (a day and a month run at once): only deleted', () => {
    const diff = applyRollup(monthDiff(monthHolding([a, b])), {
      inputs: [input()],
      leftovers: [],
      problems: [],
    });
    expect(diff).toMatchObject({ status: 'already-collapsed', rollIn: [], incoming: [] });
    expect(diff.rolledLeftovers).toEqual([
      { output: DAY_OUTPUT, manifest: expect.objectContaining({ key: SLOT.manifestKey, etag: '"m"' }) },
    ]);
  });

  it('a day output holding one key the month lacks: only that member goes in, by its range', () => {
    const diff = applyRollup(monthDiff(monthHolding([a])), {
      inputs: [input()],
      leftovers: [],
      problems: [],
    });
    expect(diff.status).toBe('planned');
    expect(diff.rollIn).toHaveLength(1);
    expect(diff.rollIn[0]?.take).toEqual([{ ...b, offset: 10, separator: 0 }]);
    expect(diff.rolledLeftovers).toEqual([]);
  });

  it('a day and an hour output holding the same key: the larger goes in whole, the other only deleted', () => {
    const hour = periodOf(DAY.start, 'hour');
    const hourKey = keyOf(hour);
    const hourInput: RolledInput = {
      output: { ...DAY_OUTPUT, key: hourKey, size: 10, etag: '"hour"' },
      manifestKey: manifestKeyFor(hourKey),
      manifestEtag: '"hm"',
      manifest: {
        ...dayManifest(),
        period: { by: 'hour', start: hour.start.toISOString(), end: hour.end.toISOString() },
        output: { key: hourKey, size: 10, sha256: 'c'.repeat(64), etag: '"hour"' },
        members: [{ ...a, offset: 0, separator: 0 }],
      },
    };
    const diff = applyRollup(fresh([]), { inputs: [hourInput, input()], leftovers: [], problems: [] });
    expect(diff.rollIn).toEqual([input()]);
    expect(diff.rolledLeftovers.map((one) => one.output?.key)).toEqual([hourKey]);
  });

  it('one key in the month output and in a day output with other bytes: stopped, naming both versions', () => {
    const diff = applyRollup(monthDiff(monthHolding([{ ...a, etag: '"other"' }])), {
      inputs: [input()],
      leftovers: [],
      problems: [],
    });
    expect(diff.problem).toMatchObject({ code: 'rolled-input-overlap' });
    expect(diff.problem?.message).toContain(
      `${a.key} is in logs/2024-05_collapsed and in ${SLOT.outputKey} with different bytes`,
    );
  });

  it('an original changed since its day output took it: stopped', () => {
    const diff = applyRollup(fresh([{ ...a, etag: '"new"' }]), {
      inputs: [input()],
      leftovers: [],
      problems: [],
    });
    expect(diff.problem).toMatchObject({ code: 'member-changed' });
  });

  it('a first rollup that stopped while pending starts over with its day outputs', () => {
    const pending: PeriodDiff = {
      ...fresh([]),
      status: 'failed',
      manifest: dayManifest({ state: 'pending', output: null }),
      problem: {
        stage: 'plan',
        code: 'unfinished-first-run',
        message: '',
        left: 'unchanged',
        originalsKept: true,
      },
    };
    const diff = applyRollup(pending, { inputs: [input()], leftovers: [], problems: [] });
    expect(diff).toMatchObject({ status: 'planned', rollIn: [input()] });
    expect(diff.problem).toBeUndefined();
  });
});

describe('a day inside a month output', () => {
  const monthSlot = coveringSlots(DAY, keyOf)[0]!;
  const month = (overrides: Partial<Manifest>): Manifest => ({
    ...dayManifest(),
    output: { key: monthSlot.outputKey, size: 10, sha256: 'c'.repeat(64), etag: '"month"' },
    members: [{ ...a, offset: 0, separator: 0 }],
    ...overrides,
  });
  const covered = (
    diff: PeriodDiff,
    manifest: Manifest,
    head: { etag: string; size: number } | null = null,
  ) =>
    checkCovered(diff, { outputKey: SLOT.outputKey, head }, [
      { slot: monthSlot, manifest: { ok: true, manifest } },
    ]);
  const record = {
    key: SLOT.outputKey,
    size: 20,
    etag: '"day"',
    sha256: 'a'.repeat(64),
    offset: 0,
    manifestKey: SLOT.manifestKey,
    manifestEtag: '"m"',
    period: dayManifest().period,
  };

  it('late keys the month does not hold are collapsed as usual', () => {
    expect(covered(fresh([c]), month({}))).toEqual(fresh([c]));
  });

  it.each<[string, PeriodDiff, Manifest, { etag: string; size: number } | null, string, RegExp]>([
    [
      'an original the month holds',
      fresh([a, c]),
      month({}),
      null,
      'in-longer-output',
      /A key of this period is already in logs\/2024-05_collapsed/,
    ],
    [
      'its own output rolled in, not yet deleted',
      fresh([c]),
      month({ rolledUp: [record] }),
      { etag: '"day"', size: 20 },
      'in-longer-output',
      /was rolled into logs\/2024-05_collapsed/,
    ],
    [
      'the month is pending',
      fresh([c]),
      month({ state: 'pending' }),
      null,
      'another-run',
      /A run is collapsing 2024-05/,
    ],
  ])('stopped: %s', (_, diff, manifest, head, code, message) => {
    const result = covered(diff, manifest, head);
    expect(result.problem).toMatchObject({
      code,
      fix: 'Run --by month for 2024-05 to finish it, then run this again.',
    });
    expect(result.problem?.message).toMatch(message);
  });

  it('a new day output at a key the month rolled in before (another ETag) is the day’s own', () => {
    expect(covered(fresh([c]), month({ rolledUp: [record] }), { etag: '"newer"', size: 30 })).toEqual(
      fresh([c]),
    );
  });
});
