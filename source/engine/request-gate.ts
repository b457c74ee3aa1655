/**
 * A concurrency limit that backs off when S3 throttles and grows back when it does not (AIMD, the
 * way TCP shares a link): halve on a throttle, add one slot per window of successes. S3 scales a
 * prefix while it answers 503 SlowDown; hammering it at the same rate only earns more 503s.
 */
export class RequestGate {
  private limitNow: number;
  private running = 0;
  private successes = 0;
  private lastCut = -Infinity;
  private readonly waiting: Array<() => void> = [];

  constructor(
    private readonly max: number,
    private readonly options: { readonly min?: number; readonly now?: () => number } = {},
  ) {
    this.limitNow = max;
  }

  get limit(): number {
    return this.limitNow;
  }

  private get min(): number {
    return this.options.min ?? 1;
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  /** A throttled attempt. Throttles that arrive together (one burst) cut the limit once. */
  throttled(): void {
    const now = this.now();
    if (now - this.lastCut < 1000) return;
    this.lastCut = now;
    this.limitNow = Math.max(this.min, Math.floor(this.limitNow / 2));
    this.successes = 0;
  }

  private succeeded(): void {
    if (this.limitNow >= this.max) return;
    this.successes += 1;
    if (this.successes >= this.limitNow) {
      this.successes = 0;
      this.limitNow += 1;
      this.wake();
    }
  }

  private wake(): void {
    while (this.running < this.limitNow && this.waiting.length > 0) {
      this.running += 1;
      this.waiting.shift()!();
    }
  }

  /** Runs `task` once a slot is free; a task that fails (whatever the reason) still frees its slot. */
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running < this.limitNow) this.running += 1;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      const result = await task();
      this.succeeded();
      return result;
    } finally {
      this.running -= 1;
      this.wake();
    }
  }
}

/** One gate per prefix, found by the longest prefix a key starts with. */
export class PrefixGates {
  private readonly gates = new Map<string, RequestGate>();

  constructor(private readonly max: number) {}

  forPrefix(prefix: string): RequestGate {
    let gate = this.gates.get(prefix);
    if (!gate) {
      gate = new RequestGate(this.max);
      this.gates.set(prefix, gate);
    }
    return gate;
  }

  forKey(key: string): RequestGate | undefined {
    let best: string | undefined;
    for (const prefix of this.gates.keys())
      if (key.startsWith(prefix) && (best === undefined || prefix.length > best.length)) best = prefix;
    return best === undefined ? undefined : this.gates.get(best);
  }
}
