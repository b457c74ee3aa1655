export type LockMode = 'shared' | 'exclusive';

export interface LockRequest {
  readonly key: string;
  readonly mode: LockMode;
}

interface Waiter {
  readonly mode: LockMode;
  readonly grant: () => void;
}

interface KeyState {
  readers: number;
  writer: boolean;
  readonly queue: Waiter[];
}

/**
 * In-memory shared/exclusive locks by name, granted in arrival order (a waiting exclusive holder
 * is not starved by a stream of shared ones). Shared, not just exclusive, because readers of one
 * key — the parts of one multipart upload, the GETs of one object — must not queue behind each
 * other, only behind a write.
 */
export class KeyedLock {
  readonly #states = new Map<string, KeyState>();

  /**
   * Runs `work` holding every named lock. They are taken in name order, so two callers that need
   * the same pair can never each hold one and wait for the other. Across two KeyedLocks, callers
   * must agree on an order too (s3-semantics.ts: uploads before objects).
   */
  async with<T>(requests: readonly LockRequest[], work: () => Promise<T>): Promise<T> {
    const release = await this.hold(requests);
    try {
      return await work();
    } finally {
      release();
    }
  }

  /** Takes every named lock (in name order, as `with`) and resolves with the one call that frees them. */
  async hold(requests: readonly LockRequest[]): Promise<() => void> {
    const modes = new Map<string, LockMode>();
    for (const { key, mode } of requests) if (modes.get(key) !== 'exclusive') modes.set(key, mode);
    const ordered = [...modes].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const releases: Array<() => void> = [];
    for (const [key, mode] of ordered) releases.push(await this.#acquire(key, mode));
    return () => {
      for (const release of releases.reverse()) release();
    };
  }

  #acquire(key: string, mode: LockMode): Promise<() => void> {
    let state = this.#states.get(key);
    if (!state) {
      state = { readers: 0, writer: false, queue: [] };
      this.#states.set(key, state);
    }
    const held = state;
    return new Promise((resolve) => {
      held.queue.push({ mode, grant: () => resolve(() => this.#release(key, held, mode)) });
      drain(held);
    });
  }

  #release(key: string, state: KeyState, mode: LockMode): void {
    if (mode === 'exclusive') state.writer = false;
    else state.readers -= 1;
    drain(state);
    if (!state.writer && state.readers === 0 && state.queue.length === 0) this.#states.delete(key);
  }
}

function drain(state: KeyState): void {
  for (let next = state.queue[0]; next; next = state.queue[0]) {
    if (state.writer || (next.mode === 'exclusive' && state.readers > 0)) return;
    if (next.mode === 'exclusive') state.writer = true;
    else state.readers += 1;
    state.queue.shift();
    next.grant();
  }
}
