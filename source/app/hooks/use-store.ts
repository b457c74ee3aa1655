import { useCallback, useRef, useState } from 'react';

/**
 * A reducer whose latest state can be read synchronously. Ink's `useInput` re-attaches its handler
 * after each render, so two keys typed within a few milliseconds may both reach a handler from the
 * same render: reading `get()` instead of a captured state keeps the second key from acting on stale
 * selection.
 */
export function useStore<S, A>(
  reducer: (state: S, action: A) => S,
  initial: S | (() => S),
): [S, (action: A) => S, () => S] {
  const ref = useRef<S | undefined>(undefined);
  if (ref.current === undefined)
    ref.current = typeof initial === 'function' ? (initial as () => S)() : initial;
  const [state, setState] = useState<S>(ref.current);
  const dispatch = useCallback(
    (action: A): S => {
      ref.current = reducer(ref.current as S, action);
      setState(ref.current);
      return ref.current;
    },
    [reducer],
  );
  const get = useCallback((): S => ref.current as S, []);
  return [state, dispatch, get];
}
