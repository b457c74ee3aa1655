import { describe, expect, it } from 'vitest';
import { MANIFEST_FORMAT, type Manifest } from '../../source/engine/manifest.js';
import { diffAgainstOutput, type OutputState } from '../../source/engine/plan-diff.js';
import { partSizeFor } from '../../source/engine/period-inputs.js';
import type { Member } from '../../source/engine/types.js';
import type { PeriodErrorCode } from '../../source/engine/period-error.js';

const member = (name: string, etag = `"${name}"`, size = 10): Member => ({
  key: `logs/2024-05-01-00-00-0${name}-AAAAAAAAAAAAAAAA`,
  size,
  etag,
  lastModified: '2024-05-01T00:00:00.000Z',
});
const [a, b, c] = [member('1'), member('2'), member('3')];
const OUTPUT = { key: 'logs/2024-05-01_collapsed', size: 20, sha256: 'f'.repeat(64), etag: '"out"' };

function manifest(
  state: Manifest['state'],
  members: readonly Member[],
  output: Manifest['output'] = OUTPUT,
): Manifest {
  return {
    format: MANIFEST_FORMAT,
    state,
    tool: 'test',
    updatedAt: '2024-05-02T00:00:00.000Z',
    layout: 's3-access-simple',
    prefix: 'logs/',
    series: 'logs/',
    period: { by: 'day', start: '2024-05-01T00:00:00.000Z', end: '2024-05-02T00:00:00.000Z' },
    encoding: 'plain',
    output,
    members: members.map((one, index) => ({ ...one, offset: index * 10, separator: 0 })),
  };
}

const state = (found: Manifest | null | 'unreadable', head: OutputState['head']): OutputState => ({
  outputKey: OUTPUT.key,
  manifestKey: 'logs/_2024-05-01_collapsed.manifest.json',
  manifest:
    found === null
      ? null
      : found === 'unreadable'
        ? { ok: false, reason: 'it is not JSON' }
        : { ok: true, manifest: found },
  head,
});
const keys = (members: readonly Member[]) => members.map((one) => one.key);
const sameHead = { etag: OUTPUT.etag, size: OUTPUT.size };

describe('diffAgainstOutput', () => {
  it('plans every listed key when there is no output yet', () => {
    const diff = diffAgainstOutput([a, b], state(null, null));
    expect([diff.status, keys(diff.incoming), keys(diff.alreadyCollapsed)]).toEqual([
      'planned',
      keys([a, b]),
      [],
    ]);
  });

  it('skips a period with neither keys nor output', () => {
    expect(diffAgainstOutput([], state(null, null)).status).toBe('skipped');
  });

  it('only deletes keys a verified output already holds, and appends the others', () => {
    const diff = diffAgainstOutput([a, b, c], state(manifest('complete', [a, b]), sameHead));
    expect([diff.status, keys(diff.incoming), keys(diff.alreadyCollapsed)]).toEqual([
      'planned',
      keys([c]),
      keys([a, b]),
    ]);
    expect(diff.committed?.output).toEqual(OUTPUT);
  });

  it('reports a finished period as already collapsed', () => {
    expect(diffAgainstOutput([], state(manifest('complete', [a, b]), sameHead)).status).toBe(
      'already-collapsed',
    );
    const leftovers = diffAgainstOutput([a], state(manifest('complete', [a, b]), sameHead));
    expect([leftovers.status, keys(leftovers.alreadyCollapsed)]).toEqual(['already-collapsed', keys([a])]);
  });

  it('recovers a pending append from the last verified state, even if the output was already replaced', () => {
    const pending = { ...manifest('pending', [a, b]), incoming: [c] };
    const diff = diffAgainstOutput([a, c], state(pending, { etag: '"newer"', size: 35 }));
    expect([diff.status, keys(diff.incoming), keys(diff.alreadyCollapsed)]).toEqual([
      'planned',
      keys([c]),
      keys([a]),
    ]);
  });

  it('treats every key of an unfinished first run as new', () => {
    const pending = { ...manifest('pending', [], null), incoming: [a, b] };
    const diff = diffAgainstOutput([a, b], state(pending, { etag: '"unverified"', size: 20 }));
    expect([diff.status, keys(diff.incoming), diff.committed]).toEqual(['planned', keys([a, b]), null]);
  });

  const problems: Array<[string, Member[], OutputState, RegExp, PeriodErrorCode]> = [
    [
      'an output without a manifest',
      [a],
      state(null, sameHead),
      /already exists but has no manifest/,
      'output-without-manifest',
    ],
    [
      'an unreadable manifest',
      [a],
      state('unreadable', sameHead),
      /cannot be read \(it is not JSON\)/,
      'manifest-unreadable',
    ],
    [
      'a manifest whose output is gone',
      [a],
      state(manifest('complete', [b]), null),
      /is missing although its manifest lists 1 collapsed keys/,
      'output-missing',
    ],
    [
      'an output changed since its manifest',
      [a],
      state(manifest('complete', [b]), { etag: '"other"', size: 20 }),
      /changed since its manifest was written/,
      'output-changed',
    ],
    [
      'a pending output shorter than its verified bytes',
      [c],
      state(manifest('pending', [a, b]), { etag: '"x"', size: 5 }),
      /changed since its manifest/,
      'output-changed',
    ],
    [
      'a collapsed key that changed',
      [member('1', '"rewritten"')],
      state(manifest('complete', [a]), sameHead),
      /changed since it was collapsed/,
      'member-changed',
    ],
    [
      'a first run with no inputs left',
      [],
      state({ ...manifest('pending', [], null), incoming: [a] }, null),
      /none of its inputs are left/,
      'unfinished-first-run',
    ],
  ];
  it.each(problems)('fails the period on %s, touching nothing', (_, listed, found, message, code) => {
    const diff = diffAgainstOutput(listed, found);
    expect(diff.status).toBe('failed');
    expect(diff.problem).toMatchObject({ stage: 'plan', code, left: 'unchanged', originalsKept: true });
    expect(diff.problem?.message).toMatch(message);
    expect(diff.problem?.fix).toBeTruthy();
    expect([diff.incoming, diff.alreadyCollapsed]).toEqual([[], []]);
  });
});

describe('partSizeFor', () => {
  it('keeps the configured part size, and grows it so an output never needs more than S3 allows', () => {
    const MiB = 1024 * 1024;
    expect(partSizeFor(1, 8 * MiB)).toBe(8 * MiB);
    expect(partSizeFor(70 * 1024 * MiB, 8 * MiB)).toBe(8 * MiB);
    const huge = 500 * 1024 * 1024 * MiB;
    expect(Math.ceil(huge / partSizeFor(huge, 8 * MiB))).toBeLessThanOrEqual(9000);
  });

  it('evens the parts out, as many as the configured size makes, never under 5 MiB', () => {
    const MiB = 1024 * 1024;
    expect(partSizeFor(10 * MiB, 8 * MiB)).toBe(5 * MiB);
    expect(partSizeFor(17 * MiB, 8 * MiB)).toBe(Math.ceil((17 * MiB) / 3));
    expect(partSizeFor(9 * MiB, 8 * MiB)).toBe(5 * MiB);
    expect(partSizeFor(8 * MiB, 8 * MiB)).toBe(8 * MiB);
    expect(partSizeFor(6 * MiB, 5 * MiB)).toBe(5 * MiB);
    for (const bytes of [10 * MiB, 17 * MiB, 1000 * MiB + 7, 70 * 1024 * MiB])
      expect(Math.ceil(bytes / partSizeFor(bytes, 8 * MiB))).toBe(Math.ceil(bytes / (8 * MiB)));
  });
});
