import type { ByteBudget, PieceBuffers } from './run-budget.js';

/** A member's bytes: held whole when small, or its ranges in order for one too large to hold. */
export type FetchedBody =
  | { readonly kind: 'buffer'; readonly data: Buffer }
  | { readonly kind: 'stream'; readonly chunks: AsyncIterable<Buffer> };

export interface OrderedFetchOptions {
  /** Fetches (whole objects or ranges) in flight at once. */
  readonly concurrency: number;
  /** Objects larger than this are fetched as ranges of this size, several at once, in order. */
  readonly pieceSize: number;
  /** Bytes fetched ahead of the consumer; shared by every period of a run. */
  readonly budget: ByteBudget;
  /** Buffers of `pieceSize` for ranges and large whole objects, reused once the consumer is done. */
  readonly pieceBuffers?: PieceBuffers | undefined;
}

export interface OrderedFetchSource<T> {
  /** The whole item, in `into` when it is given and large enough. */
  fetchWhole(item: T, into?: Buffer): Promise<Buffer>;
  /** Bytes `start` to `end` (exclusive) of the item, in `into` when it is given and large enough. */
  fetchRange(item: T, start: number, end: number, into?: Buffer): Promise<Buffer>;
}

interface Piece<T> {
  readonly item: T;
  readonly start: number;
  readonly end: number;
  readonly whole: boolean;
}

function piecesOf<T extends { readonly size: number }>(items: readonly T[], pieceSize: number): Piece<T>[] {
  return items.flatMap((item) => {
    if (item.size <= pieceSize) return [{ item, start: 0, end: item.size, whole: true }];
    const pieces: Piece<T>[] = [];
    for (let start = 0; start < item.size; start += pieceSize)
      pieces.push({ item, start, end: Math.min(item.size, start + pieceSize), whole: false });
    return pieces;
  });
}

/**
 * Every range, and a whole object of more than half a piece, is read into a recycled piece buffer.
 * Objects of a few MiB each left a fresh buffer behind (bench:memory, 24 of 8 MiB: 224 → 205–218 MB);
 * a smaller one does not borrow, so that the budget's bytes ahead never stand for more than twice
 * their memory.
 */
const lendsBuffer = <T>(piece: Piece<T>, pieceSize: number): boolean =>
  !piece.whole || piece.end - piece.start > pieceSize / 2;

/**
 * Fetches many objects concurrently and yields them in input order (key order), whatever order they
 * arrive in; a large object comes as its ranges, fetched ahead like the rest. Memory is bounded by
 * bytes fetched ahead (the run's budget), not by object count or size. Fetching starts at once, so a
 * caller can write its manifest while the first objects arrive; `close()` gives back what an
 * abandoned fetch still holds.
 */
export class OrderedFetch<T extends { readonly size: number }> {
  private readonly pieces: Piece<T>[];
  private readonly ahead = new Map<number, Promise<Buffer>>();
  /** The recycled buffer each piece in flight is read into. */
  private readonly lent = new Map<number, Buffer>();
  private next = 0;
  private held = 0;
  private closed = false;

  constructor(
    items: readonly T[],
    private readonly source: OrderedFetchSource<T>,
    private readonly options: OrderedFetchOptions,
  ) {
    this.pieces = piecesOf(items, options.pieceSize);
    this.fill();
  }

  private fill(): void {
    while (!this.closed && this.next < this.pieces.length && this.ahead.size < this.options.concurrency) {
      const piece = this.pieces[this.next]!;
      const bytes = piece.end - piece.start;
      // With nothing in flight, the next piece is the one the consumer waits for: it always starts.
      if (!this.options.budget.take(bytes, this.ahead.size === 0)) return;
      this.held += bytes;
      const into = lendsBuffer(piece, this.options.pieceSize) ? this.options.pieceBuffers?.take() : undefined;
      if (into) this.lent.set(this.next, into);
      const fetching = piece.whole
        ? this.source.fetchWhole(piece.item, into)
        : this.source.fetchRange(piece.item, piece.start, piece.end, into);
      // Failures are raised when the consumer reaches the piece; this keeps them from being "unhandled".
      fetching.catch(() => undefined);
      this.ahead.set(this.next, fetching);
      this.next += 1;
    }
  }

  private async take(index: number): Promise<Buffer> {
    if (index >= this.next) this.fill();
    const data = await this.ahead.get(index)!;
    this.ahead.delete(index);
    const bytes = this.pieces[index]!.end - this.pieces[index]!.start;
    this.held -= bytes;
    this.options.budget.give(bytes);
    this.fill();
    return data;
  }

  async *members(): AsyncGenerator<{ item: T; body: FetchedBody }> {
    try {
      for (let index = 0; index < this.pieces.length;) {
        const piece = this.pieces[index]!;
        if (piece.whole) {
          yield { item: piece.item, body: { kind: 'buffer', data: await this.take(index) } };
          // Asked for the next member: the consumer is done with this one's bytes.
          this.giveBack(index);
          index += 1;
          continue;
        }
        const first = index;
        let last = first;
        while (last + 1 < this.pieces.length && this.pieces[last + 1]!.item === piece.item) last += 1;
        const ranges = async function* (this: OrderedFetch<T>): AsyncGenerator<Buffer> {
          for (let at = first; at <= last; at += 1) {
            yield await this.take(at);
            // Asked for the next range: the consumer is done with this one (it copies what it keeps).
            this.giveBack(at);
          }
        }.call(this);
        yield { item: piece.item, body: { kind: 'stream', chunks: ranges } };
        index = last + 1;
      }
    } finally {
      this.close();
    }
  }

  private giveBack(index: number): void {
    const buffer = this.lent.get(index);
    this.lent.delete(index);
    if (buffer) this.options.pieceBuffers?.give(buffer);
  }

  /**
   * Stops fetching ahead and gives the bytes still held back to the budget. Lent buffers are not
   * given back: a piece still in flight may yet write into its own.
   */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.options.budget.give(this.held);
    this.held = 0;
    this.ahead.clear();
    this.lent.clear();
  }
}
