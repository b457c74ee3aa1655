import { Box, Text } from 'ink';
import { discoverSeries } from '../../engine/plan.js';
import type { EngineContext } from '../../engine/types.js';
import { layoutById, type Series } from '../../layouts/index.js';
import { Busy } from '../components/busy.js';
import { ErrorLines } from '../components/error-lines.js';
import { Frame } from '../components/frame.js';
import { cursorReducer, type CursorMove } from '../components/list-cursor.js';
import { SelectList } from '../components/select-list.js';
import { colour } from '../components/theme.js';
import { useStore } from '../hooks/use-store.js';
import { useTask } from '../hooks/use-task.js';
import { char, ENTER, ESCAPE, SPACE, upOrDown, UP_DOWN, type Binding } from '../key-bindings.js';
import { useKeys } from '../keys.js';
import type { LayoutChoice } from '../state.js';

interface SeriesState {
  readonly cursor: number;
  /** Bases left out; everything else is selected, so a series found later is in by default. */
  readonly excluded: ReadonlySet<string>;
}

type SeriesAction =
  | CursorMove
  | { readonly type: 'toggle'; readonly base: string }
  | { readonly type: 'toggle-all'; readonly bases: readonly string[] };

function seriesReducer(state: SeriesState, action: SeriesAction): SeriesState {
  switch (action.type) {
    case 'move':
      return { ...state, cursor: cursorReducer(state.cursor, action) };
    case 'toggle': {
      const excluded = new Set(state.excluded);
      if (excluded.has(action.base)) excluded.delete(action.base);
      else excluded.add(action.base);
      return { ...state, excluded };
    }
    case 'toggle-all':
      return { ...state, excluded: state.excluded.size === 0 ? new Set(action.bases) : new Set() };
  }
}

interface SeriesScreenProps {
  readonly ctx: EngineContext;
  readonly layout: LayoutChoice;
  readonly onChoose: (bases: readonly string[] | undefined) => void;
  readonly onBack: () => void;
  readonly onQuit: () => void;
}

/** CloudTrail: which account × region series to collapse; all are selected at first. */
export function SeriesScreen({ ctx, layout, onChoose, onBack, onQuit }: SeriesScreenProps) {
  const task = useTask(
    (signal) => discoverSeries(ctx, layoutById(layout.layout), layout.root, signal),
    [ctx, layout],
  );
  const [state, dispatch, get] = useStore(seriesReducer, { cursor: 0, excluded: new Set<string>() });
  const series: readonly Series[] = task.status === 'done' ? task.value : [];

  const keys: Binding[] = [
    {
      ...UP_DOWN,
      does: 'move',
      run: (_input, key) => dispatch({ type: 'move', by: upOrDown(key), count: series.length }),
    },
    {
      ...SPACE,
      does: 'toggle',
      help: 'include or leave out one account × region',
      run: () => {
        const one = series[get().cursor];
        if (one) dispatch({ type: 'toggle', base: one.base });
      },
    },
    {
      ...char('a'),
      does: 'all/none',
      help: 'all or none',
      run: () => dispatch({ type: 'toggle-all', bases: series.map((one) => one.base) }),
    },
    {
      ...ENTER,
      does: 'go on',
      help: 'go on with the series selected (one at least)',
      run: () => {
        const { excluded } = get();
        const chosen = series.filter((one) => !excluded.has(one.base)).map((one) => one.base);
        if (chosen.length === 0) return;
        onChoose(chosen.length === series.length ? undefined : chosen);
      },
    },
    { ...ESCAPE, does: 'back', run: onBack },
    { ...char('q'), does: 'quit', hidden: true, run: onQuit },
  ];
  useKeys(keys);

  const selected = series.filter((one) => !state.excluded.has(one.base)).length;
  return (
    <Frame step="3/7 series" context={[ctx.bucket, 'CloudTrail']} keys={keys}>
      {task.status === 'running' ? (
        <Busy label={`finding accounts and regions under ${layout.root}AWSLogs/…`} />
      ) : null}
      {task.status === 'failed' ? <ErrorLines error={task.error} /> : null}
      {task.status === 'done' ? (
        <>
          <Text>
            {series.length} series (account × region) under {layout.root}AWSLogs/ · {selected} selected
          </Text>
          <SelectList
            items={series}
            cursor={state.cursor}
            limit={12}
            itemKey={(one) => one.base}
            render={(one) => {
              const on = !state.excluded.has(one.base);
              return (
                <Text color={on ? colour('done') : undefined} dimColor={!on}>
                  {on ? '[✔]' : '[ ]'} {one.label}
                </Text>
              );
            }}
          />
          <Box marginTop={1} flexDirection="column">
            <Text>Each series is collapsed on its own: one output per account, region and period.</Text>
            <Text dimColor>CloudTrail-Digest/ and CloudTrail-Insight/ files are never read or deleted.</Text>
            {selected === 0 ? (
              <Text color={colour('failed')}>✖ Select at least one series (space).</Text>
            ) : null}
          </Box>
        </>
      ) : null}
    </Frame>
  );
}
