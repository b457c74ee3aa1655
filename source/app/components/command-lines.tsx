import { Box, Text } from 'ink';
import { useWidth } from './width.js';

/** A shell command broken at word boundaries into lines ending in ` \`, ready to copy as is. */
export function commandLines(command: string, width = 74): string[] {
  // A flag stays on the line of its value.
  const units: string[] = [];
  for (const word of command.split(' ')) {
    const last = units.at(-1);
    if (last !== undefined && /^--[a-z-]+$/.test(last) && !word.startsWith('--'))
      units[units.length - 1] = `${last} ${word}`;
    else units.push(word);
  }
  const lines: string[] = [];
  let line = '';
  for (const unit of units) {
    const joined = line === '' ? unit : `${line} ${unit}`;
    if (joined.length > width - 4 && line !== '') {
      lines.push(line);
      line = unit;
    } else line = joined;
  }
  if (line) lines.push(line);
  return lines.map(
    (text, index) => `${index === 0 ? '' : '  '}${text}${index < lines.length - 1 ? ' \\' : ''}`,
  );
}

export function CommandLines({ command }: { readonly command: string }) {
  const width = useWidth() - 6;
  return (
    <Box flexDirection="column" paddingLeft={2}>
      {commandLines(command, width).map((line) => (
        <Text key={line}>{line}</Text>
      ))}
    </Box>
  );
}
