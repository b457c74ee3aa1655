import { createHash } from 'node:crypto';
import { finished } from 'node:stream/promises';
import { INFLATE_CHUNK } from './gzip-inspector.js';
import { createGunzip } from 'node:zlib';

/**
 * The SHA-256 of what gzip bytes inflate to, fed a chunk at a time: what a CloudTrail digest lists
 * for a log file ("the hash value of the uncompressed log file content"). Memory stays a few inflate
 * buffers whatever the size. Bytes that do not inflate give null, never a throw.
 */
export class UncompressedHash {
  private readonly gunzip = createGunzip({ chunkSize: INFLATE_CHUNK });
  private readonly hash = createHash('sha256');
  private readonly done: Promise<string | null>;

  constructor() {
    this.gunzip.on('data', (text: Buffer) => this.hash.update(text));
    // Listening from the start: an error or 'end' may come before the last write does.
    this.done = finished(this.gunzip).then(
      () => this.hash.digest('hex'),
      () => null,
    );
  }

  /** Takes a copy of the chunk (the caller may pass its buffer on) and waits while the inflater is full. */
  async write(chunk: Uint8Array): Promise<void> {
    if (this.gunzip.destroyed || this.gunzip.writableEnded) return;
    if (!this.gunzip.write(Buffer.from(chunk)))
      await Promise.race([new Promise((resolve) => this.gunzip.once('drain', resolve)), this.done]);
  }

  /** The hex SHA-256 of everything inflated, or null when the bytes are not gzip. */
  async end(): Promise<string | null> {
    if (!this.gunzip.destroyed && !this.gunzip.writableEnded) this.gunzip.end();
    return this.done;
  }
}
