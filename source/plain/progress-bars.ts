import cliProgress from 'cli-progress';
import type { EngineEvent, Plan } from '../engine/types.js';
import type { ProgressView } from '../job/drive-job.js';
import { finishedPeriodLine } from '../job/period-outcome.js';
import { formatBytes, formatCount, formatDuration } from '../format.js';
import {
  initialProgress,
  overall,
  reduceProgress,
  type PeriodProgress,
  type RunProgress,
} from '../job/run-progress.js';

const BAR_WIDTH = 24;

const percent = (part: number, whole: number): number =>
  whole > 0 ? Math.min(100, Math.floor((part / whole) * 100)) : 100;

function drawBar(fraction: number): string {
  const filled = Math.round(Math.min(1, Math.max(0, fraction)) * BAR_WIDTH);
  return `${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)}`;
}

function periodText(period: PeriodProgress): string {
  const stage =
    period.phase === 'verified'
      ? 'verified'
      : period.phase === 'deleting'
        ? 'verified · deleting…'
        : `download ${percent(period.downloaded, period.total)}% · concatenate ${percent(period.concatenated, period.total)}% · upload ${percent(period.uploaded, period.total)}%`;
  return stage;
}

/**
 * The run as `cli-progress` bars: one per period being collapsed (its bar is the mean of download,
 * concatenate and upload) and an overall bar last. Finished periods leave one line above the bars.
 */
export function progressView(plan: Plan, stdout: NodeJS.WriteStream): ProgressView {
  let state: RunProgress = initialProgress(plan, Date.now());
  const names = new Map(
    plan.periods.map((period) => [
      period.id,
      plan.series.length > 1 ? `${period.label} ${period.series.label}` : period.label,
    ]),
  );
  const nameWidth = Math.max(7, ...[...names.values()].map((name) => name.length));
  const tty = stdout.isTTY === true;

  const multibar = tty
    ? new cliProgress.MultiBar({
        stream: stdout,
        hideCursor: true,
        clearOnComplete: false,
        linewrap: false,
        format: (_options, params, payload: { name: string; text: string }) =>
          `${payload.name.padEnd(nameWidth)}  ${drawBar(params.progress)} ${String(Math.floor(params.progress * 100)).padStart(3)}%  ${payload.text}`,
      })
    : undefined;
  const bars = new Map<string, cliProgress.SingleBar>();
  let overallBar: cliProgress.SingleBar | undefined;

  const overallPayload = () => {
    const now = overall(state, Date.now());
    const eta =
      now.etaSeconds === undefined || now.periodsDone === now.periods
        ? ''
        : ` · ETA ${formatDuration(now.etaSeconds * 1000)}`;
    return {
      value: now.bytesDone,
      total: Math.max(1, now.bytes),
      payload: {
        name: 'overall',
        text: `${now.periodsDone}/${now.periods} periods · ${formatCount(now.keysDone)}/${formatCount(now.keys)} objects · ${formatBytes(now.bytesPerSecond)}/s${eta}`,
      },
    };
  };
  const drawOverall = () => {
    if (!multibar) return;
    const { value, total, payload } = overallPayload();
    // cli-progress draws bars in the order they were created: the overall bar is re-created last.
    if (!overallBar) overallBar = multibar.create(total, value, payload);
    overallBar.setTotal(total);
    overallBar.update(value, payload);
  };
  const log = (line: string) => {
    if (multibar) multibar.log(`${line}\n`);
    else stdout.write(`${line}\n`);
  };

  const onEvent = (event: EngineEvent) => {
    state = reduceProgress(state, event);
    if (event.type === 'period-done') {
      const bar = bars.get(event.result.id);
      if (bar && multibar) multibar.remove(bar);
      bars.delete(event.result.id);
      const line = finishedPeriodLine(event.result, names.get(event.result.id) ?? event.result.label);
      if (line) log(line);
    } else if ('periodId' in event && multibar) {
      const period = state.periods.find((candidate) => candidate.id === event.periodId);
      if (!period) return;
      let bar = bars.get(period.id);
      if (!bar) {
        if (overallBar) multibar.remove(overallBar);
        overallBar = undefined;
        bar = multibar.create(1, 0, { name: names.get(period.id) ?? period.label, text: '' });
        bars.set(period.id, bar);
      }
      const total = Math.max(1, period.total);
      bar.setTotal(total);
      bar.update(Math.min(total, (period.downloaded + period.concatenated + period.uploaded) / 3), {
        name: names.get(period.id) ?? period.label,
        text: periodText(period),
      });
    }
    drawOverall();
  };

  const stop = () => {
    if (!multibar) return;
    for (const bar of bars.values()) multibar.remove(bar);
    bars.clear();
    drawOverall();
    // The log lines wait for the next redraw; flush them before the final frame.
    multibar.update();
    multibar.stop();
  };

  return { onEvent, stop };
}
