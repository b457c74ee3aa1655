import { Box, Text } from 'ink';
import { useEffect } from 'react';
import type { EngineContext, Plan, RunOptions } from '../../engine/types.js';
import { formatBytes, formatCount, formatDuration } from '../../format.js';
import type { JobOutcome } from '../../job/collapse-job.js';
import { periodOutcome } from '../../job/period-outcome.js';
import { overall, type PeriodProgress } from '../../job/run-progress.js';
import { Bar, fraction } from '../components/bar.js';
import { ErrorLines } from '../components/error-lines.js';
import { Frame } from '../components/frame.js';
import { colour } from '../components/theme.js';
import { useWidth } from '../components/width.js';
import { useRun } from '../hooks/use-run.js';
import { useStore } from '../hooks/use-store.js';
import { anyOf, char, CTRL_C, ENTER, ESCAPE, type Binding } from '../key-bindings.js';
import { useKeys } from '../keys.js';

const MAX_ROWS = 13;

type StopState = 'running' | 'asking' | 'stopping';
type StopAction = 'ask' | 'stop' | 'resume';

/** Stopping is asked first: ctrl-c asks, a second ctrl-c or `y` answers; `y` alone does nothing. */
function stopReducer(state: StopState, action: StopAction): StopState {
  if (state === 'stopping') return state;
  if (action === 'ask') return state === 'asking' ? 'stopping' : 'asking';
  if (action === 'stop') return state === 'asking' ? 'stopping' : state;
  return 'running';
}

/** `444455556666 eu-west-1` of a longer series label, for rows of several series. */
const shortSeries = (label: string): string => label.split(' ').slice(-2).join(' ');

function PeriodRow({
  period,
  label,
  barWidth,
}: {
  readonly period: PeriodProgress;
  readonly label: string;
  readonly barWidth: number;
}) {
  if (period.phase === 'waiting') {
    return (
      <Text dimColor>
        {label} waiting · {formatCount(period.keys)} keys, {formatBytes(period.total)}
      </Text>
    );
  }
  if (period.phase === 'done' || period.phase === 'failed') {
    const outcome = periodOutcome(period);
    return (
      <Text
        color={outcome.tone === 'failed' ? colour('failed') : colour('done')}
        dimColor={outcome.tone === 'skipped'}
        wrap="truncate-end"
      >
        {label} {outcome.text}
      </Text>
    );
  }
  const verified = period.phase === 'verified' || period.phase === 'deleting';
  return (
    <Text wrap="truncate-end">
      {label}{' '}
      <Bar
        value={fraction(period.downloaded, period.total)}
        width={barWidth}
        tone="running"
        done={verified}
      />{' '}
      <Bar
        value={fraction(period.concatenated, period.total)}
        width={barWidth}
        tone="running"
        done={verified}
      />{' '}
      <Bar value={fraction(period.uploaded, period.total)} width={barWidth} tone="running" done={verified} />
      {verified ? <Text color={colour('done')}> verified · deleting…</Text> : null}
    </Text>
  );
}

interface RunScreenProps {
  readonly ctx: EngineContext;
  readonly plan: Plan;
  readonly options: RunOptions;
  /** The run's controller: Ctrl-C (asked once) aborts it. */
  readonly controller: AbortController;
  readonly onFinished: (outcome: JobOutcome) => void;
  readonly onFailed: () => void;
}

export function RunScreen({ ctx, plan, options, controller, onFinished, onFailed }: RunScreenProps) {
  const view = useRun(ctx, plan, options, controller.signal);
  const [stop, dispatch] = useStore(stopReducer, 'running' as StopState);

  useEffect(() => {
    if (view.outcome) onFinished(view.outcome);
  }, [view.outcome, onFinished]);

  const keys: Binding[] = view.error
    ? [{ label: 'q/⏎', does: 'quit', matches: anyOf(char('q'), ENTER), run: onFailed }]
    : [
        {
          // ctrl-c asks first; a second ctrl-c, or y, answers the question.
          label: stop === 'asking' ? 'ctrl-c/y' : 'ctrl-c',
          does: 'stop safely',
          help: 'asks, then stops safely: uploads in flight are aborted, nothing unverified is deleted',
          hidden: stop === 'stopping',
          matches: anyOf(CTRL_C, char('y')),
          run: (input) => {
            const next = dispatch(input === 'y' ? 'stop' : 'ask');
            if (next === 'stopping' && !controller.signal.aborted) controller.abort();
          },
        },
        {
          label: 'n',
          does: 'keep going',
          hidden: stop !== 'asking',
          matches: anyOf(char('n'), ESCAPE),
          run: () => dispatch('resume'),
        },
      ];
  useKeys(keys);

  const progress = view.progress;
  const total = overall(progress, view.at);
  const several = plan.series.length > 1;
  const labels = progress.periods.map((period) =>
    several ? `${period.label} ${shortSeries(period.series)}` : period.label,
  );
  const width = useWidth();
  const labelWidth = Math.max(6, ...labels.map((label) => label.length));
  const barWidth = Math.max(4, Math.min(30, Math.floor((width - 8 - labelWidth - 18) / 3)));
  const firstActive = progress.periods.findIndex(
    (period) => period.phase !== 'done' && period.phase !== 'failed',
  );
  const start = Math.max(
    0,
    Math.min(
      (firstActive < 0 ? progress.periods.length : firstActive) - 2,
      progress.periods.length - MAX_ROWS,
    ),
  );
  const rows = progress.periods.slice(start, start + MAX_ROWS);
  const failed = progress.periods.filter((period) => period.phase === 'failed').length;
  const elapsed = view.at - progress.startedAt;
  const objectsPerSecond = elapsed > 0 ? (total.keysDone / elapsed) * 1000 : 0;
  const eta = total.etaSeconds === undefined ? undefined : `ETA ${formatDuration(total.etaSeconds * 1000)}`;
  return (
    <Frame
      step={`7/7 ${stop === 'stopping' ? 'stopping' : 'running'}`}
      context={[
        `${total.periodsDone}/${total.periods} periods`,
        `${formatCount(total.keysDone)}/${formatCount(total.keys)} objects`,
        failed ? `${failed} failed` : undefined,
        eta,
      ]}
      keys={keys}
    >
      <Text bold>
        {'period'.padEnd(labelWidth)} {'download'.padEnd(barWidth + 5)} {'concatenate'.padEnd(barWidth + 5)}{' '}
        upload
      </Text>
      {start > 0 ? <Text dimColor>✔ {start} finished above</Text> : null}
      {rows.map((period, index) => (
        <PeriodRow
          key={period.id}
          period={period}
          label={labels[start + index]!.padEnd(labelWidth)}
          barWidth={barWidth}
        />
      ))}
      {start + MAX_ROWS < progress.periods.length ? (
        <Text dimColor>… {progress.periods.length - start - MAX_ROWS} more waiting</Text>
      ) : null}
      <Text>
        {'overall'.padEnd(labelWidth)}{' '}
        <Bar
          value={fraction(total.bytesDone, total.bytes)}
          width={Math.max(10, Math.min(36, 40 - labelWidth))}
          tone="running"
        />{' '}
        {formatBytes(total.bytesPerSecond)}/s · {formatCount(Math.round(objectsPerSecond))} objects/s
      </Text>
      {view.error ? <ErrorLines error={view.error} /> : null}
      {stop === 'asking' ? (
        <Box flexDirection="column">
          <Text color={colour('running')}>
            Stop now? Uploads in flight are aborted; no original is deleted unless its output is
          </Text>
          <Text color={colour('running')}>
            verified. Running the same command again finishes the job. ctrl-c/y stop · n keep going
          </Text>
        </Box>
      ) : null}
      {stop === 'stopping' ? (
        <Text color={colour('running')}>
          Stopping safely: aborting uploads in flight, deleting nothing unverified…
        </Text>
      ) : null}
    </Frame>
  );
}
