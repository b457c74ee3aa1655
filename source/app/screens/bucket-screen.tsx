import { Box, Text } from 'ink';
import { useKeys } from '../keys.js';
import type { ConnectionOptions } from '../../aws/s3-client.js';
import { filterBuckets, listBuckets, type BucketEntry } from '../../job/buckets.js';
import { Busy } from '../components/busy.js';
import { ErrorLines } from '../components/error-lines.js';
import { Frame, type KeyHint } from '../components/frame.js';
import { cursorReducer, type CursorMove } from '../components/list-cursor.js';
import { SelectList } from '../components/select-list.js';
import { useStore } from '../hooks/use-store.js';
import { useTask } from '../hooks/use-task.js';

interface BucketState {
  readonly query: string;
  readonly cursor: number;
  /** Typing a name the credentials cannot list (tab), rather than filtering the list. */
  readonly typing: boolean;
}

type BucketAction =
  | { readonly type: 'type'; readonly text: string }
  | { readonly type: 'erase' }
  | CursorMove
  | { readonly type: 'toggle-typing' };

function bucketReducer(state: BucketState, action: BucketAction): BucketState {
  switch (action.type) {
    case 'type':
      return { ...state, query: `${state.query}${action.text}`, cursor: 0 };
    case 'erase':
      return { ...state, query: state.query.slice(0, -1), cursor: 0 };
    case 'move':
      return { ...state, cursor: cursorReducer(state.cursor, action) };
    case 'toggle-typing':
      return { ...state, typing: !state.typing };
  }
}

/** Characters a bucket name may hold; anything else typed is a key for us, not the name. */
const NAME_CHARACTERS = /^[a-z0-9.-]+$/;

interface BucketScreenProps {
  readonly connection: ConnectionOptions;
  readonly profileLabel: string | undefined;
  readonly onChoose: (bucket: string) => void;
  readonly onBack: () => void;
}

export function BucketScreen({ connection, profileLabel, onChoose, onBack }: BucketScreenProps) {
  const task = useTask(() => listBuckets(connection), [connection]);
  const [state, dispatch, get] = useStore(bucketReducer, { query: '', cursor: 0, typing: false });
  const buckets: readonly BucketEntry[] = task.status === 'done' ? task.value : [];
  const matches = filterBuckets(buckets, state.query);
  const typing = state.typing || task.status === 'failed';

  useKeys((input, key) => {
    const now = get();
    const listed = filterBuckets(buckets, now.query);
    const typingNow = now.typing || task.status === 'failed';
    if (key.escape) onBack();
    else if (key.tab) dispatch({ type: 'toggle-typing' });
    else if (key.upArrow) dispatch({ type: 'move', by: -1, count: listed.length });
    else if (key.downArrow) dispatch({ type: 'move', by: 1, count: listed.length });
    else if (key.backspace || key.delete) dispatch({ type: 'erase' });
    else if (key.return) {
      const name = typingNow ? now.query.trim() : listed[now.cursor]?.name;
      if (name) onChoose(name);
    } else if (NAME_CHARACTERS.test(input)) dispatch({ type: 'type', text: input });
  });

  const hints: KeyHint[] = typing
    ? [
        ['⏎', 'use this name'],
        ['tab', 'pick from the list'],
        ['esc', 'back'],
      ]
    : [
        ['↑↓', 'move'],
        ['⏎', 'choose'],
        ['tab', 'type a name you cannot list'],
        ['esc', 'back'],
      ];
  return (
    <Frame step="2/7 bucket" context={[profileLabel]} hints={hints}>
      <Text>{`${typing ? 'Bucket name' : 'Bucket'}  ${state.query}▏`}</Text>
      {task.status === 'running' ? <Busy label="listing buckets…" /> : null}
      {task.status === 'failed' ? (
        <Box flexDirection="column">
          <ErrorLines error={task.error} />
          <Text dimColor>
            Type the bucket's name instead: opening it is the real test of the credentials.
          </Text>
        </Box>
      ) : null}
      {task.status === 'done' && !typing ? (
        <>
          <SelectList
            items={matches}
            cursor={state.cursor}
            limit={14}
            itemKey={(bucket) => bucket.name}
            render={(bucket) => (
              <Text>
                {bucket.name.padEnd(40)} {bucket.region ?? ''}
              </Text>
            )}
          />
          <Text dimColor>
            {matches.length} of {buckets.length} buckets match
          </Text>
        </>
      ) : null}
    </Frame>
  );
}
