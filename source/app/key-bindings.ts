import type { Key } from 'ink';

/** Which keys a binding answers, from Ink's parsed key and the text typed (`''` for arrows, esc, tab). */
export type KeyMatcher = (input: string, key: Key) => boolean;

/**
 * One thing a key does on a screen, written once: the screen's handler, its footer hint and its
 * line on the help screen all come from it. A screen's bindings are tried in order, the first that
 * matches runs, and the footer lists them in that order.
 */
export interface Binding {
  readonly matches: KeyMatcher;
  /** The keys as the footer writes them: `↑↓`, `⏎`, `esc`. */
  readonly label: string;
  /** What they do, in the footer's few words. */
  readonly does: string;
  /** The help screen's line, where the footer's few words say too little. */
  readonly help?: string | undefined;
  /** Works, but the footer has no room for it; the help screen still lists it. */
  readonly hidden?: boolean | undefined;
  /** Without it the binding only names, in a footer, a key the app handles (`?`). */
  readonly run?: ((input: string, key: Key) => void) | undefined;
}

/** A key as the footer writes it and how to recognise it; a binding adds what it does. */
export type Keystroke = Pick<Binding, 'label' | 'matches'>;

export const ENTER: Keystroke = { label: '⏎', matches: (_input, key) => key.return };
export const ESCAPE: Keystroke = { label: 'esc', matches: (_input, key) => key.escape };
export const TAB: Keystroke = { label: 'tab', matches: (_input, key) => key.tab };
export const UP_DOWN: Keystroke = { label: '↑↓', matches: (_input, key) => key.upArrow || key.downArrow };
export const LEFT_RIGHT: Keystroke = {
  label: '←→',
  matches: (_input, key) => key.leftArrow || key.rightArrow,
};
// Terminals send ⌫ as either, depending on their settings.
export const ERASE: Keystroke = { label: '⌫', matches: (_input, key) => key.backspace || key.delete };
export const SPACE: Keystroke = { label: 'space', matches: (input) => input === ' ' };
export const CTRL_C: Keystroke = { label: 'ctrl-c', matches: (input, key) => key.ctrl && input === 'c' };

/** A key that types one character: `q`, `d`, `?`. */
export const char = (text: string): Keystroke => ({ label: text, matches: (input) => input === text });

export const anyOf =
  (...strokes: readonly Keystroke[]): KeyMatcher =>
  (input, key) =>
    strokes.some((stroke) => stroke.matches(input, key));

/** `?` is the app's (see app.tsx) on every screen but the run's; a screen lists it to name it. */
export const HELP: Binding = { ...char('?'), does: 'help' };

/** ↑ moves one row up, ↓ one down. */
export const upOrDown = (key: Key): -1 | 1 => (key.upArrow ? -1 : 1);

/** Runs the first binding that matches and has something to run; `true` if one did. */
export function runKey(bindings: readonly Binding[], input: string, key: Key): boolean {
  const binding = bindings.find((one) => one.run !== undefined && one.matches(input, key));
  binding?.run?.(input, key);
  return binding !== undefined;
}

/** The footer: `↑↓ move  ⏎ choose  esc back`. */
export function footerOf(bindings: readonly Binding[]): string {
  return bindings
    .filter((binding) => !binding.hidden)
    .map((binding) => `${binding.label} ${binding.does}`)
    .join('  ');
}
