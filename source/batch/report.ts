import type { PeriodPlan, PeriodResult, PeriodStatus, Plan, RunResult, VerifiedBy } from '../engine/types.js';
import { counted, formatBytes, formatCount, formatDuration, table } from '../format.js';
import { planTotals } from '../job/plan-totals.js';

/** One period in the JSON contract: the same fields for a plan and for a result. */
export interface PeriodEntry {
  readonly series: string;
  readonly period: string;
  readonly start: string;
  readonly end: string;
  readonly status: PeriodStatus;
  readonly keys: number;
  readonly bytes: number;
  readonly newKeys: number;
  readonly alreadyCollapsedKeys: number;
  readonly outputKey: string;
  readonly outputSize: number | null;
  readonly sha256: string | null;
  /** How the output was checked after upload (see VerifiedBy); null when this run wrote none. */
  readonly verifiedBy: VerifiedBy | null;
  readonly keysDeleted: number;
  readonly deleteFailed: ReadonlyArray<{ key: string; code: string; message: string }>;
  readonly error: string | null;
}

export interface RunDocument {
  readonly bucket: string;
  readonly layout: string;
  readonly prefix: string;
  readonly by: string;
  readonly dryRun: boolean;
  readonly periods: readonly PeriodEntry[];
  readonly totals: {
    readonly periods: number;
    readonly keys: number;
    readonly bytes: number;
    readonly collapsed: number;
    readonly alreadyCollapsed: number;
    readonly failed: number;
    readonly skipped: number;
    readonly keysDeleted: number;
    readonly deleteFailed: number;
  };
  readonly elapsedMs: number | null;
  readonly exitCode: number;
}

function entryOf(period: PeriodPlan, result?: PeriodResult): PeriodEntry {
  const keys = [...period.incoming, ...period.alreadyCollapsed];
  const status: PeriodStatus = result?.status ?? (period.status === 'failed' ? 'failed' : period.status);
  return {
    series: period.series.label,
    period: period.label,
    start: period.period.start.toISOString(),
    end: period.period.end.toISOString(),
    status,
    keys: keys.length,
    bytes: keys.reduce((total, member) => total + member.size, 0),
    newKeys: period.incoming.length,
    alreadyCollapsedKeys: period.alreadyCollapsed.length,
    outputKey: period.outputKey,
    outputSize: result?.outputSize ?? period.committed?.output?.size ?? null,
    sha256: result?.sha256 ?? period.committed?.output?.sha256 ?? null,
    verifiedBy: result?.verifiedBy ?? null,
    keysDeleted: result?.keysDeleted ?? 0,
    deleteFailed: result?.deleteFailed ?? [],
    error: result?.error ?? period.problem ?? null,
  };
}

export function runDocument(plan: Plan, result: RunResult | null, exitCode: number): RunDocument {
  const byId = new Map(result?.periods.map((period) => [period.id, period]));
  const periods = plan.periods.map((period) => entryOf(period, byId.get(period.id)));
  const count = (status: PeriodStatus) => periods.filter((period) => period.status === status).length;
  return {
    bucket: plan.bucket,
    layout: plan.layout,
    prefix: plan.root,
    by: plan.by,
    dryRun: result === null,
    periods,
    totals: {
      periods: periods.length,
      keys: periods.reduce((total, period) => total + period.keys, 0),
      bytes: periods.reduce((total, period) => total + period.bytes, 0),
      collapsed: count('collapsed'),
      alreadyCollapsed: count('already-collapsed'),
      failed: count('failed'),
      skipped: count('skipped'),
      keysDeleted: periods.reduce((total, period) => total + period.keysDeleted, 0),
      deleteFailed: periods.reduce((total, period) => total + period.deleteFailed.length, 0),
    },
    elapsedMs: result?.elapsedMs ?? null,
    exitCode,
  };
}

function note(period: PeriodPlan): string {
  if (period.status === 'failed') return `✖ ${period.problem ?? 'failed'}`;
  if (period.status === 'skipped') return 'no logs';
  if (period.status === 'already-collapsed')
    return `already collapsed; ${period.alreadyCollapsed.length} leftover keys to delete`;
  if (period.committed) return `+${period.incoming.length} late keys appended`;
  return '';
}

/** The preview as text: one row a period, then totals. */
export function formatPlan(plan: Plan): string[] {
  const rows = plan.periods.map((period) => {
    const keys = [...period.incoming, ...period.alreadyCollapsed];
    return [
      period.label,
      plan.series.length > 1 ? period.series.label : '',
      formatCount(keys.length),
      formatBytes(keys.reduce((total, member) => total + member.size, 0)),
      period.status === 'skipped' ? '' : period.outputKey,
      note(period),
    ];
  });
  const totals = planTotals(plan);
  return [
    ...table(
      [['period', plan.series.length > 1 ? 'series' : '', 'keys', 'size', 'output', ''], ...rows],
      [2, 3],
    ),
    `total: ${formatCount(totals.keys)} keys, ${formatBytes(totals.bytes)} → ${counted(totals.toCollapse, 'output')} + ${counted(totals.toCollapse, 'manifest')}` +
      (totals.failed ? `; ${counted(totals.failed, 'period')} cannot run` : ''),
    `requests: ≈ ${formatCount(totals.requests.get)} GET, ${formatCount(totals.requests.put)} PUT, ${formatCount(totals.requests.deleteBatches)} DeleteObjects`,
  ];
}

export function formatResult(document: RunDocument): string[] {
  const lines = [
    `done in ${formatDuration(document.elapsedMs ?? 0)}: ${document.totals.collapsed} collapsed, ${document.totals.alreadyCollapsed} already collapsed, ${document.totals.failed} failed`,
    `collapsed ${formatBytes(document.totals.bytes)} of ${formatCount(document.totals.keys)} keys; every output verified by size and SHA-256`,
    `deleted ${formatCount(document.totals.keysDeleted)} originals${document.totals.deleteFailed ? `; ${formatCount(document.totals.deleteFailed)} could not be deleted (the next run deletes them)` : ''}`,
  ];
  const outputs = document.periods.filter((period) => period.outputSize !== null).length;
  if (outputs > 0) {
    const before = document.totals.keys;
    const after = before - document.totals.keysDeleted + 2 * outputs;
    lines.push(
      `objects in these periods: ${formatCount(before)} → ${formatCount(after)} (${counted(outputs, 'output')} + ${counted(outputs, 'manifest')})`,
    );
  }
  for (const period of document.periods) {
    if (period.status === 'failed') lines.push(`failed ${period.period} ${period.series}: ${period.error}`);
    if (period.deleteFailed.length > 0) {
      const first = period.deleteFailed[0]!;
      lines.push(
        `could not delete ${period.deleteFailed.length} keys of ${period.period} (${first.code}: ${first.message}); they are in the verified output, and the next run deletes them`,
      );
    }
  }
  return lines;
}
