import { Box, Text } from 'ink';
import { formatBytes, counted, formatCount } from '../../format.js';
import type { JobPlan } from '../../job/collapse-job.js';
import type { Period } from '../../periods.js';
import { Busy } from '../components/busy.js';
import { ErrorLines } from '../components/error-lines.js';
import { CommandLines } from '../components/command-lines.js';
import { cursorReducer, type CursorMove } from '../components/list-cursor.js';
import { Frame } from '../components/frame.js';
import { colour } from '../components/theme.js';
import { useWidth } from '../components/width.js';
import { useStore } from '../hooks/use-store.js';
import { char, ENTER, ESCAPE, type Binding } from '../key-bindings.js';
import { useKeys } from '../keys.js';
import {
  formatDollars,
  previewRows,
  requestCost,
  roughCount,
  sparkline,
  type PreviewRow,
} from '../preview-model.js';

const VISIBLE_ROWS = 9;

interface PreviewState {
  readonly top: number;
  /** `d` pressed (or --dry-run): the flow ends here with the command that repeats it. */
  readonly stopped: boolean;
}

/** Scrolling moves the cursor that is the window's top row. */
type PreviewAction = CursorMove | { readonly type: 'stop' };

function previewReducer(state: PreviewState, action: PreviewAction): PreviewState {
  switch (action.type) {
    case 'move':
      return { ...state, top: cursorReducer(state.top, action) };
    case 'stop':
      return { ...state, stopped: true };
  }
}

const clip = (text: string, width: number): string =>
  text.length > width ? `${text.slice(0, width - 1)}…` : text;

function Row({ row, series }: { readonly row: PreviewRow; readonly series: boolean }) {
  const tone = row.tone === 'error' ? colour('failed') : row.tone === 'warn' ? colour('running') : undefined;
  // 80 columns leave 40 for the output key; a wider terminal gives the rest to it.
  const room = useWidth() - 40;
  const both = series && room >= 70;
  const where = both
    ? `${clip(row.series, 30).padEnd(30)} ${clip(row.output, room - 31)}`
    : series
      ? clip(row.series || row.output, room).padEnd(room)
      : clip(row.output, room);
  return (
    <Text dimColor={row.tone === 'dim'} color={tone}>
      {`${row.period.padEnd(13)} ${row.keys.padStart(8)} ${row.size.padStart(9)}   ${where}`}
      {row.note ? ` ${clip(row.note, series ? 4 : room + 34 - where.length)}` : ''}
    </Text>
  );
}

interface PreviewScreenProps {
  /** The snapshot, once the app has it; `error` when planning failed. */
  readonly planned: JobPlan | undefined;
  readonly error?: unknown;
  /** How many periods are being listed, while they are. */
  readonly periods: number;
  /** Unfinished periods of the range: shown, never collapsed. */
  readonly open: readonly Period[];
  readonly dryRun: boolean;
  /** The command that gives the same plan without questions. */
  readonly command: string;
  readonly context: readonly (string | undefined)[];
  readonly onContinue: () => void;
  readonly onStop: () => void;
  readonly onBack: () => void;
  readonly onQuit: () => void;
}

export function PreviewScreen(props: PreviewScreenProps) {
  const { planned, dryRun } = props;
  const plan = planned?.plan;
  const [state, dispatch, get] = useStore(previewReducer, { top: 0, stopped: dryRun });
  const rows = plan ? previewRows(plan, props.open) : [];
  // The rows the window's top can be: any that leaves no empty space below it.
  const tops = rows.length - VISIBLE_ROWS + 1;

  const stopped = state.stopped;
  const keys: Binding[] = [
    {
      label: '↑↓',
      does: 'scroll',
      help: 'scroll the periods; page up and down a page at a time',
      matches: (_input, key) => key.upArrow || key.downArrow || key.pageUp || key.pageDown,
      run: (_input, key) => {
        const by = key.pageUp || key.pageDown ? VISIBLE_ROWS : 1;
        dispatch({ type: 'move', by: key.upArrow || key.pageUp ? -by : by, count: tops });
      },
    },
    {
      ...ENTER,
      label: stopped ? '⏎/q' : '⏎',
      does: stopped ? 'quit' : 'continue',
      help: stopped ? 'quit: nothing was changed' : 'go on to the confirmation',
      run: () => {
        if (!plan) return;
        if (get().stopped) props.onStop();
        else props.onContinue();
      },
    },
    {
      ...char('d'),
      does: 'dry run: stop here',
      help: 'stop here, nothing changed (same as --dry-run)',
      hidden: stopped,
      run: () => {
        if (plan) dispatch({ type: 'stop' });
      },
    },
    { ...ESCAPE, does: 'back', hidden: stopped, run: dryRun ? undefined : props.onBack },
    // After a dry run q ends as ⏎ does: nothing was changed, and that is a success.
    {
      ...char('q'),
      does: 'quit',
      hidden: true,
      run: () => (get().stopped ? props.onStop() : props.onQuit()),
    },
  ];
  useKeys(keys);

  const totals = planned?.totals;
  const series = (plan?.series.length ?? 0) > 1;
  const wide = useWidth() - 40 >= 70;
  const top = state.top;
  const visible = rows.slice(top, top + VISIBLE_ROWS);
  const firstPeriod = plan?.periods[0];
  const lastPeriod = plan?.periods.at(-1);
  return (
    <Frame step="5/7 preview" context={props.context} keys={keys}>
      {!planned && props.error === undefined ? (
        <Busy label={`listing ${counted(props.periods, 'period')} to snapshot every key…`} />
      ) : null}
      {props.error !== undefined ? <ErrorLines error={props.error} /> : null}
      {plan && totals ? (
        <>
          <Text bold>
            {`${'period'.padEnd(13)} ${'keys'.padStart(8)} ${'size'.padStart(9)}   ${series ? (wide ? `${'series'.padEnd(30)} output` : 'series') : 'output'}`}
          </Text>
          {top > 0 ? <Text dimColor>… {top} above</Text> : null}
          {visible.map((row, index) => (
            <Row key={`${top + index}`} row={row} series={series} />
          ))}
          {top + VISIBLE_ROWS < rows.length ? (
            <Text dimColor>… {rows.length - top - VISIBLE_ROWS} more (↑↓ scroll)</Text>
          ) : null}
          <Text bold>
            {`${'total'.padEnd(13)} ${formatCount(totals.keys).padStart(8)} ${formatBytes(totals.bytes).padStart(9)}   `}
            {`${counted(totals.keysToDelete, 'object')} → ${counted(totals.outputs, 'output')} + ${counted(totals.outputs, 'manifest')}`}
          </Text>
          <Text>
            {`${'requests'.padEnd(13)} ≈ ${roughCount(totals.requests.get)} GET, ${roughCount(totals.requests.put)} PUT, `}
            {`${roughCount(totals.requests.deleteBatches)} DeleteObjects   ${formatDollars(requestCost(totals.requests))}`}
          </Text>
          {firstPeriod && lastPeriod ? (
            <Text>
              {`${`keys a${plan.by === 'hour' ? 'n' : ''} ${plan.by}`.padEnd(13)} ${sparkline(plan, 36)}   `}
              {`(${firstPeriod.label} … ${lastPeriod.label})`}
            </Text>
          ) : null}
          {totals.failed > 0 ? (
            <Text color={colour('failed')}>
              ✖ {totals.failed} period(s) cannot be collapsed as they are (see above); the rest can.
            </Text>
          ) : null}
          {planned?.note ? <Text color={colour('done')}>✔ {planned.note}</Text> : null}
          {stopped ? (
            <Box flexDirection="column" marginTop={1}>
              <Text color={colour('done')}>
                ✔ dry run: nothing was changed. The same plan without questions:
              </Text>
              <CommandLines command={props.command} />
            </Box>
          ) : null}
        </>
      ) : null}
    </Frame>
  );
}
