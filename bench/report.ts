// The table printed at the end of a bench run: one row per workload, latency and contender, then the
// ratios of median wall time the issue asks about.
import type { RequestCounts } from './measure.js';
import type { ContenderId } from './contenders.js';
import {
  casesOf,
  machineBusy,
  summarize,
  wallRatio,
  type BenchResults,
  type RunRecord,
  type Summary,
} from './results.js';

/** Short names for the operations a collapse sends, in the order a collapse sends them. */
const OPERATIONS: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['L', ['ListObjectsV2', 'ListObjects']],
  ['H', ['HeadObject', 'HeadBucket']],
  ['G', ['GetObject']],
  ['P', ['PutObject']],
  ['M', ['CreateMultipartUpload', 'UploadPart', 'CompleteMultipartUpload', 'AbortMultipartUpload']],
  ['C', ['UploadPartCopy', 'CopyObject']],
  ['D', ['DeleteObjects']],
  ['d', ['DeleteObject']],
];
export const REQUEST_LEGEND =
  'requests: L list · H head · G get · P put · M multipart (create, parts, complete) · C copied on the server · D DeleteObjects · d DeleteObject · o other';

export function requestSummary(counts: RequestCounts): string {
  const known = new Set(OPERATIONS.flatMap(([, names]) => names));
  const parts = OPERATIONS.flatMap(([letter, names]) => {
    const count = names.reduce((total, name) => total + (counts[name] ?? 0), 0);
    return count ? [`${letter}${count}`] : [];
  });
  const other = Object.entries(counts).reduce(
    (total, [name, count]) => total + (known.has(name) ? 0 : count),
    0,
  );
  if (other) parts.push(`o${other}`);
  return parts.join(' ');
}

export const seconds = (ms: number): string =>
  ms < 10_000 ? (ms / 1000).toFixed(2) : (ms / 1000).toFixed(1);
const mib = (kib: number): string => `${Math.round(kib / 1024)} MiB`;

/** The line printed as each run ends. */
export function runLine(run: RunRecord): string {
  const checked = run.problems.length ? 'FAILED' : `${run.verified} ok`;
  const server = run.serverCpuS === null ? '–' : run.serverCpuS.toFixed(1);
  const line = [
    `  ${String(run.latencyMs).padStart(2)} ms  ${run.label.padEnd(13)} #${run.repeat + 1}`,
    `${seconds(run.wallMs).padStart(6)} s`,
    `RSS ${String(Math.round(run.peakRssKiB / 1024)).padStart(4)} MiB`,
    `CPU ${run.cpuS.toFixed(1).padStart(5)} s  server ${server.padStart(5)} s  proxy ${(run.proxyCpuS?.toFixed(1) ?? '–').padStart(4)} s`,
    requestSummary(run.requests),
    checked,
  ].join('  ');
  return [line, ...run.problems.map((problem) => `  !!! ${run.label}: ${problem}`)].join('\n');
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  const numeric = (cell: string) => /^[\d.,×–-]+( MiB| s|%)?$/.test(cell);
  const line = (row: string[]) =>
    row
      .map((cell, column) => (numeric(cell) ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!)))
      .join('  ');
  return [
    line(rows[0]!),
    widths.map((width) => '-'.repeat(width)).join('  '),
    ...rows.slice(1).map(line),
  ].join('\n');
}

const percent = (share: number | null): string => (share === null ? '–' : `${Math.round(share * 100)}%`);

function ratio(rows: readonly Summary[], over: ContenderId, under: ContenderId): string {
  const value = wallRatio(rows, over, under);
  return value === undefined ? '–' : `${value.toFixed(2)}×`;
}

export function printReport(results: BenchResults): void {
  const summaries = summarize(results.runs);
  if (summaries.length > 0) printTables(summaries, results.machine.cpus);
  printChecks(results);
}

function printTables(summaries: readonly Summary[], cores: number): void {
  const header = [
    'workload',
    'latency',
    'contender',
    'runs',
    'median wall',
    'objects/s',
    'peak RSS',
    'client CPU s',
    'server CPU s',
    'proxy CPU s',
    'machine busy',
    'requests',
  ];
  const rows = summaries.map((row) => [
    row.workload,
    `${row.latencyMs} ms`,
    row.problems ? `${row.label} (FAILED)` : row.label,
    String(row.runs),
    `${seconds(row.wallMs)} s`,
    Math.round(row.objects / (row.wallMs / 1000)).toLocaleString('en-US'),
    mib(row.peakRssKiB),
    row.cpuS.toFixed(1),
    row.serverCpuS === null ? '–' : row.serverCpuS.toFixed(1),
    row.proxyCpuS === null ? '–' : row.proxyCpuS.toFixed(1),
    percent(machineBusy(row, cores)),
    requestSummary(row.requests),
  ]);
  console.log(`\n${table([header, ...rows])}`);
  console.log(
    `${REQUEST_LEGEND}\nclient CPU: the contender's process and its children; server CPU: s3rver in the same time; proxy CPU: the bench's own process, the latency proxy (wall includes process start-up)\nmachine busy: the three CPUs over ${cores} cores × wall; near 100%, a CPU second of any of them is wall time`,
  );
  const withBaseline = summaries.some((row) => row.contender === 'baseline');
  const ratios = casesOf(summaries).map(({ workload, latencyMs, rows }) => [
    workload,
    `${latencyMs} ms`,
    ratio(rows, 'tool', 'raw-floor'),
    ratio(rows, 'aws-cli', 'tool'),
    ratio(rows, 'one-at-a-time', 'tool'),
    ...(withBaseline ? [ratio(rows, 'tool', 'baseline')] : []),
  ]);
  const ratioHeader = ['workload', 'latency', 'tool/floor', 'cli/tool', 'one-at-a-time/tool'];
  console.log(`\n${table([[...ratioHeader, ...(withBaseline ? ['tool/baseline'] : [])], ...ratios])}`);
}

function printChecks(results: BenchResults): void {
  const range = results.rangeCheck;
  if (range)
    console.log(
      `\nrange-1of30: collapsing ${range.collapsedDay} of ${range.days} days (${range.objects.toLocaleString('en-US')} objects), the tool sent ${range.listRequests} ListObjectsV2; listing the whole bucket takes ${range.wholeBucketPages} pages ${range.listRequests < range.wholeBucketPages ? '(ok: listing follows the range)' : '(NOT OK: listing does not follow the range)'}; ${requestSummary(range.requests)}`,
    );
  for (const reason of results.skipped) console.log(reason);
  const failed = results.runs.filter((run) => run.problems.length > 0);
  if (failed.length > 0) {
    console.log(`\n!!! ${failed.length} run(s) did not do the job or produced different bytes:`);
    for (const run of failed)
      console.log(
        `!!! ${run.workload} ${run.latencyMs} ms ${run.label} #${run.repeat + 1}: ${run.problems.join('; ')}`,
      );
  }
}
