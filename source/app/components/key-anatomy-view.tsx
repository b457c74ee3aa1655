import { Box, Text } from 'ink';
import type { KeyField } from '../../layouts/index.js';
import { keyAnatomy } from '../../job/key-anatomy.js';
import { colour } from './theme.js';
import { useWidth } from './width.js';

/** A sample key drawn apart into its fields: the teaching part of step 3. */
export function KeyAnatomy({ fields }: { readonly fields: readonly KeyField[] }) {
  const width = useWidth() - 4;
  return (
    <Box flexDirection="column">
      {keyAnatomy(fields, width).map((block, index) => (
        <Box key={index} flexDirection="column">
          <Text bold>{block.key}</Text>
          <Text color={colour('accent')}>{block.braces}</Text>
          {block.labels.map((line, row) => (
            <Text key={row}>{line}</Text>
          ))}
        </Box>
      ))}
    </Box>
  );
}
