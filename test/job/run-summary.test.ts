import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../source/exit-code.js';
import { periodOutcome } from '../../source/job/period-outcome.js';
import { RUN_DOCUMENT_FORMAT, type PeriodEntry, type RunDocument } from '../../source/job/run-document.js';
import { summarize, summaryLines } from '../../source/job/run-summary.js';

const period = (fields: Partial<PeriodEntry>): PeriodEntry => ({
  series: 'logs/',
  period: '2026-11-13',
  start: '2026-11-13T00:00:00.000Z',
  end: '2026-11-14T00:00:00.000Z',
  status: 'collapsed',
  keys: 120,
  bytes: 44_000,
  newKeys: 120,
  alreadyCollapsedKeys: 0,
  hadOutput: false,
  outputKey: 'logs/2026-11-13_collapsed',
  outputSize: 44_000,
  copiedBytes: 0,
  sha256: 'ab',
  verifiedBy: 'size+content-md5',
  keysDeleted: 120,
  keysGone: 0,
  deleteFailed: [],
  error: null,
  ...fields,
});

function documentOf(periods: PeriodEntry[], extra: Partial<RunDocument> = {}): RunDocument {
  const count = (status: string) => periods.filter((one) => one.status === status).length;
  return {
    format: RUN_DOCUMENT_FORMAT,
    bucket: 'b',
    layout: 's3-access-simple',
    prefix: 'logs/',
    by: 'day',
    dryRun: false,
    periods,
    totals: {
      periods: periods.length,
      keys: periods.reduce((total, one) => total + one.keys, 0),
      bytes: periods.reduce((total, one) => total + one.bytes, 0),
      collapsed: count('collapsed'),
      alreadyCollapsed: count('already-collapsed'),
      failed: count('failed'),
      skipped: count('skipped'),
      keysDeleted: periods.reduce((total, one) => total + one.keysDeleted, 0),
      keysGone: periods.reduce((total, one) => total + one.keysGone, 0),
      deleteFailed: periods.reduce((total, one) => total + one.deleteFailed.length, 0),
    },
    elapsedMs: 2_300,
    interrupted: false,
    exitCode: ExitCode.Done,
    ...extra,
  };
}

const denied = {
  stage: 'upload' as const,
  code: 'denied' as const,
  message: 'Access denied: PutObject on s3://b/logs/2026-11-13_collapsed.',
  fix: 'Grant s3:PutObject on it to this identity.',
  left: 'unchanged' as const,
  originalsKept: true,
};

describe('summaryLines says only what happened', () => {
  it('a run where every period failed claims no collapse, no verification and no object count', () => {
    const failed = period({
      status: 'failed',
      keysDeleted: 0,
      outputSize: null,
      sha256: null,
      verifiedBy: null,
      error: denied,
    });
    const lines = summaryLines(documentOf([failed, { ...failed, period: '2026-11-14' }], { exitCode: 1 }));
    expect(lines[0]).toBe('done in 2.3 s: 0 collapsed, 0 already collapsed, 2 failed');
    expect(lines.join('\n')).not.toMatch(/collapsed \d|verified|objects in|deleted/);
    expect(lines).toContain(
      'failed 2026-11-13: Access denied: PutObject on s3://b/logs/2026-11-13_collapsed. Originals kept; nothing was changed. Grant s3:PutObject on it to this identity.',
    );
  });

  it('says how many of the bytes were copied on the server, and only when some were', () => {
    const copied = period({ bytes: 3_000_000, outputSize: 3_000_000, copiedBytes: 2_500_000 });
    const lines = summaryLines(documentOf([copied, period({ period: '2026-11-14' })]));
    expect(lines).toContain(
      '2.5 MB of it copied on the server from large inputs, not uploaded (every byte was still read and checked)',
    );
    expect(summaryLines(documentOf([period({})])).join('\n')).not.toMatch(/copied on the server/);
  });

  it('an idempotent re-run says there was nothing new, not "0 B of 0 keys" nor "0 → 2"', () => {
    const done = period({
      status: 'already-collapsed',
      keys: 0,
      bytes: 0,
      newKeys: 0,
      hadOutput: true,
      keysDeleted: 0,
      verifiedBy: null,
    });
    const lines = summaryLines(documentOf([done, { ...done, period: '2026-11-14' }]));
    expect(lines).toEqual([
      'done in 2.3 s: 0 collapsed, 2 already collapsed, 0 failed',
      'nothing new to collapse: every period with logs was collapsed before',
    ]);
  });

  it('a collapse counts the outputs, keys and bytes it wrote, and the objects of the periods it changed', () => {
    const appended = period({
      period: '2026-11-14',
      keys: 3,
      newKeys: 3,
      bytes: 300,
      hadOutput: true,
      keysDeleted: 3,
    });
    const lines = summaryLines(documentOf([period({}), appended]));
    expect(lines).toEqual([
      'done in 2.3 s: 2 collapsed, 0 already collapsed, 0 failed',
      'collapsed 44.3 kB of 123 keys into 2 outputs, each verified (size, and the MD5 of every part); SHA-256 in each manifest',
      'deleted 123 originals',
      // 120 originals; 3 late keys beside an output and its manifest → 2 outputs and 2 manifests.
      'objects in the periods changed: 125 → 4 (2 outputs + 2 manifests)',
    ]);
  });

  it('keys already gone when deleted (another run deleted them first) are not claimed as deleted', () => {
    const raced = period({ keysDeleted: 20, keysGone: 100 });
    const lines = summaryLines(documentOf([raced]));
    expect(lines).toContain('deleted 20 originals (100 more were already gone)');
    expect(lines).toContain('objects in the periods changed: 120 → 2 (1 output + 1 manifest)');
    expect(periodOutcome({ status: 'collapsed', keysDeleted: 0, keysGone: 4, deleteFailed: [] }).text).toBe(
      '✔ verified · 0 deleted · 4 already gone',
    );
  });

  /** A period a run did not start, and why. */
  const notStartedBecause = (message: string) =>
    period({
      period: '2026-11-14',
      status: 'skipped',
      keysDeleted: 0,
      outputSize: null,
      verifiedBy: null,
      error: { ...denied, stage: 'plan', code: 'not-started', message },
    });

  it('a run whose budget ran out counts what it did not start', () => {
    const notStarted = notStartedBecause('Not started: this run started its --max-periods 1.');
    expect(summaryLines(documentOf([period({}), notStarted]))[0]).toBe(
      'done in 2.3 s: 1 collapsed, 0 already collapsed, 0 failed, 1 not started',
    );
  });

  it('a stopped run says so and counts what it did not start', () => {
    const notStarted = notStartedBecause('Not started: the run was stopped.');
    const document = documentOf([period({}), notStarted], { interrupted: true, exitCode: 130 });
    expect(summaryLines(document)[0]).toBe(
      'stopped after 2.3 s: 1 collapsed, 0 already collapsed, 0 failed, 1 not started',
    );
    expect(summarize(document).unfinished.map((one) => one.period)).toEqual(['2026-11-14']);
  });
});

describe('periodOutcome', () => {
  it.each([
    [{ status: 'collapsed' as const, keysDeleted: 5, deleteFailed: [] }, 'done', '✔ verified · 5 deleted'],
    [
      { status: 'already-collapsed' as const, keysDeleted: 0, deleteFailed: [] },
      'done',
      '✔ already collapsed',
    ],
    [
      { status: 'already-collapsed' as const, keysDeleted: 2, deleteFailed: [] },
      'done',
      '✔ already collapsed · 2 leftovers deleted',
    ],
    [
      {
        status: 'collapsed' as const,
        keysDeleted: 4,
        deleteFailed: [{ key: 'k', code: 'AccessDenied', message: '' }],
      },
      'failed',
      '✔ verified · 4 deleted · ✖ 1 not deleted (AccessDenied; the next run deletes them)',
    ],
    [
      { status: 'failed' as const, keysDeleted: 0, deleteFailed: [], error: denied },
      'failed',
      '✖ Access denied: PutObject on s3://b/logs/2026-11-13_collapsed. Originals kept; nothing was changed. Grant s3:PutObject on it to this identity.',
    ],
  ])('%j reads %s: %s', (input, tone, text) => {
    expect(periodOutcome(input)).toEqual({ tone, text });
  });
});
