import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { createGunzip } from 'node:zlib';
import { once } from 'node:events';
import type { Readable } from 'node:stream';
import { explainS3Error } from '../aws/s3-errors.js';
import { UserError } from '../errors.js';
import type { ManifestMember } from './manifest.js';
import { fetchInOrder, type OrderedFetchOptions } from './ordered-fetch.js';
import { encodingOf, separatorAfter, separatorForLastByte, type Encoding } from './separators.js';
import type { Member } from './types.js';

/** The verified bytes an output already holds, copied first when late keys are appended. */
export interface CommittedPrefix {
  readonly key: string;
  readonly etag: string;
  readonly size: number;
  readonly sha256: string;
}

export interface ConcatenationInput {
  readonly s3: S3Client;
  readonly bucket: string;
  readonly prefix: CommittedPrefix | null;
  readonly members: readonly Member[];
  /** The encoding every input must have: the committed output's, or the layout's. */
  readonly encoding: Encoding | null;
  readonly fetch: OrderedFetchOptions;
  readonly signal?: AbortSignal | undefined;
  readonly onDownloaded: (bytes: number) => void;
  readonly onConcatenated: (bytes: number) => void;
}

/**
 * The bytes of one output: the committed prefix (checked against its SHA-256 as it streams), then each
 * member verbatim in key order with a separator where it does not end a line. Counts bytes and computes
 * the SHA-256 of everything it yields, and records each member's offset for the manifest.
 */
export class Concatenation {
  private readonly hash = createHash('sha256');
  private written = 0;
  private currentEncoding: Encoding | null;
  private firstKeyOfEncoding: string | undefined;
  readonly members: ManifestMember[] = [];

  constructor(private readonly input: ConcatenationInput) {
    this.currentEncoding = input.encoding;
  }

  get bytes(): number {
    return this.written;
  }

  get encoding(): Encoding | null {
    return this.currentEncoding;
  }

  sha256(): string {
    return this.hash.copy().digest('hex');
  }

  private emit(chunk: Uint8Array): Buffer {
    const buffer = Buffer.isBuffer(chunk)
      ? chunk
      : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    this.hash.update(buffer);
    this.written += buffer.length;
    this.input.onConcatenated(buffer.length);
    return buffer;
  }

  private checkEncoding(key: string, first: Uint8Array): Encoding {
    const found = encodingOf(first);
    if (this.currentEncoding && found !== this.currentEncoding) {
      const earlier = this.firstKeyOfEncoding ? ` like ${this.firstKeyOfEncoding}` : '';
      throw new UserError(
        `This period mixes gzip and plain inputs: ${key} is ${found}, the others${earlier} are ${this.currentEncoding}. Refusing to collapse it; nothing was changed.`,
      );
    }
    this.currentEncoding = found;
    this.firstKeyOfEncoding ??= key;
    return found;
  }

  async *chunks(): AsyncGenerator<Buffer> {
    const { input } = this;
    if (input.prefix && input.prefix.size > 0) yield* this.prefixChunks(input.prefix);
    const ordered = fetchInOrder(
      input.members,
      { fetchWhole: (member) => this.fetchWhole(member), fetchStream: (member) => this.fetchStream(member) },
      input.fetch,
    );
    for await (const { item: member, body } of ordered) {
      input.signal?.throwIfAborted();
      const offset = this.written;
      let separator: Buffer;
      if (body.kind === 'buffer') {
        if (body.data.length !== member.size) throw sizeChanged(member, body.data.length);
        if (body.data.length > 0) {
          const encoding = this.checkEncoding(member.key, body.data);
          yield this.emit(body.data);
          separator = await separatorAfter(body.data, encoding, member.key);
        } else {
          separator = Buffer.alloc(0);
        }
      } else {
        separator = yield* this.streamMember(member, body.chunks);
      }
      if (separator.length > 0) yield this.emit(separator);
      this.members.push({ ...member, offset, separator: separator.length });
    }
  }

  private async *prefixChunks(prefix: CommittedPrefix): AsyncGenerator<Buffer> {
    const { s3, bucket, signal } = this.input;
    const prefixHash = createHash('sha256');
    let seen = 0;
    const object = await s3
      .send(
        new GetObjectCommand({
          Bucket: bucket,
          Key: prefix.key,
          Range: `bytes=0-${prefix.size - 1}`,
          IfMatch: prefix.etag,
        }),
        { abortSignal: signal },
      )
      .catch((error: unknown) => {
        throw explainS3Error(error, { operation: 'GetObject', bucket, key: prefix.key });
      });
    for await (const chunk of object.Body as Readable) {
      const buffer = chunk as Buffer;
      prefixHash.update(buffer);
      seen += buffer.length;
      this.input.onDownloaded(buffer.length);
      yield this.emit(buffer);
    }
    const digest = prefixHash.digest('hex');
    if (seen !== prefix.size || digest !== prefix.sha256) {
      throw new Error(
        `${prefix.key} does not start with the bytes its manifest records (SHA-256 differs); nothing was changed.`,
      );
    }
  }

  private async get(member: Member): Promise<Readable> {
    const { s3, bucket, signal } = this.input;
    // IfMatch: the bytes we stream are exactly the version the plan saw, or the period fails.
    const object = await s3
      .send(new GetObjectCommand({ Bucket: bucket, Key: member.key, IfMatch: member.etag || undefined }), {
        abortSignal: signal,
      })
      .catch((error: unknown) => {
        throw explainS3Error(error, { operation: 'GetObject', bucket, key: member.key });
      });
    return object.Body as Readable;
  }

  private async fetchWhole(member: Member): Promise<Buffer> {
    const parts: Buffer[] = [];
    for await (const chunk of await this.get(member)) parts.push(chunk as Buffer);
    const data = Buffer.concat(parts);
    this.input.onDownloaded(data.length);
    return data;
  }

  private async fetchStream(member: Member): Promise<AsyncIterable<Uint8Array>> {
    return this.get(member);
  }

  /** Streams a member too large to hold, and returns the separator it needs. */
  private async *streamMember(
    member: Member,
    chunks: AsyncIterable<Uint8Array>,
  ): AsyncGenerator<Buffer, Buffer> {
    let seen = 0;
    let encoding: Encoding | undefined;
    let lastByte: number | undefined;
    const gunzip = createGunzip();
    let gunzipFailed: Error | undefined;
    gunzip.on('data', (text: Buffer) => {
      if (text.length > 0) lastByte = text[text.length - 1];
    });
    gunzip.on('error', (error) => {
      gunzipFailed = error;
    });
    for await (const chunk of chunks) {
      this.input.signal?.throwIfAborted();
      if (chunk.length === 0) continue;
      encoding ??= this.checkEncoding(member.key, chunk);
      seen += chunk.length;
      this.input.onDownloaded(chunk.length);
      if (encoding === 'gzip') {
        if (!gunzip.write(chunk) && !gunzipFailed) await once(gunzip, 'drain');
      } else {
        lastByte = chunk[chunk.length - 1];
      }
      yield this.emit(chunk);
    }
    if (seen !== member.size) throw sizeChanged(member, seen);
    if (encoding === 'gzip') {
      gunzip.end();
      if (!gunzipFailed) await once(gunzip, 'end').catch(() => undefined);
      if (gunzipFailed)
        throw new Error(
          `${member.key} is not valid gzip (${gunzipFailed.message}); nothing was changed for its period.`,
        );
    }
    return encoding ? separatorForLastByte(lastByte, encoding) : Buffer.alloc(0);
  }
}

function sizeChanged(member: Member, seen: number): Error {
  return new Error(
    `${member.key} has ${seen} bytes, not the ${member.size} the plan listed; nothing was changed for its period.`,
  );
}
