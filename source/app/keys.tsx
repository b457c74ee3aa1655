import { useInput, type Key } from 'ink';
import {
  createContext,
  useCallback,
  useContext,
  useRef,
  useState,
  type ReactNode,
  type RefObject,
} from 'react';
import { runKey, type Binding } from './key-bindings.js';

/** A handler that may take a key before the screen sees it; `true` means it did. */
export type GlobalKeyHandler = (input: string, key: Key) => boolean;

interface ScreenKeys {
  readonly bindings: readonly Binding[];
  readonly active: boolean;
}

const KeysContext = createContext<RefObject<ScreenKeys> | undefined>(undefined);

const LINE_END = /(\r\n|\r|\n)/;

/**
 * A paste, or keys that arrive together, come from Ink as one chunk (`my-bucket\r`): split at line
 * ends, so the text is typed and Enter still submits, on every screen.
 */
export function keystrokes(input: string, key: Key): Array<readonly [string, Key]> {
  if (input.length <= 1 || key.return || key.ctrl || key.meta || !LINE_END.test(input)) return [[input, key]];
  return input
    .split(LINE_END)
    .filter((part) => part !== '')
    .map((part) =>
      LINE_END.test(part) ? (['', { ...key, return: true }] as const) : ([part, key] as const),
    );
}

/**
 * One `useInput` for the whole app, attached once. Ink's `useInput` attaches in an effect after each
 * render, so a key typed right after a frame is drawn could reach a handler from the frame before, or
 * none at all on a screen just shown. Screens instead register their bindings while rendering: a key
 * always reaches the bindings of the frame on screen.
 */
export function KeyRouter({
  onKey,
  children,
}: {
  readonly onKey?: GlobalKeyHandler;
  readonly children: ReactNode;
}) {
  const screen = useRef<ScreenKeys>({ bindings: [], active: false });
  const global = useRef(onKey);
  global.current = onKey;
  const route = useCallback((chunk: string, chunkKey: Key) => {
    for (const [input, key] of keystrokes(chunk, chunkKey)) {
      if (global.current?.(input, key)) continue;
      if (screen.current.active) runKey(screen.current.bindings, input, key);
    }
  }, []);
  useInput(route);
  return <KeysContext.Provider value={screen}>{children}</KeysContext.Provider>;
}

function useScreenKeys(): RefObject<ScreenKeys> {
  const screen = useContext(KeysContext);
  if (!screen) throw new Error('useKeys needs a <KeyRouter> above it');
  return screen;
}

/**
 * The keys of the screen being drawn. Call it in exactly one mounted screen at a time; with `active`
 * false the keys do nothing yet (the footer still shows them).
 */
export function useKeys(bindings: readonly Binding[], active = true): void {
  useScreenKeys().current = { bindings, active };
}

/**
 * The keys of the screen drawn before this one, as it last drew them: what the help screen explains.
 * Call it before the screen's own `useKeys`, which replaces them.
 */
export function usePreviousKeys(): readonly Binding[] {
  const screen = useScreenKeys();
  const [previous] = useState(() => screen.current.bindings);
  return previous;
}
