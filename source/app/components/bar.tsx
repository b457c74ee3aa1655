import { Text } from 'ink';
import { colour, type Tone } from './theme.js';

export function fraction(done: number, total: number): number {
  if (total <= 0) return done > 0 ? 1 : 0;
  return Math.max(0, Math.min(1, done / total));
}

/** `████░░░░░░` for a fraction; the percentage beside it carries the number without colour. */
export function barText(value: number, width: number): string {
  const filled = Math.round(value * width);
  return `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
}

interface BarProps {
  readonly value: number;
  readonly width: number;
  readonly tone?: Tone | undefined;
  /** `✔` once finished instead of `100%`. */
  readonly done?: boolean | undefined;
}

export function Bar({ value, width, tone, done }: BarProps) {
  const label = done ? '✔   ' : `${String(Math.floor(value * 100)).padStart(3)}%`;
  return (
    <Text color={tone ? colour(tone) : undefined}>
      {barText(value, width)} {label}
    </Text>
  );
}
