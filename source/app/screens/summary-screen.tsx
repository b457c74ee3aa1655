import { Box, Text } from 'ink';
import { formatBytes, counted, formatCount } from '../../format.js';
import { retryAnswers, type JobOutcome } from '../../job/collapse-job.js';
import { periodErrorText } from '../../job/period-outcome.js';
import { repeatCommand, type RunAnswers } from '../../job/repeat-command.js';
import { summarize } from '../../job/run-summary.js';
import { CommandLines } from '../components/command-lines.js';
import { Frame } from '../components/frame.js';
import { colour } from '../components/theme.js';
import { anyOf, char, ENTER, ESCAPE, type Binding } from '../key-bindings.js';
import { useKeys } from '../keys.js';

interface SummaryScreenProps {
  readonly outcome: JobOutcome;
  /** The answers as flags: the command that repeats the run (or runs what is left). */
  readonly repeat: RunAnswers;
  readonly onQuit: () => void;
}

export function SummaryScreen({ outcome, repeat, onQuit }: SummaryScreenProps) {
  const { document, exitCode } = outcome;
  const summary = summarize(document);
  const keys: Binding[] = [
    {
      label: 'q/⏎',
      does: 'quit',
      help: "quit with the run's exit code",
      matches: anyOf(char('q'), ENTER, ESCAPE),
      run: onQuit,
    },
  ];
  useKeys(keys);
  const retry = retryAnswers(repeat, document);
  const again = document.interrupted
    ? 'finish the job (nothing is lost, nothing duplicated):'
    : retry.rest
      ? 'run the rest again without questions:'
      : 'run the same again without questions (e.g. from cron):';
  const notStarted = document.periods.filter((period) => period.error?.code === 'not-started').length;
  const failed = summary.unfinished.filter((period) => period.status !== 'skipped');
  return (
    <Frame step={summary.headline} keys={keys}>
      {summary.objects ? (
        <Text>
          {'objects'.padEnd(12)} {formatCount(summary.objects.before)} → {formatCount(summary.objects.after)}{' '}
          ({counted(summary.objects.outputs, 'output')} + {counted(summary.objects.outputs, 'manifest')})
        </Text>
      ) : null}
      {summary.outputsWritten > 0 ? (
        <Text color={colour('done')}>
          {'collapsed'.padEnd(12)} {formatBytes(summary.bytesCollapsed)} into{' '}
          {counted(summary.outputsWritten, 'verified output')} · {counted(summary.keysDeleted, 'original')}{' '}
          deleted
        </Text>
      ) : (
        <Text>
          {'collapsed'.padEnd(12)} nothing new
          {summary.keysDeleted > 0 ? ` · ${counted(summary.keysDeleted, 'leftover original')} deleted` : ''}
        </Text>
      )}
      {failed.slice(0, 6).map((period, index) => (
        // The first failure is shown whole (what it left, what to do); the others on a line each.
        <Text
          key={`${period.series}|${period.period}`}
          color={colour('failed')}
          wrap={index === 0 ? 'wrap' : 'truncate-end'}
        >
          {'failed'.padEnd(12)} ✖ {period.period} {period.series}:{' '}
          {period.error
            ? periodErrorText(period.error)
            : `${counted(period.deleteFailed.length, 'original')} not deleted (${period.deleteFailed[0]?.code ?? ''})`}
        </Text>
      ))}
      {failed.length > 6 ? (
        <Text color={colour('failed')}>
          {''.padEnd(12)} … {failed.length - 6} more failed
        </Text>
      ) : null}
      {document.interrupted ? (
        <Text color={colour('running')}>
          {'stopped'.padEnd(12)} {counted(notStarted, 'period')} not started; originals kept
        </Text>
      ) : null}
      <Box marginTop={1} flexDirection="column">
        <Text>{again}</Text>
        <CommandLines command={repeatCommand(retry.answers)} />
      </Box>
      <Text dimColor>exit code {exitCode}</Text>
    </Frame>
  );
}
