import { Box, Text } from 'ink';
import type { ReactNode } from 'react';
import { footerOf, type Binding } from '../key-bindings.js';
import { colour } from './theme.js';
import { useWidth } from './width.js';

interface FrameProps {
  /** `1/7 profile`, `done in 1 min 22 s`… */
  readonly step: string;
  /** What has been chosen so far. */
  readonly context?: readonly (string | undefined)[];
  /** The screen's keys, the ones given to `useKeys`: the footer names them. */
  readonly keys: readonly Binding[];
  readonly children?: ReactNode;
}

/** Every screen's frame: where you are and what is chosen, the step, and one line of key hints. */
export function Frame({ step, context = [], keys, children }: FrameProps) {
  const width = useWidth();
  const title = ['s3collapse', step, ...context.filter((part): part is string => Boolean(part))].join(' · ');
  return (
    <Box flexDirection="column" paddingLeft={1} width={width}>
      <Text bold color={colour('accent')} wrap="truncate-end">
        {title}
      </Text>
      {children}
      <Text dimColor>{footerOf(keys)}</Text>
    </Box>
  );
}
