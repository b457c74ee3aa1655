import type { S3Client } from '@aws-sdk/client-s3';
import { createHash, type Hash } from 'node:crypto';
import { GzipInspector, inspectGzip, type GzipText } from './gzip-inspector.js';
import type { ManifestMember, RolledUpOutput } from './manifest.js';
import { InputFailure, PeriodFailure } from './period-error.js';
import { OrderedFetch, type OrderedFetchOptions } from './ordered-fetch.js';
import type { HeldStretch, OutputChunk } from './output-chunk.js';
import { readObject, readWhole, type ReadOptions } from './read-object.js';
import type { RequestGate } from './request-gate.js';
import type { Slots } from './run-budget.js';
import { encodingOf, separatorForLastByte, type Encoding } from './separators.js';
import type { HeldMember, Member, RolledInput } from './types.js';

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
  /**
   * `--check-digests`: key → the SHA-256 of its uncompressed bytes its CloudTrail digest lists. Every
   * member is checked against it (a member without one fails: the plan left such keys out).
   */
  readonly digests?: ReadonlyMap<string, string> | undefined;
  /**
   * Month rollups: the members that are outputs of shorter periods, by key. Each is checked against
   * its manifest's SHA-256 as it streams, and stands in the manifest for its own members, rebased.
   */
  readonly rolled?: ReadonlyMap<string, RolledInput> | undefined;
  /** The encoding every input must have, and why: the committed output's, or the layout's. */
  readonly encoding: { readonly is: Encoding; readonly because: string };
  readonly fetch: OrderedFetchOptions;
  /** GETs in flight across the run: each fetch holds one from its request to its last byte. */
  readonly gets: Slots;
  readonly signal?: AbortSignal | undefined;
  /** The AIMD gate of the prefix a key is under, when the run throttles GETs per prefix. */
  readonly gateFor?: ((key: string) => RequestGate | undefined) | undefined;
  readonly onDownloaded: (bytes: number) => void;
  readonly onConcatenated: (bytes: number) => void;
}

/**
 * The bytes of one output: the committed prefix (checked against its SHA-256 as it streams), then each
 * member verbatim in key order with a separator where it does not end a line. Counts bytes and computes
 * the SHA-256 of everything it yields, and records each member's offset for the manifest. The members
 * start downloading as soon as it is made; `close()` stops that if the output is never written.
 */
export class Concatenation {
  private readonly hash = createHash('sha256');
  private written = 0;
  private readonly expected: Encoding;
  private firstKey: string | undefined;
  private readonly fetching: OrderedFetch<Member>;
  readonly members: ManifestMember[] = [];
  /** The outputs of shorter periods streamed in, where each starts in this output. */
  readonly rolledUp: RolledUpOutput[] = [];
  private streamedInputs = 0;

  constructor(private readonly input: ConcatenationInput) {
    this.expected = input.encoding.is;
    this.fetching = new OrderedFetch(
      input.members,
      {
        fetchWhole: (member, into) => this.fetch(member, 0, member.size, into),
        fetchRange: (member, start, end, into) => this.fetch(member, start, end, into),
      },
      input.fetch,
    );
  }

  /**
   * Bytes `start` … `end` of a member: of the original itself, or — for one held in a shorter
   * period's output — of that output, If-Match the ETag its complete manifest vouches for.
   */
  private fetch(member: Member, start: number, end: number, into?: Buffer): Promise<Buffer> {
    const { s3, bucket, gets } = this.input;
    const within = heldIn(member);
    if (!within) {
      const range = start === 0 && end === member.size ? undefined : { start, end };
      return gets.run(() => readWhole(s3, bucket, member, { ...this.readOptions(member.key), range }, into));
    }
    if (end === start) return Promise.resolve(Buffer.alloc(0));
    const version = { key: within.key, etag: within.etag, size: member.size };
    const range = { start: within.offset + start, end: within.offset + end };
    return gets.run(() => readWhole(s3, bucket, version, { ...this.readOptions(within.key), range }, into));
  }

  close(): void {
    this.fetching.close();
  }

  /** Inputs streamed whole so far: originals and rolled-in outputs. */
  get inputs(): number {
    return this.streamedInputs;
  }

  get bytes(): number {
    return this.written;
  }

  get encoding(): Encoding {
    return this.expected;
  }

  sha256(): string {
    return this.hash.copy().digest('hex');
  }

  private emit(chunk: Uint8Array, held?: HeldStretch): OutputChunk {
    const data = Buffer.isBuffer(chunk)
      ? chunk
      : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    this.hash.update(data);
    this.written += data.length;
    this.input.onConcatenated(data.length);
    return { data, held };
  }

  /** Gzip and plain never go into one output: a reader would see one stream of garbage. */
  private checkEncoding(key: string, first: Uint8Array): Encoding {
    const found = encodingOf(first);
    if (found !== this.expected) {
      const { because } = this.input.encoding;
      throw new PeriodFailure({
        stage: 'download',
        code: this.firstKey ? 'mixed-encoding' : 'unexpected-encoding',
        message: this.firstKey
          ? `This period mixes gzip and plain inputs: ${key} is ${found}, ${this.firstKey} before it is ${this.expected}.`
          : `${key} is ${found}, but ${because}: it cannot go into this output as it is.`,
        fix: 'Move the odd objects out of the way (or collapse them with --out-prefix on their own) and run again.',
      });
    }
    this.firstKey ??= key;
    return found;
  }

  /** The output's bytes; a failure reading or checking the inputs comes out as an InputFailure. */
  async *chunks(): AsyncGenerator<OutputChunk> {
    try {
      yield* this.allChunks();
    } catch (error) {
      throw new InputFailure(error);
    }
  }

  private async *allChunks(): AsyncGenerator<OutputChunk> {
    const { input } = this;
    if (input.prefix && input.prefix.size > 0) yield* this.prefixChunks(input.prefix);
    for await (const { item: member, body } of this.fetching.members()) {
      input.signal?.throwIfAborted();
      const offset = this.written;
      const rolled = input.rolled?.get(member.key);
      // A rolled-in output's members keep what their own collapse checked against the digests.
      const digested = input.digests !== undefined && !rolled && !heldIn(member);
      let separator: Buffer;
      let text: GzipText | undefined;
      if (body.kind === 'buffer') {
        if (body.data.length !== member.size) throw sizeChanged(member, body.data.length);
        // Checked before its bytes go out: a rolled-in output that differs never reaches the output.
        if (rolled) checkRolled(rolled, createHash('sha256').update(body.data));
        if (body.data.length > 0) {
          const encoding = this.checkEncoding(member.key, body.data);
          if (encoding === 'gzip') text = await inspectGzip(body.data, member.key, digested);
          const lastByte = encoding === 'gzip' ? text!.lastByte : body.data[body.data.length - 1];
          separator = separatorForLastByte(lastByte, encoding);
          // Checked before its bytes go out: a member that differs never reaches the output.
          const sha256Uncompressed = this.checkDigest(member, digested, text);
          if (rolled && separator.length > 0) throw rolledWithoutNewline(rolled);
          yield this.emit(body.data, stretchOf(member, 0));
          if (separator.length > 0) yield this.emit(separator);
          this.record(member, offset, separator.length, rolled, sha256Uncompressed);
          continue;
        }
        separator = Buffer.alloc(0);
      } else {
        const hash = rolled ? createHash('sha256') : undefined;
        const streamed = yield* this.streamMember(
          member,
          hash ? hashing(body.chunks, hash) : body.chunks,
          digested,
        );
        ({ separator, text } = streamed);
        if (rolled) checkRolled(rolled, hash!);
      }
      // Before the member is recorded and before its separator: the upload fails, nothing is deleted.
      const sha256Uncompressed = this.checkDigest(member, digested, text);
      if (rolled && separator.length > 0) throw rolledWithoutNewline(rolled);
      if (separator.length > 0) yield this.emit(separator);
      this.record(member, offset, separator.length, rolled, sha256Uncompressed);
    }
  }

  /** A rolled-in output stands for its members, each rebased to where the output starts in this one. */
  private record(
    member: Member,
    offset: number,
    separator: number,
    rolled: RolledInput | undefined,
    checked: { sha256Uncompressed?: string },
  ): void {
    this.streamedInputs += 1;
    if (!rolled) {
      const { key, size, etag, lastModified } = member;
      const carried = (member as Partial<HeldMember>).sha256Uncompressed;
      const digest = carried ? { sha256Uncompressed: carried } : checked;
      this.members.push({ key, size, etag, lastModified, offset, separator, ...digest });
      return;
    }
    const { manifest } = rolled;
    for (const inner of manifest.members) this.members.push({ ...inner, offset: inner.offset + offset });
    this.rolledUp.push({
      key: member.key,
      size: member.size,
      etag: member.etag,
      sha256: manifest.output.sha256,
      offset,
      manifestKey: rolled.manifestKey,
      manifestEtag: rolled.manifestEtag,
      period: manifest.period,
    });
  }

  /**
   * With digests, the member's uncompressed SHA-256 must be the one CloudTrail signed; a mismatch fails
   * the period while its output is still being written, so no original of it is deleted.
   */
  private checkDigest(
    member: Member,
    digested: boolean,
    text: GzipText | undefined,
  ): { sha256Uncompressed?: string } {
    if (!digested) return {};
    // Only gzip that inflates has a text to hash: anything else cannot match its digest.
    const actual = text?.sha256 ?? null;
    const expected = this.input.digests?.get(member.key);
    if (actual !== null && actual === expected) return { sha256Uncompressed: actual };
    throw new PeriodFailure({
      stage: 'download',
      code: 'digest-mismatch',
      message:
        expected === undefined
          ? `${member.key} is listed in no CloudTrail digest; it was not collapsed.`
          : `${member.key} differs from its CloudTrail digest: the SHA-256 of its uncompressed contents is ${actual ?? 'not computable (it does not inflate)'}, the digest lists ${expected}. Nothing of this period was deleted.`,
      fix: 'Check the log file (aws cloudtrail validate-logs); move it out of the way to collapse the rest of its period.',
    });
  }

  private readOptions(key: string): ReadOptions {
    return {
      signal: this.input.signal,
      gate: this.input.gateFor?.(key),
      onBytes: this.input.onDownloaded,
    };
  }

  private async *prefixChunks(prefix: CommittedPrefix): AsyncGenerator<OutputChunk> {
    const { s3, bucket, signal } = this.input;
    const prefixHash = createHash('sha256');
    let seen = 0;
    const version = { key: prefix.key, etag: prefix.etag, size: prefix.size };
    for await (const buffer of readObject(s3, bucket, version, {
      signal,
      onBytes: this.input.onDownloaded,
      range: { start: 0, end: prefix.size },
    })) {
      prefixHash.update(buffer);
      const held = { key: prefix.key, etag: prefix.etag, offset: seen, end: prefix.size };
      seen += buffer.length;
      yield this.emit(buffer, held);
    }
    const digest = prefixHash.digest('hex');
    if (seen !== prefix.size || digest !== prefix.sha256) {
      throw new PeriodFailure({
        code: 'prefix-mismatch',
        message: `${prefix.key} does not start with the bytes its manifest records (SHA-256 differs).`,
        fix: 'Inspect the output and its manifest by hand: restore the output (e.g. from a noncurrent version) or move both away.',
      });
    }
  }

  /** Streams a member too large to hold, and returns the separator it needs and what it inflated to. */
  private async *streamMember(
    member: Member,
    chunks: AsyncIterable<Uint8Array>,
    digested: boolean,
  ): AsyncGenerator<OutputChunk, { separator: Buffer; text: GzipText | undefined }> {
    let seen = 0;
    let encoding: Encoding | undefined;
    let lastByte: number | undefined;
    let inspector: GzipInspector | undefined;
    for await (const chunk of chunks) {
      this.input.signal?.throwIfAborted();
      if (chunk.length === 0) continue;
      encoding ??= this.checkEncoding(member.key, chunk);
      const held = stretchOf(member, seen);
      seen += chunk.length;
      if (encoding === 'gzip') {
        inspector ??= new GzipInspector(member.key, digested);
        await inspector.write(chunk);
      } else {
        lastByte = chunk[chunk.length - 1];
      }
      yield this.emit(chunk, held);
    }
    if (seen !== member.size) throw sizeChanged(member, seen);
    const text = inspector ? await inspector.end(seen) : undefined;
    if (text) lastByte = text.lastByte;
    const separator = encoding ? separatorForLastByte(lastByte, encoding) : Buffer.alloc(0);
    return { separator, text };
  }
}

const heldIn = (member: Member): HeldMember['within'] | undefined => (member as Partial<HeldMember>).within;

/** Where a member's bytes from `offset` on sit: in the original, or in the output that holds it. */
function stretchOf(member: Member, offset: number): HeldStretch {
  const within = heldIn(member);
  if (!within) return { key: member.key, etag: member.etag, offset, end: member.size };
  return {
    key: within.key,
    etag: within.etag,
    offset: within.offset + offset,
    end: within.offset + member.size,
  };
}

async function* hashing(chunks: AsyncIterable<Uint8Array>, hash: Hash): AsyncGenerator<Uint8Array> {
  for await (const chunk of chunks) {
    hash.update(chunk);
    yield chunk;
  }
}

/** Its bytes must be those its manifest vouches for: the members' offsets are only true of those. */
function checkRolled(rolled: RolledInput, hash: Hash): void {
  if (hash.digest('hex') === rolled.manifest.output.sha256) return;
  throw new PeriodFailure({
    stage: 'download',
    code: 'rolled-input-unverified',
    message: `${rolled.output.key} does not have the SHA-256 its manifest ${rolled.manifestKey} records: it was not rolled in, and nothing was deleted.`,
    fix: 'Inspect it by hand (verify shows what differs), then run again.',
  });
}

/** Every output of this tool ends a line; one that does not is not the output its manifest describes. */
function rolledWithoutNewline(rolled: RolledInput): PeriodFailure {
  return new PeriodFailure({
    stage: 'download',
    code: 'rolled-input-unverified',
    message: `${rolled.output.key} does not end with a newline, as every output does: it was not rolled in, and nothing was deleted.`,
    fix: 'Inspect it by hand (verify shows what differs), then run again.',
  });
}

function sizeChanged(member: Member, seen: number): PeriodFailure {
  return new PeriodFailure({
    code: 'object-changed',
    message: `${member.key} has ${seen} bytes, not the ${member.size} the plan listed.`,
    fix: 'Run again: the next plan lists its current version.',
  });
}
