import { z } from 'zod';

/** Bump on any change a reader would notice; readers refuse formats they do not know. */
export const MANIFEST_FORMAT = 's3collapse-manifest/1';

const memberSchema = z.object({
  key: z.string().min(1),
  size: z.number().int().nonnegative(),
  etag: z.string(),
  lastModified: z.string(),
});

const manifestMemberSchema = memberSchema.extend({
  /** Where the member's bytes start in the output: they are exactly offset … offset+size. */
  offset: z.number().int().nonnegative(),
  /** Bytes added after the member so records never fuse: 0, 1 (`\n`), or a gzip member holding `\n`. */
  separator: z.number().int().nonnegative(),
  /**
   * Hex SHA-256 of the member's uncompressed bytes, recorded when the collapse checked it against its
   * CloudTrail digest (`--check-digests`): the value CloudTrail signed as `hashValue`.
   */
  sha256Uncompressed: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional(),
});

/**
 * An output of a shorter period (a day's, an hour's) of the same series that was rolled into this one:
 * its bytes are exactly `offset … offset+size` of this output, and its members are among this
 * manifest's `members` (their offsets rebased into this output). Recorded so a re-run knows that an
 * output still at `key` with this ETag, or a manifest still at `manifestKey` with `manifestEtag`, is
 * a leftover of this rollup (to delete, never to roll in again).
 */
const rolledUpSchema = z.object({
  key: z.string().min(1),
  size: z.number().int().nonnegative(),
  etag: z.string(),
  /** Hex SHA-256 of its bytes, as its own manifest recorded it and as they were streamed into this output. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** Where its bytes start in this output. */
  offset: z.number().int().nonnegative(),
  manifestKey: z.string().min(1),
  /** The ETag its manifest had when it was read for this rollup. */
  manifestEtag: z.string(),
  /** Its period, as its manifest recorded it. */
  period: z.object({ by: z.enum(['hour', 'day', 'month']), start: z.string(), end: z.string() }),
});

export const manifestSchema = z.object({
  format: z.literal(MANIFEST_FORMAT),
  /**
   * `complete`: output and members describe a verified output. `pending`: a run is replacing the output
   * with output + `incoming`; until it completes, output and members still describe the last verified state.
   */
  state: z.enum(['pending', 'complete']),
  tool: z.string(),
  updatedAt: z.string(),
  runId: z.string().optional(),
  /** While pending: since when (S3's clock), across the runs that took it over. See pendingSince(). */
  pendingSince: z.string().optional(),
  layout: z.string(),
  /** The `--prefix` the layout starts at: with `layout`, what a later run needs to find this series again. */
  prefix: z.string(),
  /** With `layout: 'key-pattern'`: the `--key-pattern` the layout is rebuilt from. */
  keyPattern: z.string().optional(),
  series: z.string(),
  period: z.object({ by: z.enum(['hour', 'day', 'month']), start: z.string(), end: z.string() }),
  encoding: z.enum(['gzip', 'plain']).nullable(),
  output: z
    .object({
      key: z.string(),
      size: z.number().int().nonnegative(),
      sha256: z.string().regex(/^[0-9a-f]{64}$/),
      etag: z.string(),
      /** Base64 full-object CRC64NVME that S3 checked at upload, where the server keeps one. */
      crc64nvme: z.string().optional(),
    })
    .nullable(),
  /**
   * Every original the output holds, at its offset in this output: for a rolled-up output too, where
   * the members of each rolled-in output are listed with their offsets rebased (so `restore` and
   * `verify` read a rolled-up output as any other).
   */
  members: z.array(manifestMemberSchema),
  incoming: z.array(memberSchema).optional(),
  /** Outputs of shorter periods rolled into this one, in the order they were appended. Absent: none. */
  rolledUp: z.array(rolledUpSchema).optional(),
  /** While pending: outputs of shorter periods about to be appended (rolled up), in key order with `incoming`. */
  incomingOutputs: z.array(memberSchema).optional(),
});

export type Manifest = z.infer<typeof manifestSchema>;
export type ManifestMember = z.infer<typeof manifestMemberSchema>;
export type RolledUpOutput = z.infer<typeof rolledUpSchema>;

/** `a/b/out_collapsed.json.gz` → `a/b/_out_collapsed.json.gz.manifest.json` (the `_` makes Athena/Hive skip it). */
export function manifestKeyFor(outputKey: string): string {
  const slash = outputKey.lastIndexOf('/');
  return `${outputKey.slice(0, slash + 1)}_${outputKey.slice(slash + 1)}.manifest.json`;
}

export type ManifestParse = { ok: true; manifest: Manifest } | { ok: false; reason: string };

export function parseManifest(text: string): ManifestParse {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'it is not JSON' };
  }
  const result = manifestSchema.safeParse(json);
  if (!result.success)
    return { ok: false, reason: z.prettifyError(result.error).split('\n').slice(0, 2).join(' ') };
  return { ok: true, manifest: result.data };
}

export function serializeManifest(manifest: Manifest): string {
  return `${JSON.stringify(manifest, null, 2)}\n`;
}
