import { Box, Text } from 'ink';
import { confirmationOf, type JobPlan } from '../../job/collapse-job.js';
import type { CliOptions } from '../../options.js';
import { Frame } from '../components/frame.js';
import { colour } from '../components/theme.js';
import { useStore } from '../hooks/use-store.js';
import { ENTER, ERASE, ESCAPE, HELP, type Binding } from '../key-bindings.js';
import { useKeys } from '../keys.js';

interface ConfirmState {
  readonly typed: string;
  readonly wrong: boolean;
}

type ConfirmAction =
  { readonly type: 'type'; readonly text: string } | { readonly type: 'erase' } | { readonly type: 'wrong' };

function confirmReducer(state: ConfirmState, action: ConfirmAction): ConfirmState {
  switch (action.type) {
    case 'type':
      return { typed: `${state.typed}${action.text}`, wrong: false };
    case 'erase':
      return { typed: state.typed.slice(0, -1), wrong: false };
    case 'wrong':
      return { ...state, wrong: true };
  }
}

interface ConfirmScreenProps {
  readonly planned: JobPlan;
  readonly options: CliOptions;
  readonly versioned?: boolean | undefined;
  readonly onConfirm: () => void;
  readonly onBack: () => void;
}

/** Nothing is deleted before the bucket's name is typed here (or --yes was given). */
export function ConfirmScreen({ planned, options, versioned, onConfirm, onBack }: ConfirmScreenProps) {
  const [state, dispatch, get] = useStore(confirmReducer, { typed: '', wrong: false });
  const { plan } = planned;
  const { promise, warning } = confirmationOf(planned, options, versioned);

  const submit = () => {
    if (get().typed === plan.bucket) onConfirm();
    else dispatch({ type: 'wrong' });
  };
  const keys: Binding[] = [
    {
      ...ENTER,
      does: 'run',
      help: 'run, once the bucket name is typed exactly: only then is anything deleted',
      run: submit,
    },
    { ...ESCAPE, does: 'back', run: onBack },
    HELP,
    { ...ERASE, does: 'erase', hidden: true, run: () => dispatch({ type: 'erase' }) },
    {
      label: 'a-z0-9.-',
      does: 'type the bucket name',
      hidden: true,
      // Any text, a lone Enter too: the binding above takes that first.
      matches: (input, key) => input !== '' && !key.ctrl && !key.meta && input !== '?',
      // A paste ending in Enter arrives split by the key router: the text, then Enter.
      run: (input) => dispatch({ type: 'type', text: input }),
    },
  ];
  useKeys(keys);

  return (
    <Frame step="6/7 confirm" context={[plan.bucket]} keys={keys}>
      <Text>{promise}</Text>
      {warning ? <Text color={colour('running')}>{warning}</Text> : null}
      <Box marginTop={1}>
        <Text>
          {'Type the bucket name to go on:  '}
          <Text bold>{state.typed}</Text>▏
        </Text>
      </Box>
      {state.wrong ? (
        <Text color={colour('failed')}>
          ✖ That is not {plan.bucket}; nothing will be deleted until it is typed exactly.
        </Text>
      ) : null}
    </Frame>
  );
}
