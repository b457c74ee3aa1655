import { Text } from 'ink';
import { Busy } from '../components/busy.js';
import { ErrorLines } from '../components/error-lines.js';
import { Frame } from '../components/frame.js';
import { char, ESCAPE, type Binding } from '../key-bindings.js';
import { useKeys } from '../keys.js';
import { STEP_NUMBER, type AppState } from '../state.js';

interface ConnectingProps {
  readonly bucket: string;
  readonly step: AppState['step'];
  readonly error: unknown;
  readonly onBack: () => void;
  readonly onQuit: () => void;
}

/** Opening the bucket (its region, whether the credentials may use it) before any step inside it. */
export function ConnectingScreen({ bucket, step, error, onBack, onQuit }: ConnectingProps) {
  const keys: Binding[] = [
    { ...ESCAPE, does: 'back', help: 'back, to choose another bucket or profile', run: onBack },
    { ...char('q'), does: 'quit', run: onQuit },
  ];
  useKeys(keys);
  return (
    <Frame step={`${STEP_NUMBER[step]}/7 ${step}`} context={[bucket]} keys={keys}>
      {error ? <ErrorLines error={error} /> : <Busy label={`opening ${bucket}…`} />}
      {error ? <Text dimColor>Esc goes back to choose another bucket or profile.</Text> : null}
    </Frame>
  );
}
