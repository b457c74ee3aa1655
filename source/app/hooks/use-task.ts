import { setMaxListeners } from 'node:events';
import { useEffect, useState, type DependencyList } from 'react';

export type Task<T> =
  | { readonly status: 'running' }
  | { readonly status: 'done'; readonly value: T }
  | { readonly status: 'failed'; readonly error: unknown };

/**
 * Runs async work for a screen: started when `deps` change, aborted (and its answer ignored) when
 * they change again or the screen goes away. `dispose` releases a result nobody will use (a client).
 * `run` returning undefined means there is nothing to do yet.
 */
export function useTask<T>(
  run: (signal: AbortSignal) => Promise<T> | undefined,
  deps: DependencyList,
  dispose?: (value: T) => void,
): Task<T> {
  const [task, setTask] = useState<Task<T>>({ status: 'running' });
  useEffect(() => {
    const controller = new AbortController();
    // A plan lists many prefixes at once, each request listening on this one signal.
    setMaxListeners(0, controller.signal);
    let value: { current: T } | undefined;
    setTask({ status: 'running' });
    const promise = run(controller.signal);
    promise?.then(
      (result) => {
        value = { current: result };
        if (controller.signal.aborted) dispose?.(result);
        else setTask({ status: 'done', value: result });
      },
      (error: unknown) => {
        if (!controller.signal.aborted) setTask({ status: 'failed', error });
      },
    );
    return () => {
      controller.abort();
      if (value) dispose?.(value.current);
    };
    // The caller's deps decide when the work restarts.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);
  return task;
}
