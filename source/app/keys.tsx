import { useInput, type Key } from 'ink';
import { createContext, useCallback, useContext, useRef, type ReactNode, type RefObject } from 'react';

export type KeyHandler = (input: string, key: Key) => void;
/** A handler that may take a key before the screen sees it; `true` means it did. */
export type GlobalKeyHandler = (input: string, key: Key) => boolean;

const KeysContext = createContext<RefObject<KeyHandler | undefined> | undefined>(undefined);

/**
 * One `useInput` for the whole app, attached once. Ink's `useInput` attaches in an effect after each
 * render, so a key typed right after a frame is drawn could reach a handler from the frame before, or
 * none at all on a screen just shown. Screens instead register their handler while rendering: a key
 * always reaches the handler of the frame on screen.
 */
export function KeyRouter({
  onKey,
  children,
}: {
  readonly onKey?: GlobalKeyHandler;
  readonly children: ReactNode;
}) {
  const screen = useRef<KeyHandler | undefined>(undefined);
  const global = useRef(onKey);
  global.current = onKey;
  const route = useCallback((input: string, key: Key) => {
    if (global.current?.(input, key)) return;
    screen.current?.(input, key);
  }, []);
  useInput(route);
  return <KeysContext.Provider value={screen}>{children}</KeysContext.Provider>;
}

/** The keys of the screen being drawn. Call it in exactly one mounted screen at a time. */
export function useKeys(handler: KeyHandler, active = true): void {
  const screen = useContext(KeysContext);
  if (!screen) throw new Error('useKeys needs a <KeyRouter> above it');
  screen.current = active ? handler : undefined;
}
