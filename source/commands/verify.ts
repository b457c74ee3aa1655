import { UserError } from '../errors.js';
import { ExitCode } from '../exit-code.js';
import { counted, formatBytes } from '../format.js';
import { keyPrefix } from '../options/values.js';
import { parseDateArg, periodOf } from '../periods.js';
import type { BucketFinding } from '../engine/verify-bucket.js';
import type { DigestTally } from '../engine/member-digests.js';
import type { OutputProblem } from '../engine/verify-output.js';
import type { Command } from './command.js';
import {
  checkFlag,
  commandHelpRow,
  CONNECTION_HELP,
  openConnection,
  parseCommandArgs,
} from './connection-flags.js';

/** Outputs read at once: each is one streaming GET, so memory stays a few chunks per output. */
const CONCURRENCY = 8;

export const VERIFY_FORMAT = 's3collapse-verify/1';

const OWN_FLAGS = {
  prefix: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  json: { type: 'boolean' },
  'check-digests': { type: 'boolean' },
} as const;

const HELP = [
  'Usage: s3collapse-tui verify --bucket B [--prefix P] [--from DATE --to DATE] [--check-digests] [--json]',
  '',
  'Checks every output under the prefix against its manifest: size, SHA-256 (streaming), each',
  "member's offset and separator, and the MD5 of each member whose ETag is one. Changes nothing.",
  '',
  CONNECTION_HELP,
  commandHelpRow('--prefix PREFIX', 'only outputs under PREFIX (default: the whole bucket)'),
  commandHelpRow('--from DATE, --to DATE', 'only outputs of periods starting in this UTC range (inclusive)'),
  commandHelpRow(
    '--check-digests',
    "CloudTrail outputs: each member's uncompressed SHA-256 against the CloudTrail-Digest files in the bucket",
  ),
  commandHelpRow('--json', 'one JSON document on stdout; progress on stderr'),
  '',
  'Exit codes: 0 every output matches its manifest, 1 some output is wrong or unaccounted for, 2 bad input.',
].join('\n');

/** One problem in the words of a report line. */
export function problemText(problem: OutputProblem): string {
  switch (problem.kind) {
    case 'output-missing':
      return 'the output is missing';
    case 'size':
      return `size ${problem.actual} bytes, manifest says ${problem.expected}`;
    case 'sha256':
      return 'sha256 differs';
    case 'crc64nvme':
      return "S3's CRC64NVME differs from the manifest's";
    case 'offset':
      return `member ${problem.member}: offset ${problem.actual} expected ${problem.expected}`;
    case 'members-end':
      return `members end at byte ${problem.actual}, the output is ${problem.expected} bytes`;
    case 'separator':
      return problem.expected === 'newline'
        ? `separator after ${problem.member} is not \\n`
        : `separator after ${problem.member} is not a gzip member holding \\n`;
    case 'member-md5':
      return `member ${problem.member}: MD5 differs from its ETag`;
    case 'rolled-up':
      return `rolled-in ${problem.output}: its bytes here differ from the SHA-256 its manifest recorded`;
    case 'rolled-up-range':
      return `rolled-in ${problem.output}: its recorded range is not a run of whole members of this output`;
    case 'digest':
      return problem.actual === null
        ? `member ${problem.member}: does not inflate, so it differs from its digest`
        : `member ${problem.member}: differs from its digest`;
    case 'changed-while-reading':
      return 'the output changed while it was read; run verify again';
  }
}

type Verdict = 'ok' | 'wrong' | 'in-progress';

function verdictOf(finding: BucketFinding): Verdict {
  if (finding.kind !== 'checked') return 'wrong';
  return finding.check.status;
}

function findingLine(finding: BucketFinding): string {
  if (finding.kind === 'manifest-unreadable')
    return `✖ ${finding.manifestKey}: the manifest cannot be read (${finding.reason})`;
  if (finding.kind === 'output-without-manifest')
    return `✖ ${finding.outputKey}: no manifest beside it (${finding.manifestKey}); nothing says what it holds`;
  const check = finding.check;
  if (check.status === 'in-progress')
    return `… ${check.outputKey || check.manifestKey}: in progress, a run is replacing it (pending since ${check.since ?? 'unknown'}); not checked. If no run is active, run the collapse again to finish it.`;
  if (check.status === 'ok') {
    const md5 = check.md5Checked > 0 ? `, ${check.md5Checked} by MD5` : '';
    const digest = check.digests && check.digests.ok > 0 ? `, ${check.digests.ok} digest ok` : '';
    const rolled = check.rolledUpChecked ? `, ${counted(check.rolledUpChecked, 'rolled-in output')}` : '';
    const notes = [...check.notes, ...digestNotes(check.digests)].map((note) => `; ${note}`).join('');
    return `✔ ${check.outputKey}: ok (${formatBytes(check.size)}, ${counted(check.members, 'member')}${md5}${digest}${rolled})${notes}`;
  }
  const notes = digestNotes(check.digests)
    .map((note) => `; ${note}`)
    .join('');
  return `✖ ${check.outputKey}: ${check.problems.map(problemText).join('; ')}${notes}`;
}

/** What --check-digests could not check: not failures, but an auditor must know. */
function digestNotes(tally: DigestTally | undefined): string[] {
  if (!tally) return [];
  const notes: string[] = [];
  const [first] = tally.unchecked;
  if (first !== undefined)
    notes.push(
      `no digest entry found for ${counted(tally.unchecked.length, 'member')} (${tally.unchecked.length > 1 ? 'first: ' : ''}${first}); not checked`,
    );
  const [unreadable] = tally.unreadable;
  if (unreadable !== undefined)
    notes.push(
      `${counted(tally.unreadable.length, 'digest file')} could not be read (${unreadable.key}: ${unreadable.reason})`,
    );
  return notes;
}

/** Members checked against their digests across every output, for the summary. */
function digestTotals(findings: readonly BucketFinding[]): { ok: number; differ: number; unchecked: number } {
  const totals = { ok: 0, differ: 0, unchecked: 0 };
  for (const finding of findings) {
    if (finding.kind !== 'checked' || finding.check.status === 'in-progress') continue;
    const { digests, problems } = finding.check;
    if (!digests) continue;
    totals.ok += digests.ok;
    totals.unchecked += digests.unchecked.length;
    totals.differ += problems.filter((problem) => problem.kind === 'digest').length;
  }
  return totals;
}

function findingDocument(finding: BucketFinding): Record<string, unknown> {
  if (finding.kind !== 'checked') return { ...finding, status: 'wrong' };
  const { check } = finding;
  if (check.status === 'in-progress') return { kind: 'checked', ...check };
  return {
    kind: 'checked',
    ...check,
    problems: check.problems.map((problem) => ({ ...problem, text: problemText(problem) })),
  };
}

/** --from/--to as the collapse reads them: whole periods, --to inclusive, one alone meaning just it. */
function periodFilter(
  from: string | undefined,
  to: string | undefined,
): { start: Date; end: Date } | undefined {
  if (from === undefined && to === undefined) return undefined;
  const first = from === undefined ? undefined : parseDateArg(from, '--from');
  const last = to === undefined ? undefined : parseDateArg(to, '--to');
  const start = (first ?? last)!;
  const end = (last ?? first)!;
  const range = { start: start.start, end: periodOf(end.start, end.unit).end };
  if (range.start.getTime() >= range.end.getTime())
    throw new UserError(
      `--from ${from} is after --to ${to}.`,
      'Swap them: --from is the first period, --to the last.',
    );
  return range;
}

/** Writes "verify: n/total" to stderr at every tenth of the way, for runs over many outputs. */
function progressWriter(stderr: NodeJS.WriteStream): (done: number, total: number) => void {
  let shown = 0;
  return (done, total) => {
    if (total < 10) return;
    const step = Math.floor((done * 10) / total);
    if (step <= shown && done !== total) return;
    shown = step;
    stderr.write(`verify: ${done}/${total} checked\n`);
  };
}

export const verify: Command = async (context) => {
  const args = parseCommandArgs('verify', context.argv, OWN_FLAGS);
  if (args.help) {
    context.stdout.write(`${HELP}\n`);
    return ExitCode.Done;
  }
  const prefix = checkFlag('verify', keyPrefix('prefix').optional(), args.values.prefix) ?? '';
  const period = periodFilter(args.values.from, args.values.to);
  const json = args.values.json === true;
  const checkDigests = args.values['check-digests'] === true;
  const { ctx } = await openConnection('verify', args.connection, context.now);
  const { verifyBucket } = await import('../engine/verify-bucket.js');
  const { DigestIndex } = await import('../engine/cloudtrail-digests.js');
  const progress = progressWriter(context.stderr);
  try {
    const { findings, listed } = await verifyBucket(ctx.s3, ctx.bucket, {
      prefix,
      period,
      concurrency: CONCURRENCY,
      signal: context.signal,
      onFinding: (_finding, done, total) => progress(done, total),
      digests: checkDigests ? new DigestIndex(ctx.s3, ctx.bucket, { signal: context.signal }) : undefined,
    });
    const where = `s3://${ctx.bucket}/${prefix}`;
    if (listed === 0)
      throw new UserError(
        `No outputs or manifests under ${where}.`,
        'Check --bucket and --prefix: outputs are named …_collapsed…, manifests _…_collapsed….manifest.json.',
      );
    const verdicts = findings.map(verdictOf);
    const totals = {
      outputs: findings.length,
      ok: verdicts.filter((verdict) => verdict === 'ok').length,
      wrong: verdicts.filter((verdict) => verdict === 'wrong').length,
      inProgress: verdicts.filter((verdict) => verdict === 'in-progress').length,
      ...(checkDigests ? { digests: digestTotals(findings) } : {}),
    };
    const exitCode = totals.wrong > 0 ? ExitCode.Unfinished : ExitCode.Done;
    if (json) {
      const document = {
        format: VERIFY_FORMAT,
        bucket: ctx.bucket,
        prefix,
        period: period ? { start: period.start.toISOString(), end: period.end.toISOString() } : null,
        outputs: findings.map(findingDocument),
        totals,
        exitCode,
      };
      context.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
      return exitCode;
    }
    for (const finding of findings) context.stdout.write(`${findingLine(finding)}\n`);
    const scope = period
      ? ` with a period in ${period.start.toISOString()} … ${period.end.toISOString()}`
      : '';
    if (findings.length === 0) context.stdout.write(`No outputs under ${where}${scope}.\n`);
    const parts = [
      `${totals.ok} ok`,
      `${totals.wrong} wrong`,
      ...(totals.inProgress > 0 ? [`${totals.inProgress} in progress`] : []),
    ];
    context.stdout.write(
      `verify ${where}: ${counted(findings.length, 'output')}${scope}: ${parts.join(', ')}.\n`,
    );
    if (checkDigests) {
      const digests = digestTotals(findings);
      context.stdout.write(
        `digests: ${digests.ok} digest ok, ${digests.differ} differ from their digest, ${digests.unchecked} with no digest entry found (not checked).\n`,
      );
    }
    return exitCode;
  } finally {
    ctx.s3.destroy();
  }
};
