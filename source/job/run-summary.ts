import type { VerifiedBy } from '../engine/types.js';
import { counted, formatBytes, formatCount, formatDuration } from '../format.js';
import { periodErrorText } from './period-outcome.js';
import { unfinishedPeriods, type PeriodEntry, type RunDocument } from './run-document.js';

/** The numbers every face's summary shows, each true of what the run did. */
export interface RunSummary {
  readonly headline: string;
  /** Outputs written (or extended) by this run, and the bytes and keys that went into them. */
  readonly outputsWritten: number;
  readonly bytesCollapsed: number;
  readonly keysCollapsed: number;
  /** Of the outputs written, the bytes S3 copied in place rather than received. */
  readonly bytesCopied: number;
  readonly verifiedBy: readonly VerifiedBy[];
  readonly keysDeleted: number;
  readonly deleteFailed: number;
  /** Objects in the periods this run changed, before and after; undefined when it changed none. */
  readonly objects?:
    { readonly before: number; readonly after: number; readonly outputs: number } | undefined;
  /** Periods to run again: failed, not started, or with originals that could not be deleted. */
  readonly unfinished: readonly PeriodEntry[];
}

const VERIFIED_TEXT: Readonly<Record<VerifiedBy, string>> = {
  'size+crc64nvme': 'size and full-object CRC64NVME',
  // A sent part's Content-MD5 is checked by the server; a copied part's ETag against the bytes read.
  'size+content-md5': 'size, and the MD5 of every part',
};

export function summarize(document: RunDocument): RunSummary {
  const { periods, totals } = document;
  const written = periods.filter((period) => period.status === 'collapsed');
  // A period changed when this run wrote its output or deleted any of its originals.
  const changed = periods.filter(
    (period) => period.status === 'collapsed' || period.keysDeleted + period.keysGone > 0,
  );
  const before = changed.reduce((total, period) => total + period.keys + (period.hadOutput ? 2 : 0), 0);
  const left = changed.reduce(
    (total, period) => total + period.keys - period.keysDeleted - period.keysGone,
    0,
  );
  const outputs = changed.filter((period) => period.hadOutput || period.status === 'collapsed').length;
  const elapsed = formatDuration(document.elapsedMs ?? 0);
  return {
    headline: document.interrupted ? `stopped after ${elapsed}` : `done in ${elapsed}`,
    outputsWritten: written.length,
    bytesCollapsed: written.reduce((total, period) => total + period.bytes, 0),
    keysCollapsed: written.reduce((total, period) => total + period.newKeys, 0),
    bytesCopied: written.reduce((total, period) => total + period.copiedBytes, 0),
    verifiedBy: [...new Set(written.flatMap((period) => (period.verifiedBy ? [period.verifiedBy] : [])))],
    keysDeleted: totals.keysDeleted,
    deleteFailed: totals.deleteFailed,
    objects: changed.length > 0 ? { before, after: left + 2 * outputs, outputs } : undefined,
    unfinished: unfinishedPeriods(document),
  };
}

/** What a run did, as the lines of text the script and plain faces print. */
export function summaryLines(document: RunDocument): string[] {
  const summary = summarize(document);
  const { totals } = document;
  // Stopped by Ctrl-C or by the run's budget (--until, --max-periods): either way, for the next run.
  const notStarted = document.periods.filter((period) => period.error?.code === 'not-started').length;
  const lines = [
    `${summary.headline}: ${totals.collapsed} collapsed, ${totals.alreadyCollapsed} already collapsed, ${totals.failed} failed` +
      (notStarted > 0 ? `, ${notStarted} not started` : ''),
  ];
  if (summary.outputsWritten > 0) {
    const how = summary.verifiedBy.map((kind) => VERIFIED_TEXT[kind]).join('; ');
    lines.push(
      `collapsed ${formatBytes(summary.bytesCollapsed)} of ${counted(summary.keysCollapsed, 'key')} into ${counted(summary.outputsWritten, 'output')}, each verified (${how}); SHA-256 in each manifest`,
    );
    if (summary.bytesCopied > 0) {
      lines.push(
        `${formatBytes(summary.bytesCopied)} of it copied on the server from large inputs, not uploaded (every byte was still read and checked)`,
      );
    }
  } else if (totals.failed === 0 && totals.alreadyCollapsed > 0) {
    lines.push('nothing new to collapse: every period with logs was collapsed before');
  }
  if (summary.keysDeleted > 0 || summary.deleteFailed > 0) {
    lines.push(
      `deleted ${counted(summary.keysDeleted, 'original')}` +
        (totals.keysGone > 0 ? ` (${formatCount(totals.keysGone)} more were already gone)` : '') +
        (summary.deleteFailed
          ? `; ${formatCount(summary.deleteFailed)} could not be deleted (they are in verified outputs; the next run deletes them)`
          : ''),
    );
  }
  if (summary.objects) {
    const { before, after, outputs } = summary.objects;
    lines.push(
      `objects in the periods changed: ${formatCount(before)} → ${formatCount(after)} (${counted(outputs, 'output')} + ${counted(outputs, 'manifest')})`,
    );
  }
  for (const period of document.periods) {
    const name = `${period.period}${document.periods.some((other) => other.series !== period.series) ? ` ${period.series}` : ''}`;
    if (period.status === 'failed' && period.error)
      lines.push(`failed ${name}: ${periodErrorText(period.error)}`);
    if (period.deleteFailed.length > 0) {
      const first = period.deleteFailed[0]!;
      lines.push(
        `could not delete ${counted(period.deleteFailed.length, 'key')} of ${name} (${first.code}: ${first.message}); they are in the verified output, and the next run deletes them`,
      );
    }
  }
  return lines;
}
