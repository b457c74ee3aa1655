import { Box, Text } from 'ink';
import { useKeys } from '../keys.js';
import { Frame } from '../components/frame.js';
import type { Step } from '../state.js';

const STEP_HELP: Readonly<Record<Step, readonly string[]>> = {
  profile: [
    '↑↓ highlight a profile: STS says who it is',
    '⏎ use it; (environment) uses the SDK chain (env vars, AWS_PROFILE, instance role)',
  ],
  bucket: [
    'type to filter the list',
    'tab: type a bucket name the credentials cannot list',
    '⏎ open the bucket',
  ],
  layout: [
    '↑↓ pick one of several layouts found',
    'the sample key is drawn apart so you can read any key of this layout',
  ],
  series: ['space: include or leave out one account × region', 'a: all or none'],
  range: [
    'tab or ↑↓: next field',
    '←→ on "by": hour, day, month; on a date: one period earlier or later',
    'type digits to edit a date (UTC)',
  ],
  preview: [
    '↑↓ scroll the periods',
    'd: stop here, nothing changed (same as --dry-run)',
    '⏎ go on to the confirmation',
  ],
  confirm: ['type the bucket name exactly, then ⏎: only then is anything deleted'],
  run: ['ctrl-c asks, then stops safely: uploads in flight are aborted, nothing unverified is deleted'],
  summary: ["q quits with the run's exit code"],
};

/** `?`: what the keys do here, and the promises the tool keeps. */
export function HelpScreen({ step, onClose }: { readonly step: Step; readonly onClose: () => void }) {
  useKeys((input, key) => {
    if (key.escape || key.return || input === 'q') onClose();
  });
  return (
    <Frame step="help" hints={[['esc/?', 'close']]}>
      <Box flexDirection="column" marginY={1}>
        {STEP_HELP[step].map((line) => (
          <Text key={line}>• {line}</Text>
        ))}
      </Box>
      <Text>Everywhere: ↑↓ move · ⏎ choose · esc back · q quit (where nothing is being typed) · ? help</Text>
      <Text>Nothing is deleted before the typed confirmation (or --yes), and only keys in the</Text>
      <Text>preview's snapshot whose output was uploaded and verified (size and SHA-256).</Text>
      <Text>Every answer here has a flag: the summary prints the command that repeats the run.</Text>
    </Frame>
  );
}
