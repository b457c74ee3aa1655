import { Box, Text } from 'ink';
import type { ConnectionOptions } from '../../aws/s3-client.js';
import { filterBuckets, listBuckets, type BucketEntry } from '../../job/buckets.js';
import { Busy } from '../components/busy.js';
import { ErrorLines } from '../components/error-lines.js';
import { Frame } from '../components/frame.js';
import { cursorReducer, type CursorMove } from '../components/list-cursor.js';
import { SelectList } from '../components/select-list.js';
import { useStore } from '../hooks/use-store.js';
import { useTask } from '../hooks/use-task.js';
import { ENTER, ERASE, ESCAPE, TAB, upOrDown, UP_DOWN, type Binding } from '../key-bindings.js';
import { useKeys } from '../keys.js';

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
  const listed = (query: string) => filterBuckets(buckets, query);
  const matches = listed(state.query);
  const typing = state.typing || task.status === 'failed';

  const choose = () => {
    const now = get();
    const name =
      now.typing || task.status === 'failed' ? now.query.trim() : listed(now.query)[now.cursor]?.name;
    if (name) onChoose(name);
  };
  const keys: Binding[] = [
    {
      ...UP_DOWN,
      does: 'move',
      hidden: typing,
      // The count of the list as filtered by every key typed so far, drawn or not yet.
      run: (_input, key) => dispatch({ type: 'move', by: upOrDown(key), count: listed(get().query).length }),
    },
    {
      ...ENTER,
      does: typing ? 'use this name' : 'choose',
      help: typing ? undefined : 'open the bucket',
      run: choose,
    },
    {
      ...TAB,
      does: typing ? 'pick from the list' : 'type a name you cannot list',
      help: typing ? undefined : 'type a bucket name the credentials cannot list',
      run: () => dispatch({ type: 'toggle-typing' }),
    },
    { ...ESCAPE, does: 'back', run: onBack },
    { ...ERASE, does: 'erase', hidden: true, run: () => dispatch({ type: 'erase' }) },
    {
      label: 'a-z0-9.-',
      matches: (input) => NAME_CHARACTERS.test(input),
      does: typing ? 'type the name' : 'filter the list',
      hidden: true,
      run: (input) => dispatch({ type: 'type', text: input }),
    },
  ];
  useKeys(keys);

  return (
    <Frame step="2/7 bucket" context={[profileLabel]} keys={keys}>
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
