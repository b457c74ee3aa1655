import { Box, Text } from 'ink';
import { useEffect } from 'react';
import { listProfiles, type ProfileInfo } from '../../aws/profiles.js';
import type { ConnectionOptions } from '../../aws/s3-client.js';
import { DEMO_IDENTITY } from '../../demo/demo.js';
import { whoAmI, type Identity } from '../../job/identity.js';
import { Busy } from '../components/busy.js';
import { ErrorLines } from '../components/error-lines.js';
import { Frame } from '../components/frame.js';
import { cursorReducer, type CursorMove } from '../components/list-cursor.js';
import { SelectList } from '../components/select-list.js';
import { colour } from '../components/theme.js';
import { useStore } from '../hooks/use-store.js';
import { useTask } from '../hooks/use-task.js';
import { char, ENTER, HELP, upOrDown, UP_DOWN, type Binding } from '../key-bindings.js';
import { useKeys } from '../keys.js';
import type { ProfileChoice } from '../state.js';

/** One row of the profile step: a profile, the environment's chain, or the demo. */
export interface ProfileRow {
  readonly id: string;
  readonly name?: string | undefined;
  readonly label: string;
  readonly kind: string;
  readonly detail: string;
  readonly demo?: boolean;
}

export const ENVIRONMENT_ROW_ID = '(environment)';

function environmentDetail(env: NodeJS.ProcessEnv): string {
  if (env.AWS_ACCESS_KEY_ID) return 'AWS_ACCESS_KEY_ID is set';
  if (env.AWS_PROFILE) return `AWS_PROFILE=${env.AWS_PROFILE}`;
  if (env.AWS_WEB_IDENTITY_TOKEN_FILE) return 'web identity token';
  return "the SDK's default chain";
}

export function profileRows(
  profiles: readonly ProfileInfo[],
  env: NodeJS.ProcessEnv = process.env,
): ProfileRow[] {
  return [
    ...profiles.map((profile) => ({
      id: `profile:${profile.name}`,
      name: profile.name,
      label: profile.name,
      kind: profile.kind,
      detail: profile.detail ?? '',
    })),
    { id: ENVIRONMENT_ROW_ID, label: ENVIRONMENT_ROW_ID, kind: 'env', detail: environmentDetail(env) },
  ];
}

/** AWS_PROFILE when it names a row, else `default`, else the environment. */
export function preselected(rows: readonly ProfileRow[], env: NodeJS.ProcessEnv = process.env): number {
  const wanted = [env.AWS_PROFILE, 'default'];
  for (const name of wanted) {
    const index = rows.findIndex((row) => name !== undefined && row.name === name);
    if (index >= 0) return index;
  }
  return rows.length - 1;
}

interface ProfileState {
  readonly cursor: number;
  readonly identities: Readonly<Record<string, Identity>>;
}

type ProfileAction =
  | CursorMove
  | { readonly type: 'set-cursor'; readonly cursor: number }
  | { readonly type: 'identity'; readonly id: string; readonly identity: Identity };

function profileReducer(state: ProfileState, action: ProfileAction): ProfileState {
  switch (action.type) {
    case 'move':
      return { ...state, cursor: cursorReducer(state.cursor, action) };
    case 'set-cursor':
      return { ...state, cursor: action.cursor };
    case 'identity':
      return { ...state, identities: { ...state.identities, [action.id]: action.identity } };
  }
}

const DEMO_ROW: ProfileRow = {
  id: 'demo',
  label: 'demo',
  kind: 'local',
  detail: 'local S3 server, no AWS account',
  demo: true,
};
const DEMO_ACCOUNT = '000000000000';

/** What the row says about who it is, once STS has answered. */
function identityCell(row: ProfileRow, identity: Identity | undefined): string {
  if (row.demo) return `${DEMO_ACCOUNT}  ${row.detail}`;
  if (!identity) return row.detail ? row.detail : 'not checked yet';
  if (identity.known) return `${identity.account}  ${identity.arn.split(/[:/]/).slice(-2).join('/')}`;
  return row.detail ? row.detail : 'identity unknown';
}

interface ProfileScreenProps {
  readonly connection: ConnectionOptions;
  readonly demo: boolean;
  readonly onChoose: (profile: ProfileChoice) => void;
  readonly onQuit: () => void;
}

export function connectionForRow(connection: ConnectionOptions, row: ProfileRow): ConnectionOptions {
  return row.demo ? connection : { ...connection, profile: row.name };
}

export function ProfileScreen({ connection, demo, onChoose, onQuit }: ProfileScreenProps) {
  const rowsTask = useTask(async () => (demo ? [DEMO_ROW] : profileRows(await listProfiles())), [demo]);
  const rows = rowsTask.status === 'done' ? rowsTask.value : [];
  const [state, dispatch, get] = useStore(profileReducer, { cursor: 0, identities: {} });

  useEffect(() => {
    if (rowsTask.status === 'done') dispatch({ type: 'set-cursor', cursor: preselected(rowsTask.value) });
  }, [rowsTask, dispatch]);

  const row = rows[state.cursor];
  // Who the highlighted row is: asked once per row, answered whenever STS answers.
  useEffect(() => {
    if (!row || row.demo || get().identities[row.id]) return;
    let current = true;
    void whoAmI(connectionForRow(connection, row)).then((identity) => {
      if (current) dispatch({ type: 'identity', id: row.id, identity });
    });
    return () => {
      current = false;
    };
  }, [row, connection, dispatch, get]);

  const choose = () => {
    const chosen = rows[get().cursor];
    if (!chosen) return;
    const identity = get().identities[chosen.id];
    onChoose({
      name: chosen.demo ? undefined : chosen.name,
      label: chosen.label,
      account: chosen.demo ? DEMO_ACCOUNT : identity?.known ? identity.account : undefined,
    });
  };
  const keys: Binding[] = [
    {
      ...UP_DOWN,
      does: 'move',
      help: 'highlight a profile: STS says who it is',
      run: (_input, key) => dispatch({ type: 'move', by: upOrDown(key), count: rows.length }),
    },
    {
      ...ENTER,
      does: 'choose',
      help: 'use it; (environment) uses the SDK chain (env vars, AWS_PROFILE, instance role)',
      run: choose,
    },
    { ...char('q'), does: 'quit', run: onQuit },
    HELP,
  ];
  useKeys(keys, rowsTask.status === 'done');

  const identity = row ? state.identities[row.id] : undefined;
  return (
    <Frame step="1/7 profile" keys={keys}>
      <Text>Which AWS credentials?</Text>
      {rowsTask.status === 'running' ? <Busy label="reading ~/.aws/config and ~/.aws/credentials…" /> : null}
      {rowsTask.status === 'failed' ? <ErrorLines error={rowsTask.error} /> : null}
      <SelectList
        items={rows}
        cursor={state.cursor}
        limit={12}
        itemKey={(item) => item.id}
        render={(item) => (
          <Text>
            {item.label.padEnd(16)} {item.kind.padEnd(8)} {identityCell(item, state.identities[item.id])}
          </Text>
        )}
      />
      <Box marginTop={1} flexDirection="column">
        {row?.demo ? (
          <>
            <Text color={colour('done')}>✔ demo is {DEMO_IDENTITY.split(' (')[0]}</Text>
            <Text dimColor> ({DEMO_IDENTITY.split(' (').slice(1).join(' (')}</Text>
          </>
        ) : null}
        {row && !row.demo && !identity ? <Busy label={`asking STS who ${row.label} is…`} /> : null}
        {row && identity?.known ? (
          <Text color={colour('done')}>
            ✔ {row.label} is {identity.arn}
          </Text>
        ) : null}
        {row && identity && !identity.known ? (
          <Box flexDirection="column">
            <Text color={colour('running')}>? {identity.reason}</Text>
            {identity.fix ? <Text> {identity.fix}</Text> : null}
          </Box>
        ) : null}
      </Box>
    </Frame>
  );
}
