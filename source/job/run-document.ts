import type { PeriodError } from '../engine/period-error.js';
import type { PeriodPlan, PeriodResult, PeriodStatus, Plan, RunResult, VerifiedBy } from '../engine/types.js';
import type { ExitCode } from '../exit-code.js';

/**
 * The `--json` contract's version. 2: a period's `error` is an object (stage, code, message, fix,
 * left, originalsKept) instead of a string; `format` and `hadOutput` are new.
 */
export const RUN_DOCUMENT_FORMAT = 's3collapse-run/2';

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
  /** An output (with its manifest) was there before this run: late keys are appended to it. */
  readonly hadOutput: boolean;
  readonly outputKey: string;
  readonly outputSize: number | null;
  /** Of outputSize, the bytes this run had S3 copy in place (large inputs) instead of uploading. */
  readonly copiedBytes: number;
  readonly sha256: string | null;
  /** How the output was checked after upload (see VerifiedBy); null when this run wrote none. */
  readonly verifiedBy: VerifiedBy | null;
  /** Deleted by this run's DeleteObjects. */
  readonly keysDeleted: number;
  /** Already gone when this run deleted them (another run's delete, or a retried batch's). */
  readonly keysGone: number;
  readonly deleteFailed: ReadonlyArray<{ key: string; code: string; message: string }>;
  /** `--by month`, when there are any: outputs of shorter periods rolled in (planned, or by this run). */
  readonly rolledOutputs?: number;
  /** `--by month`, when there are any: shorter periods' outputs and manifests deleted after the rollup. */
  readonly rolledDeleted?: number;
  readonly error: PeriodError | null;
  /** With --check-digests: keys of the period no CloudTrail digest lists yet, left in place. */
  readonly waitingForDigestKeys?: number;
}

export interface RunTotals {
  readonly periods: number;
  readonly keys: number;
  readonly bytes: number;
  readonly collapsed: number;
  readonly alreadyCollapsed: number;
  readonly failed: number;
  readonly skipped: number;
  readonly keysDeleted: number;
  readonly keysGone: number;
  readonly deleteFailed: number;
}

export interface RunDocument {
  readonly format: typeof RUN_DOCUMENT_FORMAT;
  readonly bucket: string;
  readonly layout: string;
  readonly prefix: string;
  readonly by: string;
  readonly dryRun: boolean;
  readonly periods: readonly PeriodEntry[];
  readonly totals: RunTotals;
  readonly elapsedMs: number | null;
  readonly interrupted: boolean;
  readonly exitCode: ExitCode;
}

function rolledFields(period: PeriodPlan, result?: PeriodResult): Partial<PeriodEntry> {
  const rolledOutputs = result ? (result.outputsRolledUp ?? 0) : (period.rollIn?.length ?? 0);
  const rolledDeleted = result?.rolledDeleted ?? 0;
  return {
    ...(rolledOutputs > 0 ? { rolledOutputs } : {}),
    ...(rolledDeleted > 0 ? { rolledDeleted } : {}),
  };
}

function entryOf(period: PeriodPlan, result?: PeriodResult): PeriodEntry {
  const status: PeriodStatus = result?.status ?? period.status;
  return {
    series: period.series.label,
    period: period.label,
    start: period.period.start.toISOString(),
    end: period.period.end.toISOString(),
    status,
    keys: period.keys,
    bytes: period.bytes,
    newKeys: period.incoming.length,
    alreadyCollapsedKeys: period.alreadyCollapsed.length,
    hadOutput: period.committed?.output != null,
    outputKey: period.outputKey,
    outputSize: result?.outputSize ?? period.committed?.output?.size ?? null,
    copiedBytes: result?.copiedBytes ?? 0,
    sha256: result?.sha256 ?? period.committed?.output?.sha256 ?? null,
    verifiedBy: result?.verifiedBy ?? null,
    keysDeleted: result?.keysDeleted ?? 0,
    keysGone: result?.keysGone ?? 0,
    deleteFailed: result?.deleteFailed ?? [],
    ...rolledFields(period, result),
    error: result?.error ?? period.problem ?? null,
    ...(period.waitingForDigest ? { waitingForDigestKeys: period.waitingForDigest.length } : {}),
  };
}

/** The plan (dry run, `result` null) or the result of a run, as the JSON document scripts read. */
export function runDocument(plan: Plan, result: RunResult | null, exitCode: ExitCode): RunDocument {
  const byId = new Map(result?.periods.map((period) => [period.id, period]));
  const periods = plan.periods.map((period) => entryOf(period, byId.get(period.id)));
  const count = (status: PeriodStatus) => periods.filter((period) => period.status === status).length;
  const sum = (field: (period: PeriodEntry) => number) =>
    periods.reduce((total, period) => total + field(period), 0);
  return {
    format: RUN_DOCUMENT_FORMAT,
    bucket: plan.bucket,
    layout: plan.layout,
    prefix: plan.root,
    by: plan.by,
    dryRun: result === null,
    periods,
    totals: {
      periods: periods.length,
      keys: sum((period) => period.keys),
      bytes: sum((period) => period.bytes),
      collapsed: count('collapsed'),
      alreadyCollapsed: count('already-collapsed'),
      failed: count('failed'),
      skipped: count('skipped'),
      keysDeleted: sum((period) => period.keysDeleted),
      keysGone: sum((period) => period.keysGone),
      deleteFailed: sum((period) => period.deleteFailed.length),
    },
    elapsedMs: result?.elapsedMs ?? null,
    interrupted: result?.interrupted ?? false,
    exitCode,
  };
}

/** Periods to run again: failed, not started after a stop, or with originals that could not be deleted. */
export function unfinishedPeriods(document: RunDocument): PeriodEntry[] {
  return document.periods.filter(
    (period) =>
      period.status === 'failed' ||
      period.deleteFailed.length > 0 ||
      (document.interrupted && period.status === 'skipped' && period.keys > 0),
  );
}
