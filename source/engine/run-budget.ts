/**
 * What every period of a run draws from, so that running more periods at once costs neither more
 * memory nor more connections than one period at full speed: GET slots, bytes fetched ahead, part
 * buffers, and the slots of periods streaming at once. All first come, first served.
 */

/** A counting semaphore. */
export class Slots {
  private free: number;
  private readonly waiting: Array<() => void> = [];

  constructor(readonly size: number) {
    this.free = size;
  }

  /** Resolves with the function that gives the slot back (call it once). */
  async take(): Promise<() => void> {
    if (this.free > 0 && this.waiting.length === 0) this.free -= 1;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    let given = false;
    return () => {
      if (given) return;
      given = true;
      const next = this.waiting.shift();
      if (next) next();
      else this.free += 1;
    };
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    const give = await this.take();
    try {
      return await task();
    } finally {
      give();
    }
  }
}

/**
 * Bytes a run may hold downloaded but not yet written, across its periods. A period whose queue is
 * empty may always take what its next object needs (even past the limit), so every period keeps
 * moving; everything fetched ahead of that waits for room.
 */
export class ByteBudget {
  private used = 0;

  constructor(readonly limit: number) {}

  /** Takes `bytes` if they fit, or unconditionally with `always`; false when they do not fit. */
  take(bytes: number, always = false): boolean {
    if (!always && this.used + bytes > this.limit) return false;
    this.used += bytes;
    return true;
  }

  give(bytes: number): void {
    this.used -= bytes;
  }
}

/**
 * Part buffers the run fills and uploads, reused from part to part: a run that allocated a fresh one
 * for each part left them for the garbage collector, and peak memory followed the output's size.
 * A part larger than the pool's (a huge output's part size grows) gets a buffer of its own.
 */
export class BufferPool {
  private readonly slots: Slots;
  private readonly idle: Buffer[] = [];

  constructor(
    count: number,
    readonly size: number,
  ) {
    this.slots = new Slots(count);
  }

  /**
   * A buffer of `size` bytes (a view of a pooled one, when it fits); `give` returns it once nothing
   * reads it any more (its part is sent).
   */
  async take(size: number): Promise<{ buffer: Buffer; give: () => void }> {
    const giveSlot = await this.slots.take();
    const pooled = size <= this.size ? (this.idle.pop() ?? Buffer.allocUnsafe(this.size)) : undefined;
    let given = false;
    return {
      buffer: pooled ? pooled.subarray(0, size) : Buffer.allocUnsafe(size),
      give: () => {
        if (given) return;
        given = true;
        if (pooled) this.idle.push(pooled);
        giveSlot();
      },
    };
  }
}

/**
 * Buffers for the ranges of large inputs (and whole inputs of over half a piece), reused from piece
 * to piece. Each range of a 64 MiB input used to be a fresh 8 MiB buffer, dead once its bytes were
 * copied into a part; V8 frees such memory only when it next collects, after up to 64 MiB more, so a
 * period of large inputs peaked that much higher. A buffer comes back once the output has copied
 * its bytes (see OrderedFetch).
 */
export class PieceBuffers {
  private readonly idle: Buffer[] = [];

  constructor(
    readonly size: number,
    private readonly keep: number,
  ) {}

  take(): Buffer {
    return this.idle.pop() ?? Buffer.allocUnsafeSlow(this.size);
  }

  give(buffer: Buffer): void {
    if (buffer.length === this.size && this.idle.length < this.keep) this.idle.push(buffer);
  }
}

export interface RunBudget {
  /** GETs in flight across the run (one pool, as the fastest hand-written loop has). */
  readonly gets: Slots;
  /** Periods downloading and uploading at once; verifying, recording and deleting take none. */
  readonly streams: Slots;
  /** Output parts held in memory across the run: being filled, or uploading. */
  readonly parts: BufferPool;
  readonly bytesAhead: ByteBudget;
  readonly pieces: PieceBuffers;
}

export function runBudget(options: {
  readonly downloadConcurrency: number;
  readonly periodConcurrency: number;
  readonly partBuffers: number;
  readonly partSize: number;
  readonly maxBytesInFlight: number;
}): RunBudget {
  return {
    gets: new Slots(options.downloadConcurrency),
    streams: new Slots(options.periodConcurrency),
    parts: new BufferPool(options.partBuffers, options.partSize),
    bytesAhead: new ByteBudget(options.maxBytesInFlight),
    // Pieces in flight: the bytes ahead, plus the one each streaming period may always start.
    pieces: new PieceBuffers(
      options.partSize,
      Math.ceil(options.maxBytesInFlight / options.partSize) + options.periodConcurrency,
    ),
  };
}
