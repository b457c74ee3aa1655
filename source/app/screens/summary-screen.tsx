import { Box, Text } from 'ink';
import { useKeys } from '../keys.js';
import type { PeriodResult, RunResult } from '../../engine/types.js';
import { formatBytes, counted, formatCount, formatDuration } from '../../format.js';
import { repeatCommand, type RunAnswers } from '../../job/repeat-command.js';
import { CommandLines } from '../components/command-lines.js';
import { Frame } from '../components/frame.js';
import { colour } from '../components/theme.js';

export interface SummaryNumbers {
  readonly before: number;
  readonly after: number;
  readonly outputs: number;
  readonly deleted: number;
  readonly collapsedBytes: number;
  /** Periods to run again: failed, not started, or with originals that could not be deleted. */
  readonly unfinished: readonly PeriodResult[];
}

export function summaryNumbers(result: RunResult): SummaryNumbers {
  const periods = result.periods;
  const before = periods.reduce((total, period) => total + period.keys, 0);
  const deleted = periods.reduce((total, period) => total + period.keysDeleted, 0);
  const outputs = periods.filter(
    (period) => period.status === 'collapsed' || period.status === 'already-collapsed',
  ).length;
  const collapsedBytes = periods.reduce(
    (total, period) => total + (period.status === 'collapsed' ? (period.outputSize ?? 0) : 0),
    0,
  );
  const unfinished = periods.filter(
    (period) =>
      period.status === 'failed' ||
      period.deleteFailed.length > 0 ||
      (result.interrupted && period.status === 'skipped'),
  );
  return { before, after: before - deleted + 2 * outputs, outputs, deleted, collapsedBytes, unfinished };
}

/** The command that runs what is left (or the whole range again) without questions. */
export function retryCommand(answers: RunAnswers, unfinished: readonly PeriodResult[]): string {
  if (unfinished.length === 0) return repeatCommand(answers);
  const labels = unfinished.map((period) => period.label).sort();
  return repeatCommand({ ...answers, from: labels[0]!, to: labels.at(-1)! });
}

interface SummaryScreenProps {
  readonly result: RunResult;
  readonly answers: RunAnswers;
  readonly exitCode: number;
  readonly active: boolean;
  readonly onQuit: () => void;
}

export function SummaryScreen({ result, answers, exitCode, active, onQuit }: SummaryScreenProps) {
  const numbers = summaryNumbers(result);
  useKeys((input, key) => {
    if (input === 'q' || key.return || key.escape) onQuit();
  }, active);
  const failed = result.periods.filter(
    (period) => period.status === 'failed' || period.deleteFailed.length > 0,
  );
  const headline = result.interrupted
    ? `stopped after ${formatDuration(result.elapsedMs)}`
    : `done in ${formatDuration(result.elapsedMs)}`;
  const again = result.interrupted
    ? 'finish the job (nothing is lost, nothing duplicated):'
    : numbers.unfinished.length > 0
      ? 'run the rest again without questions:'
      : 'run the same again without questions (e.g. from cron):';
  return (
    <Frame step={headline} hints={[['q/⏎', 'quit']]}>
      <Text>
        {'objects'.padEnd(12)} {formatCount(numbers.before)} → {formatCount(numbers.after)} (
        {counted(numbers.outputs, 'output')} + {counted(numbers.outputs, 'manifest')})
      </Text>
      <Text color={colour('done')}>
        {'collapsed'.padEnd(12)} {formatBytes(numbers.collapsedBytes)}
        {numbers.outputs > 0 ? ', every output verified by SHA-256' : ''} · {formatCount(numbers.deleted)}{' '}
        originals deleted
      </Text>
      {failed.slice(0, 6).map((period) => (
        <Text key={period.id} color={colour('failed')} wrap="truncate-end">
          {'failed'.padEnd(12)} ✖ {period.label} {period.series}:{' '}
          {period.error ??
            `${formatCount(period.deleteFailed.length)} originals not deleted (${period.deleteFailed[0]?.code ?? ''})`}
        </Text>
      ))}
      {failed.length > 6 ? (
        <Text color={colour('failed')}>
          {''.padEnd(12)} … {failed.length - 6} more failed
        </Text>
      ) : null}
      {result.interrupted ? (
        <Text color={colour('running')}>
          {'stopped'.padEnd(12)} {result.periods.filter((period) => period.status === 'skipped').length}{' '}
          periods not started; originals kept
        </Text>
      ) : null}
      <Box marginTop={1} flexDirection="column">
        <Text>{again}</Text>
        <CommandLines command={retryCommand(answers, numbers.unfinished)} />
      </Box>
      <Text dimColor>exit code {exitCode}</Text>
    </Frame>
  );
}
