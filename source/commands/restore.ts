import type { S3Client } from '@aws-sdk/client-s3';
import { UserError } from '../errors.js';
import { ExitCode } from '../exit-code.js';
import { formatBytes } from '../format.js';
import { MANIFEST_KEY } from '../layouts/detect.js';
import { keyPrefix } from '../options/values.js';
import { manifestKeyFor, parseManifest, type Manifest } from '../engine/manifest.js';
import type { MemberRestore, RestoreStatus } from '../engine/restore-members.js';
import type { Command } from './command.js';
import {
  checkFlag,
  commandHelpRow,
  CONNECTION_HELP,
  openConnection,
  parseCommandArgs,
} from './connection-flags.js';

/** Members in flight at once; each is held whole in memory while it is checked and written. */
const CONCURRENCY = 8;

export const RESTORE_FORMAT = 's3collapse-restore/1';

const UNCHANGED = 'The output and its manifest were not changed, and nothing was deleted.';

const OWN_FLAGS = {
  output: { type: 'string' },
  member: { type: 'string', multiple: true },
  'to-prefix': { type: 'string' },
  'dry-run': { type: 'boolean' },
  'skip-md5-check': { type: 'boolean' },
  json: { type: 'boolean' },
} as const;

const HELP = [
  'Usage: s3collapse-tui restore --bucket B --output KEY [--member KEY…] [--to-prefix P] [--dry-run] [--json]',
  '',
  "Writes an output's originals back, byte-exactly, from its byte ranges: each checked against the",
  "manifest's size and (single-part ETags) MD5 first, and written only where no object is: an existing",
  'key is never overwritten. The output and its manifest are left as they are.',
  '',
  CONNECTION_HELP,
  commandHelpRow('--output KEY', 'the output whose members to write back (its manifest sits beside it)'),
  commandHelpRow('--member KEY', 'only this member, as the manifest names it (repeatable; default: all)'),
  commandHelpRow('--to-prefix PREFIX', 'write each member to PREFIX + its original key instead'),
  commandHelpRow('--dry-run', 'read and check every member, write nothing'),
  commandHelpRow('--skip-md5-check', 'originals encrypted with SSE-KMS/SSE-C: their ETags are no MD5s'),
  commandHelpRow('--json', 'one JSON document on stdout'),
  '',
  'Exit codes: 0 every member is back (or already was, byte-identical), 1 some member was not written, 2 bad input.',
].join('\n');

const LABEL: Readonly<Record<RestoreStatus, string>> = {
  restored: 'restored',
  'would-restore': 'would restore',
  identical: 'already there',
  'exists-different': 'skipped',
  'bytes-wrong': 'not written',
  failed: 'failed',
};

/** A member left as it is because the key holds the same bytes counts as done: re-running a restore is safe. */
const isDone = (status: RestoreStatus): boolean =>
  status === 'restored' || status === 'would-restore' || status === 'identical';

function memberLine(result: MemberRestore): string {
  const mark = isDone(result.status) ? '✔' : '✖';
  const where = result.target === result.key ? result.key : `${result.key} → ${result.target}`;
  const checked = result.md5Checked ? 'size and MD5 checked' : 'size checked';
  const why =
    result.status === 'identical'
      ? 'byte-identical, left as it is'
      : (result.detail ?? (isDone(result.status) ? `${formatBytes(result.size)}, ${checked}` : ''));
  return `${mark} ${LABEL[result.status]}: ${where}${why ? ` (${why})` : ''}`;
}

/** The manifest beside KEY, read and parsed; every way it can be missing is a UserError saying which. */
async function readManifest(
  s3: S3Client,
  bucket: string,
  outputKey: string,
  signal: AbortSignal,
): Promise<Manifest> {
  const { getText, headObject } = await import('../engine/s3-objects.js');
  const manifestKey = manifestKeyFor(outputKey);
  const object = await getText(s3, bucket, manifestKey, signal);
  if (!object) {
    const output = await headObject(s3, bucket, outputKey, signal);
    throw new UserError(
      output
        ? `s3://${bucket}/${outputKey} has no manifest beside it (${manifestKey}): nothing says where its members are.`
        : `No output s3://${bucket}/${outputKey} and no manifest ${manifestKey}.`,
      `Give an output's key exactly; s3collapse-tui verify --bucket ${bucket} lists them.`,
    );
  }
  const parsed = parseManifest(object.text);
  if (!parsed.ok)
    throw new UserError(
      `The manifest s3://${bucket}/${manifestKey} cannot be read: ${parsed.reason}.`,
      'Restore needs it to find each member; it was not written by this tool, or was edited.',
    );
  return parsed.manifest;
}

function outputKeyOf(raw: string | undefined): string {
  if (!raw)
    throw new UserError(
      'restore needs --output KEY.',
      'Give the key of an output, e.g. --output logs/2024-05-01_collapsed.',
    );
  const key = raw.replace(/^\/+/, '');
  if (MANIFEST_KEY.test(key))
    throw new UserError(
      `--output ${raw} is a manifest.`,
      'Give the output beside it: the same name without the leading "_" and ".manifest.json".',
    );
  return key;
}

export const restore: Command = async (context) => {
  const args = parseCommandArgs('restore', context.argv, OWN_FLAGS);
  if (args.help) {
    context.stdout.write(`${HELP}\n`);
    return ExitCode.Done;
  }
  const outputKey = outputKeyOf(args.values.output);
  const toPrefix = checkFlag('restore', keyPrefix('to-prefix').optional(), args.values['to-prefix']);
  const dryRun = args.values['dry-run'] === true;
  const json = args.values.json === true;
  const { ctx } = await openConnection('restore', args.connection, context.now);
  try {
    const manifest = await readManifest(ctx.s3, ctx.bucket, outputKey, context.signal);
    const { chooseMembers, restoreMembers } = await import('../engine/restore-members.js');
    const members = args.values.member;
    const chosen = chooseMembers(manifest, members);
    const target = toPrefix ? `s3://${ctx.bucket}/${toPrefix}…` : 'their original keys';
    if (!json)
      context.stderr.write(
        `restore: ${chosen.length} of ${manifest.members.length} members of s3://${ctx.bucket}/${outputKey} to ${target}${dryRun ? ' (dry run: nothing is written)' : ''}\n`,
      );
    const results = await restoreMembers(ctx.s3, ctx.bucket, {
      manifestKey: manifestKeyFor(outputKey),
      manifest,
      members,
      toPrefix,
      dryRun,
      concurrency: CONCURRENCY,
      checkMd5: args.values['skip-md5-check'] !== true,
      signal: context.signal,
    });
    const count = (status: RestoreStatus) => results.filter((result) => result.status === status).length;
    const totals = {
      members: results.length,
      restored: count('restored'),
      wouldRestore: count('would-restore'),
      identical: count('identical'),
      existsDifferent: count('exists-different'),
      bytesWrong: count('bytes-wrong'),
      failed: count('failed'),
    };
    const exitCode = results.every((result) => isDone(result.status)) ? ExitCode.Done : ExitCode.Unfinished;
    if (json) {
      const document = {
        format: RESTORE_FORMAT,
        bucket: ctx.bucket,
        output: outputKey,
        toPrefix: toPrefix ?? null,
        dryRun,
        members: results,
        totals,
        outputUnchanged: true,
        exitCode,
      };
      context.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
      return exitCode;
    }
    for (const result of results) context.stdout.write(`${memberLine(result)}\n`);
    const summary = [
      `${dryRun ? totals.wouldRestore : totals.restored} ${dryRun ? 'would be restored' : 'restored'}`,
      `${totals.identical} already there`,
      `${totals.existsDifferent} skipped (the key holds other bytes)`,
      ...(totals.bytesWrong > 0
        ? [`${totals.bytesWrong} not written (bytes do not match the manifest)`]
        : []),
      ...(totals.failed > 0 ? [`${totals.failed} failed`] : []),
    ];
    context.stdout.write(`restore: ${summary.join(', ')}. ${UNCHANGED}\n`);
    return exitCode;
  } finally {
    ctx.s3.destroy();
  }
};
