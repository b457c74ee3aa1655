/**
 * Where bytes of an output already sit in the bucket: a stretch of one object, the version with this
 * ETag. The upload may copy such a stretch on the server (UploadPartCopy) instead of sending it.
 */
export interface HeldStretch {
  readonly key: string;
  readonly etag: string;
  /** Where in that object the chunk's first byte is. */
  readonly offset: number;
  /** Where the whole stretch the chunk belongs to ends in that object (exclusive). */
  readonly end: number;
}

/**
 * Bytes of an output, in order. `held` says where the same bytes already are, when they are a run of
 * one object's (an input's, or a shorter period's output); separators and the like have none. The
 * bytes are there either way: they are checked and hashed as they pass, copied or not.
 */
export interface OutputChunk {
  readonly data: Buffer;
  readonly held?: HeldStretch | undefined;
}
