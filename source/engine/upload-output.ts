import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  UploadPartCommand,
  type CompletedPart,
  type S3Client,
  type StorageClass,
} from '@aws-sdk/client-s3';
import { Crc64Nvme } from '@aws-sdk/checksums/crc';
import { createHash } from 'node:crypto';
import { combineCrc64, crc64FromBytes, crc64ToBase64 } from './crc64-combine.js';
import { copyFill, copyPart, copyPieces, type ReadDigest } from './copy-parts.js';
import type { HeldStretch, OutputChunk } from './output-chunk.js';
import { withUnsignedPayload } from '../aws/request-middleware.js';
import { explainS3Error, httpStatus } from '../aws/s3-errors.js';
import type { BufferPool } from './run-budget.js';
import { abortMultipartUpload } from './s3-objects.js';
import {
  AnotherRunError,
  conditionHeaders,
  isConditionFailure,
  type WriteCondition,
} from './write-condition.js';

export interface OutputUpload {
  readonly s3: S3Client;
  readonly bucket: string;
  readonly key: string;
  readonly body: AsyncIterable<OutputChunk>;
  /** The bytes the plan expects (separators may add a few): one PUT when they fit in one part. */
  readonly expectedSize: number;
  readonly partSize: number;
  /** Part buffers the run may hold, shared by its periods; each part holds one until it is sent. */
  readonly partBuffers: BufferPool;
  /** Parts uploading at once; also how many parts of memory the upload may hold. */
  readonly queueSize: number;
  readonly condition: WriteCondition;
  readonly contentType: string;
  readonly metadata: Record<string, string>;
  readonly storageClass?: string | undefined;
  /** Ask S3 to check a full-object CRC64NVME computed here (AWS; S3-compatible servers rarely can). */
  readonly fullObjectChecksum: boolean;
  /** Stretches of the bucket's own objects of a part or more are copied on the server, not sent. */
  readonly copyHeld: boolean;
  readonly signal?: AbortSignal | undefined;
  /** Bounds the requests that are never cut by `signal` (the PUT, Complete, the abort itself). */
  readonly settle?: AbortSignal | undefined;
  readonly onUploaded: (loaded: number) => void;
}

export interface UploadedOutput {
  readonly etag: string;
  readonly size: number;
  readonly parts: number;
  /** Of `size`, the bytes S3 copied from where they were (UploadPartCopy) rather than received. */
  readonly copied?: number | undefined;
  /** Base64 CRC64NVME of every byte sent, when `fullObjectChecksum` asked for it. */
  readonly crc64nvme?: string | undefined;
}

/**
 * The output write failed. `leftNothing` is true only when the write certainly left no trace: S3
 * answered the PUT or Complete with an error, or Complete was never sent and the multipart upload was
 * aborted. Only then may the caller undo its pending manifest; otherwise the output may have landed
 * (a connection lost during the final request) or an upload is still open, and the pending manifest
 * is what lets the next run find and finish or clean it.
 */
export class OutputWriteError extends Error {
  override readonly name = 'OutputWriteError';
  constructor(
    readonly reason: unknown,
    readonly leftNothing: boolean,
  ) {
    super(reason instanceof Error ? reason.message : String(reason));
  }
}

const md5 = (data: Buffer): string => createHash('md5').update(data).digest('base64');

async function crc64Of(data: Buffer): Promise<bigint> {
  const checksum = new Crc64Nvme();
  checksum.update(data);
  return crc64FromBytes(await checksum.digest());
}

/** An answer from S3 (any status) means the request was decided; a transport error leaves it open. */
const answered = (error: unknown): boolean => httpStatus(error) !== undefined;

/**
 * Whether a stretch S3 already holds is copied rather than sent, and how many of its first bytes still
 * fill the part being cut (`copyFill`). Undefined: send it.
 */
export type CopyDecision = (
  stretch: HeldStretch,
  filled: number,
  progress: { readonly parts: number; readonly before: number },
) => number | undefined;

/** A stretch decided for copying whose bytes are still to be read: one part of the output. */
export interface PendingCopy {
  readonly key: string;
  readonly etag: string;
  readonly start: number;
  readonly end: number;
}

const continues = (next: HeldStretch | undefined, held: HeldStretch): boolean =>
  next !== undefined &&
  next.key === held.key &&
  next.etag === held.etag &&
  next.end === held.end &&
  next.offset === held.offset;

/**
 * Cuts a stream of chunks into parts, filling buffers it is handed: each chunk is copied once, into
 * a buffer the run reuses, instead of held and joined (which needs twice the memory and leaves an
 * output's worth of garbage behind every part). Given a `decide`, a stretch of bytes S3 already holds
 * becomes parts of its own that S3 copies (`nextCopy`): their bytes are read through and hashed
 * (`readCopy`), never held.
 */
export class PartCutter {
  private readonly chunks: AsyncIterator<OutputChunk>;
  private rest: Buffer = Buffer.alloc(0);
  /** Where `rest`'s first byte is held, if it is. */
  private restHeld: HeldStretch | undefined;
  private ended = false;
  /** Bytes taken from the stream so far, and parts cut. */
  private taken = 0;
  private cut = 0;
  /** Bytes of a stretch decided for copying that still go into the part being filled. */
  private head = 0;
  private readonly copies: PendingCopy[] = [];
  /** Why reading stopped early, once the upload it feeds has failed. */
  private stopped: { readonly reason: unknown } | undefined;

  constructor(
    body: AsyncIterable<OutputChunk>,
    private readonly decide?: CopyDecision,
  ) {
    this.chunks = body[Symbol.asyncIterator]();
  }

  /** Pulls the next chunk into `rest`; false once the stream is done. */
  private async pull(): Promise<boolean> {
    if (this.ended) return false;
    const next = await this.chunks.next();
    if (next.done) {
      this.ended = true;
      return false;
    }
    const { data, held } = next.value;
    // A chunk that does not carry on from the last one starts a new stretch.
    const fresh = held !== undefined && !continues(this.restHeld, held);
    this.rest = data;
    this.restHeld = held;
    return fresh;
  }

  private advance(bytes: number): void {
    this.rest = this.rest.subarray(bytes);
    if (this.restHeld) this.restHeld = { ...this.restHeld, offset: this.restHeld.offset + bytes };
    this.taken += bytes;
  }

  /**
   * The next part, in `into` (a view of it when the stream ends first); with `whole`, the rest of
   * the stream, in a larger buffer if it does not fit, and nothing copied. Undefined once the stream
   * is done, or when the next part is a copy: see `nextCopy`.
   */
  async fill(into: Buffer, whole = false): Promise<Buffer | undefined> {
    let part = into;
    let filled = 0;
    for (;;) {
      // A full part is returned before the next chunk is asked for: that may not have come yet.
      if (filled === part.length && !whole) break;
      // The part ends where a copy begins.
      if (this.copies.length > 0 && this.head === 0) break;
      if (this.rest.length === 0) {
        const fresh = await this.pull();
        if (this.ended) break;
        if (fresh && this.decide && !whole) this.decideCopy(filled);
        continue;
      }
      if (filled === part.length) {
        // Only a whole-stream part outgrows its buffer (separators the plan could not count).
        const larger = Buffer.allocUnsafe(Math.max(1, part.length * 2));
        part.copy(larger, 0, 0, filled);
        part = larger;
      }
      const room = this.copies.length > 0 ? Math.min(this.head, part.length - filled) : part.length - filled;
      const taken = this.rest.copy(part, filled, 0, Math.min(this.rest.length, room));
      filled += taken;
      if (this.copies.length > 0) this.head -= taken;
      this.advance(taken);
    }
    if (filled === 0) return undefined;
    this.cut += 1;
    return part.subarray(0, filled);
  }

  private decideCopy(filled: number): void {
    const stretch = this.restHeld!;
    const fill = this.decide!(stretch, filled, { parts: this.cut, before: this.taken });
    if (fill === undefined) return;
    this.head = fill;
    for (const piece of copyPieces(stretch.offset + fill, stretch.end))
      this.copies.push({ key: stretch.key, etag: stretch.etag, ...piece });
  }

  /** The copy that is the next part, if it is one. */
  nextCopy(): PendingCopy | undefined {
    return this.head === 0 ? this.copies[0] : undefined;
  }

  /** Makes a copy's reading stop at its next chunk: the upload it was read for has failed. */
  stop(reason: unknown): void {
    this.stopped ??= { reason };
  }

  /** Reads the next copy's bytes through the stream (they are checked on the way) and hashes them. */
  async readCopy(withCrc: boolean): Promise<ReadDigest> {
    const copy = this.copies[0]!;
    const md5 = createHash('md5');
    const crc = withCrc ? new Crc64Nvme() : undefined;
    for (let left = copy.end - copy.start; left > 0;) {
      if (this.stopped) throw this.stopped.reason;
      if (this.rest.length === 0) {
        await this.pull();
        if (this.ended)
          throw new Error(
            `the output ended inside ${copy.key}, ${left} bytes before the copied stretch does`,
          );
      }
      const held = this.restHeld;
      if (held?.key !== copy.key || held.etag !== copy.etag || held.offset !== copy.end - left)
        throw new Error(`the bytes of ${copy.key} stopped coming in order inside the copied stretch`);
      const data = this.rest.subarray(0, Math.min(left, this.rest.length));
      md5.update(data);
      crc?.update(data);
      left -= data.length;
      this.advance(data.length);
    }
    this.copies.shift();
    this.cut += 1;
    return {
      md5: md5.digest('hex'),
      crc64nvme: crc ? crc64FromBytes(await crc.digest()) : undefined,
    };
  }
}

/** A part's bytes and the buffer they sit in, held until they are sent. */
interface HeldPart {
  readonly data: Buffer;
  readonly give: () => void;
}

/** The next part, read once the run's part buffers have one free (so parts never pass its budget). */
async function nextPart(
  parts: PartCutter,
  pool: BufferPool,
  size: number,
  whole = false,
): Promise<HeldPart | undefined> {
  const { buffer, give } = await pool.take(size);
  try {
    const data = await parts.fill(buffer, whole);
    if (!data) give();
    return data ? { data, give } : undefined;
  } catch (error) {
    give();
    throw error;
  }
}

/**
 * Writes one output from a stream: a single conditional PUT when the plan expects it to fit in one
 * part, otherwise a multipart upload whose Complete carries the condition. Every request body carries
 * its Content-MD5 (the server rejects a body changed on the way); with `fullObjectChecksum`, S3 also
 * checks the whole object's CRC64NVME at the end. The PUT and the Complete are never aborted midway:
 * once sent they settle, so the caller knows whether the output landed. Parts in flight are aborted
 * on the signal, and the multipart upload is aborted (and awaited) before any failure is reported.
 */
export async function uploadOutput(request: OutputUpload): Promise<UploadedOutput> {
  const single = request.expectedSize <= request.partSize;
  const decide: CopyDecision | undefined =
    request.copyHeld && !single
      ? (stretch, filled, { parts, before }) =>
          copyFill({
            stretch,
            filled,
            parts,
            before,
            expectedSize: request.expectedSize,
            partSize: request.partSize,
          })
      : undefined;
  // One part as large as the output for a single PUT; parts of partSize otherwise.
  const parts = new PartCutter(request.body, decide);
  // Nothing has been sent while the first part is read: a failure here leaves nothing.
  // A single PUT fits one part's buffer (it grows if the separators make the output a little larger).
  const first = await nextPart(parts, request.partBuffers, request.partSize, single).catch(
    (error: unknown) => {
      throw new OutputWriteError(error, true);
    },
  );
  if (single) {
    try {
      return await putWhole(request, first?.data ?? Buffer.alloc(0));
    } finally {
      first?.give();
    }
  }
  return uploadParts(request, first, parts);
}

async function putWhole(request: OutputUpload, data: Buffer): Promise<UploadedOutput> {
  const { s3, bucket, key } = request;
  const crc = request.fullObjectChecksum ? crc64ToBase64(await crc64Of(data)) : undefined;
  if (request.signal?.aborted) throw new OutputWriteError(request.signal.reason, true);
  try {
    const answer = await s3.send(
      withUnsignedPayload(
        new PutObjectCommand({
          Bucket: bucket,
          Key: key,
          Body: data,
          ContentMD5: md5(data),
          ContentType: request.contentType,
          Metadata: request.metadata,
          StorageClass: request.storageClass as StorageClass | undefined,
          ...(crc ? { ChecksumCRC64NVME: crc } : {}),
          ...conditionHeaders(request.condition),
        }),
      ),
      { abortSignal: request.settle },
    );
    request.onUploaded(data.length);
    return { etag: answer.ETag ?? '', size: data.length, parts: 1, crc64nvme: crc };
  } catch (error) {
    if (isConditionFailure(error)) throw new OutputWriteError(new AnotherRunError(key, 'output'), true);
    throw new OutputWriteError(
      explainS3Error(error, { operation: 'PutObject', bucket, key }),
      answered(error),
    );
  }
}

async function uploadParts(
  request: OutputUpload,
  first: HeldPart | undefined,
  rest: PartCutter,
): Promise<UploadedOutput> {
  const { s3, bucket, key, signal } = request;
  const checksum = request.fullObjectChecksum;
  const created = await s3
    .send(
      new CreateMultipartUploadCommand({
        Bucket: bucket,
        Key: key,
        ContentType: request.contentType,
        Metadata: request.metadata,
        StorageClass: request.storageClass as StorageClass | undefined,
        ...(checksum
          ? { ChecksumAlgorithm: 'CRC64NVME' as const, ChecksumType: 'FULL_OBJECT' as const }
          : {}),
      }),
      { abortSignal: signal },
    )
    .catch((error: unknown) => {
      first?.give();
      // Unanswered, an upload may have been created; the pending manifest lets the next run abort it.
      throw new OutputWriteError(
        explainS3Error(error, { operation: 'CreateMultipartUpload', bucket, key }),
        answered(error),
      );
    });
  const uploadId = created.UploadId ?? '';
  const abandon = async (reason: unknown): Promise<never> => {
    // Complete was never sent (or was refused), so the output cannot land; aborting frees the parts.
    // If the abort fails, the upload stays open and the next run's clean-up finds it.
    const aborted = await abortMultipartUpload(s3, bucket, key, uploadId, request.settle);
    throw new OutputWriteError(reason, aborted);
  };

  let size = 0;
  let loaded = 0;
  // 0 is the CRC of no bytes: each part's folds into it.
  let whole = 0n;
  const sendPart = async (
    number: number,
    { data, give }: HeldPart,
    crc: bigint | undefined,
  ): Promise<CompletedPart> => {
    try {
      const answer = await s3
        .send(
          withUnsignedPayload(
            new UploadPartCommand({
              Bucket: bucket,
              Key: key,
              UploadId: uploadId,
              PartNumber: number,
              Body: data,
              ContentMD5: md5(data),
              // Its own CRC, given: left to itself the SDK would compute it again.
              ...(crc !== undefined
                ? { ChecksumAlgorithm: 'CRC64NVME' as const, ChecksumCRC64NVME: crc64ToBase64(crc) }
                : {}),
            }),
          ),
          { abortSignal: signal },
        )
        .catch((error: unknown) => {
          throw explainS3Error(error, { operation: 'UploadPart', bucket, key });
        });
      loaded += data.length;
      request.onUploaded(loaded);
      return { PartNumber: number, ETag: answer.ETag, ChecksumCRC64NVME: answer.ChecksumCRC64NVME };
    } finally {
      give();
    }
  };

  // Parts are read one after another, in order, while up to queueSize upload. An explicit loop, not
  // p-map over a generator: with a second pull queued, p-map 7.1 can resolve on the queued `done`
  // and drop the error of the pull before it — a failed read would complete a truncated output.
  const completed: CompletedPart[] = [];
  const uploading = new Set<Promise<void>>();
  let failure: { readonly reason: unknown } | undefined;
  let copied = 0;
  const track = (index: number, sending: Promise<CompletedPart>): void => {
    const settled = sending.then(
      (done) => {
        completed[index] = done;
      },
      (reason: unknown) => {
        failure ??= { reason };
      },
    );
    uploading.add(settled);
    void settled.finally(() => uploading.delete(settled));
  };
  const room = async (): Promise<void> => {
    while (uploading.size >= request.queueSize && !failure) await Promise.race(uploading);
    if (failure) throw failure.reason;
    signal?.throwIfAborted();
  };
  try {
    let number = 0;
    for (let part = first; ;) {
      if (part) {
        number += 1;
        // Each byte's CRC once: the part's, folded into the whole object's.
        const partCrc = checksum ? await crc64Of(part.data) : undefined;
        if (partCrc !== undefined) whole = combineCrc64(whole, partCrc, part.data.length);
        size += part.data.length;
        track(number - 1, sendPart(number, part, partCrc));
        await room();
      }
      for (let copy = rest.nextCopy(); copy; copy = rest.nextCopy()) {
        number += 1;
        const bytes = copy.end - copy.start;
        // The copy starts now; its bytes are read through (and checked) beside it.
        const read = rest.readCopy(checksum);
        const copying = copyPart({ s3, bucket, key, uploadId, number, from: copy, read, signal }).then(
          (done) => {
            copied += bytes;
            loaded += bytes;
            request.onUploaded(loaded);
            return done;
          },
        );
        track(number - 1, copying);
        // A refused copy ends the upload now, not once the stretch it stood for has been read.
        const digest: ReadDigest = await Promise.race([read, copying.then(() => read)]);
        if (digest.crc64nvme !== undefined) whole = combineCrc64(whole, digest.crc64nvme, bytes);
        size += bytes;
        await room();
      }
      part = await nextPart(rest, request.partBuffers, request.partSize);
      if (!part && !rest.nextCopy()) break;
    }
    await Promise.all(uploading);
    if (failure) throw failure.reason;
  } catch (error) {
    rest.stop(error);
    await Promise.allSettled(uploading);
    return abandon(error);
  }
  if (signal?.aborted) return abandon(signal.reason);

  const crc64nvme = checksum ? crc64ToBase64(whole) : undefined;
  try {
    const answer = await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: key,
        UploadId: uploadId,
        MultipartUpload: { Parts: completed },
        ...(checksum
          ? { ChecksumCRC64NVME: crc64nvme, ChecksumType: 'FULL_OBJECT' as const, MpuObjectSize: size }
          : {}),
        ...conditionHeaders(request.condition),
      }),
      { abortSignal: request.settle },
    );
    return { etag: answer.ETag ?? '', size, parts: completed.length, copied, crc64nvme };
  } catch (error) {
    const reason = isConditionFailure(error)
      ? new AnotherRunError(key, 'output')
      : explainS3Error(error, { operation: 'CompleteMultipartUpload', bucket, key });
    if (answered(error)) return abandon(reason);
    throw new OutputWriteError(reason, false);
  }
}
