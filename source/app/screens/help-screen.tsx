import { Box, Text } from 'ink';
import { Frame } from '../components/frame.js';
import { anyOf, char, ENTER, ESCAPE, type Binding } from '../key-bindings.js';
import { useKeys, usePreviousKeys } from '../keys.js';

/** `?`: what the keys of the screen it was opened on do, and the promises the tool keeps. */
export function HelpScreen({ onClose }: { readonly onClose: () => void }) {
  // The keys that do something there (not the `?` a footer names).
  const explained = usePreviousKeys().filter((binding) => binding.run);
  const keys: Binding[] = [
    { label: 'esc/?', does: 'close', matches: anyOf(ESCAPE, ENTER, char('q')), run: onClose },
  ];
  useKeys(keys);
  const width = Math.max(0, ...explained.map((binding) => binding.label.length));
  return (
    <Frame step="help" keys={keys}>
      <Box flexDirection="column" marginY={1}>
        {explained.map((binding, index) => (
          // A long line wraps under its text, clear of the keys' column.
          <Box key={index}>
            <Box flexShrink={0}>
              <Text>{`• ${binding.label.padEnd(width)} `}</Text>
            </Box>
            <Text>{binding.help ?? binding.does}</Text>
          </Box>
        ))}
      </Box>
      <Text>Everywhere: ↑↓ move · ⏎ choose · esc back · q quit (where nothing is being typed) · ? help</Text>
      <Text>Nothing is deleted before the typed confirmation (or --yes), and only keys in the</Text>
      <Text>preview's snapshot whose output was uploaded and verified (size and SHA-256).</Text>
      <Text>Every answer here has a flag: the summary prints the command that repeats the run.</Text>
    </Frame>
  );
}
