import { Box, Text } from 'ink';
import { isUserError, messageOf } from '../../errors.js';
import { colour } from './theme.js';

/** A failure in one or two lines: what happened and how to fix it. Never a stack. */
export function ErrorLines({ error }: { readonly error: unknown }) {
  if (isUserError(error)) {
    return (
      <Box flexDirection="column">
        <Text color={colour('failed')}>✖ {error.message}</Text>
        {error.fix ? <Text> {error.fix}</Text> : null}
      </Box>
    );
  }
  return (
    <Box flexDirection="column">
      <Text color={colour('failed')}>✖ {messageOf(error).split('\n')[0]}</Text>
      <Text> Unexpected: nothing was changed by this step. Esc goes back; q quits.</Text>
    </Box>
  );
}
