import { Box, Text } from 'ink';
import { GRANULARITIES, periodLabel, type Period } from '../../periods.js';
import { ErrorLines } from '../components/error-lines.js';
import { Frame } from '../components/frame.js';
import { colour } from '../components/theme.js';
import { useStore } from '../hooks/use-store.js';
import { anyOf, ENTER, ERASE, ESCAPE, LEFT_RIGHT, TAB, UP_DOWN, type Binding } from '../key-bindings.js';
import { useKeys } from '../keys.js';
import {
  changeGranularity,
  editDate,
  RANGE_FIELDS,
  rangeView,
  shiftDate,
  toNote,
  type RangeDraft,
} from '../range.js';
import type { RangeChoice } from '../state.js';

type RangeAction =
  | { readonly type: 'next-field'; readonly by: 1 | -1 }
  | { readonly type: 'change'; readonly by: 1 | -1 }
  | { readonly type: 'edit'; readonly input: string; readonly backspace: boolean };

function rangeReducer(draft: RangeDraft, action: RangeAction): RangeDraft {
  switch (action.type) {
    case 'next-field': {
      const index =
        (RANGE_FIELDS.indexOf(draft.field) + action.by + RANGE_FIELDS.length) % RANGE_FIELDS.length;
      return { ...draft, field: RANGE_FIELDS[index]! };
    }
    case 'change':
      return draft.field === 'by'
        ? changeGranularity(draft, action.by)
        : shiftDate(draft, draft.field, action.by);
    case 'edit':
      return draft.field === 'by' ? draft : editDate(draft, draft.field, action.input, action.backspace);
  }
}

const unitName = (count: number, by: string) => `${count} ${by}${count === 1 ? '' : 's'}`;

interface RangeScreenProps {
  readonly initial: RangeDraft;
  readonly now: Date;
  readonly includeOpen: boolean;
  readonly context: readonly (string | undefined)[];
  readonly onChoose: (range: RangeChoice, periods: readonly Period[], open: readonly Period[]) => void;
  readonly onBack: () => void;
  readonly onQuit: () => void;
}

export function RangeScreen({
  initial,
  now,
  includeOpen,
  context,
  onChoose,
  onBack,
  onQuit,
}: RangeScreenProps) {
  const [draft, dispatch, get] = useStore(rangeReducer, initial);
  const view = rangeView(draft, now, includeOpen);

  const keys: Binding[] = [
    {
      label: 'tab/↑↓',
      does: 'field',
      help: 'next field; shift-tab or ↑ the one before',
      matches: anyOf(TAB, UP_DOWN),
      run: (_input, key) => dispatch({ type: 'next-field', by: key.upArrow || key.shift ? -1 : 1 }),
    },
    {
      ...LEFT_RIGHT,
      does: 'change',
      help: 'on "by": hour, day, month; on a date: one period earlier or later',
      run: (_input, key) => dispatch({ type: 'change', by: key.leftArrow ? -1 : 1 }),
    },
    {
      label: '0-9',
      does: 'type a date',
      help: 'type digits to edit a date (UTC)',
      // What a date can hold; any other text typed would be dropped from it.
      matches: (input) => /[0-9T-]/.test(input),
      run: (input) => dispatch({ type: 'edit', input, backspace: false }),
    },
    {
      ...ENTER,
      does: 'preview',
      run: () => {
        const latest = get();
        const chosen = rangeView(latest, now, includeOpen);
        if (chosen.error || chosen.selectable.length === 0) return;
        onChoose({ by: latest.by, from: latest.from, to: latest.to }, chosen.selectable, chosen.open);
      },
    },
    { ...ESCAPE, does: 'back', run: onBack },
    {
      ...ERASE,
      does: 'erase',
      hidden: true,
      run: () => dispatch({ type: 'edit', input: '', backspace: true }),
    },
    {
      label: 'q',
      does: 'quit',
      help: 'quit, from the "by" field',
      hidden: true,
      matches: (input) => input === 'q' && get().field === 'by',
      run: onQuit,
    },
  ];
  useKeys(keys);

  const marker = (field: RangeDraft['field']) => (draft.field === field ? '› ' : '  ');
  const note = toNote(draft, now);
  const first = view.selectable[0];
  const last = view.selectable.at(-1);
  return (
    <Frame step="4/7 range" context={context} keys={keys}>
      <Text>
        {`${marker('by')}Collapse by   `}
        {GRANULARITIES.map((by) => (
          <Text key={by} bold={by === draft.by} color={by === draft.by ? colour('accent') : undefined}>
            {by === draft.by ? `[${by}]` : ` ${by} `}{' '}
          </Text>
        ))}
        <Text dimColor>{draft.field === 'by' ? '      ←→ change' : ''}</Text>
      </Text>
      <Text>
        {`${marker('from')}From          ${draft.from}`}
        {draft.field === 'from' ? '▏' : ''}
        <Text dimColor>{draft.field === 'from' ? '   ←→ one earlier/later' : ''}</Text>
      </Text>
      <Text>
        {`${marker('to')}To            ${draft.to}`}
        {draft.field === 'to' ? '▏' : ''}
        <Text dimColor>{note ? `   (${note})` : ''}</Text>
      </Text>
      <Box marginTop={1} flexDirection="column">
        {view.error ? <ErrorLines error={view.error} /> : null}
        {!view.error && first && last ? (
          <Text>
            {unitName(view.selectable.length, draft.by)}: {periodLabel(first)}
            {first === last ? '' : ` … ${periodLabel(last)}`} (UTC) · keys and sizes in the preview
          </Text>
        ) : null}
        {!view.error && view.open.length > 0 ? (
          <Text dimColor>
            {view.open.map(periodLabel).slice(0, 3).join(', ')}
            {view.open.length > 3 ? ' …' : ''} not finished: shown, not collapsed (logs still arriving)
          </Text>
        ) : null}
      </Box>
    </Frame>
  );
}
