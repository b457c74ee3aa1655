// What the bench collapses. Each workload is built from a fixed seed, so every contender run gets the
// same keys and bytes; `scale` shrinks object counts (and the large workload's bytes) for a quick run.
import { accessLogObjects, cloudTrailObjects, randomSource } from '../source/demo/log-generator.js';
import { accessLogBody, cloudTrailBody, largeBodyChunks } from './bodies.js';

export const WORKLOAD_NAMES = ['access-20k', 'cloudtrail-2k', 'large-2g'] as const;
export type WorkloadName = (typeof WORKLOAD_NAMES)[number];

export interface BenchObject {
  readonly key: string;
  readonly size: number;
  readonly chunks: () => Iterable<Buffer>;
}

/** The inputs of one output object: one day of one series. */
export interface OutputGroup {
  /** The tightest listing prefix of the day's inputs (what the tool and the raw floor list). */
  readonly listPrefix: string;
  /** The "folder" the AWS CLI copies from, and the `--include` pattern that picks the day in it. */
  readonly folder: string;
  readonly pattern: string;
  /** The tool's output key for the day; every contender writes there so outputs compare by key. */
  readonly outputKey: string;
  readonly members: readonly BenchObject[];
}

export interface Workload {
  readonly name: string;
  readonly title: string;
  readonly from: string;
  readonly to: string;
  readonly objects: readonly BenchObject[];
  readonly bytes: number;
  readonly groups: readonly OutputGroup[];
  /** PUTs in flight while seeding: small objects go 16 at a time, 64 MiB ones two. */
  readonly seedConcurrency: number;
}

const MiB = 1024 * 1024;
const SEED = 13;
const day = (iso: string) => new Date(`${iso}T00:00:00Z`);
const isoDay = (date: Date) => date.toISOString().slice(0, 10);
const daysFrom = (first: string, count: number) =>
  Array.from({ length: count }, (_, index) => new Date(day(first).getTime() + index * 86_400_000));

const whole = (body: Buffer) => () => [body];

function workloadOf(
  fields: Omit<Workload, 'bytes' | 'groups' | 'objects'>,
  objects: BenchObject[],
  groups: Array<Omit<OutputGroup, 'members'>>,
): Workload {
  const sorted = [...objects].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return {
    ...fields,
    objects: sorted,
    bytes: sorted.reduce((total, object) => total + object.size, 0),
    groups: groups.map((group) => ({
      ...group,
      members: sorted.filter((object) => object.key.startsWith(group.listPrefix)),
    })),
  };
}

/** S3 server access logs, simple layout: `logs/YYYY-MM-DD-HH-MM-SS-<16 hex>`, one output per day. */
function accessLogs(name: string, title: string, days: readonly Date[], perDay: number): Workload {
  const random = randomSource(SEED + 1);
  const objects = accessLogObjects({
    prefix: 'logs/',
    days,
    objectsPerDay: perDay,
    sourceBucket: 'www.example.com',
    seed: SEED,
  }).map(({ key, body }) => {
    const padded = accessLogBody(body, random);
    return { key, size: padded.length, chunks: whole(padded) };
  });
  const groups = days.map((date) => ({
    listPrefix: `logs/${isoDay(date)}-`,
    folder: 'logs/',
    pattern: `${isoDay(date)}-*`,
    outputKey: `logs/${isoDay(date)}_collapsed`,
  }));
  const first = days[0]!;
  const last = days.at(-1)!;
  return workloadOf(
    { name, title, from: isoDay(first), to: isoDay(last), seedConcurrency: 16 },
    objects,
    groups,
  );
}

function access20k(scale: number): Workload {
  const perDay = Math.max(1, Math.round((20_000 * scale) / 5));
  return accessLogs(
    'access-20k',
    `${perDay * 5} access-log objects of 1–4 KiB over 5 days`,
    daysFrom('2024-05-01', 5),
    perDay,
  );
}

const ACCOUNTS = [{ account: '111122223333' }, { account: '444455556666' }];
const REGIONS = ['us-east-1', 'eu-west-1'];
const TRAIL_FILE =
  /AWSLogs\/(\d{12})\/CloudTrail\/([a-z0-9-]+)\/\d{4}\/\d{2}\/\d{2}\/\d{12}_CloudTrail_[a-z0-9-]+_(\d{8}T\d{4}Z)_/;

/** CloudTrail, 2 accounts × 2 regions, 3 days: one output per series and day. */
function cloudTrail2k(scale: number): Workload {
  const days = daysFrom('2024-05-01', 3);
  const series = ACCOUNTS.length * REGIONS.length;
  const filesPerDay = Math.max(1, Math.round((2000 * scale) / (series * days.length)));
  const random = randomSource(SEED + 2);
  const objects = cloudTrailObjects({
    prefix: '',
    accounts: ACCOUNTS,
    regions: REGIONS,
    days,
    filesPerDay,
    seed: SEED,
  })
    // Digest and Insights files are not inputs: the generator's traps are left out of this workload.
    .flatMap(({ key }) => {
      const match = TRAIL_FILE.exec(key);
      if (!match) return [];
      const [, account = '', region = '', stamp = ''] = match;
      const at = new Date(
        `${stamp.slice(0, 4)}-${stamp.slice(4, 6)}-${stamp.slice(6, 8)}T${stamp.slice(9, 11)}:${stamp.slice(11, 13)}:00Z`,
      );
      const body = cloudTrailBody(account, region, at, random);
      return [{ key, size: body.length, chunks: whole(body) }];
    });
  const groups = ACCOUNTS.flatMap(({ account }) =>
    REGIONS.flatMap((region) =>
      days.map((date) => {
        const [yyyy, mm, dd] = isoDay(date).split('-');
        const folder = `AWSLogs/${account}/CloudTrail/${region}/${yyyy}/${mm}/${dd}/`;
        const file = `${account}_CloudTrail_${region}_${yyyy}${mm}${dd}`;
        return {
          listPrefix: `${folder}${file}T`,
          folder,
          pattern: `${file}T*`,
          outputKey: `${folder}${file}_collapsed.json.gz`,
        };
      }),
    ),
  );
  return workloadOf(
    {
      name: 'cloudtrail-2k',
      title: `${objects.length} CloudTrail files of ~20 KiB gzip, ${series} series × ${days.length} days`,
      from: isoDay(days[0]!),
      to: isoDay(days.at(-1)!),
      seedConcurrency: 16,
    },
    objects,
    groups,
  );
}

/** One day of 64 MiB plain-text access-log objects: 2 GiB at full scale. */
function large2g(scale: number): Workload {
  const count = Math.max(1, Math.ceil(32 * scale));
  const random = randomSource(SEED + 3);
  const objects = Array.from({ length: count }, (_, index) => {
    const at = new Date(day('2024-05-01').getTime() + Math.floor((index / count) * 86_400_000));
    const stamp = at.toISOString().slice(0, 19).replace(/[T:]/g, '-');
    const unique = Array.from({ length: 16 }, () => '0123456789ABCDEF'[Math.floor(random() * 16)]).join('');
    const key = `logs/${stamp}-${unique}`;
    return { key, size: 64 * MiB, chunks: largeBodyChunks(key, 64 * MiB) };
  });
  return workloadOf(
    {
      name: 'large-2g',
      title: `${count} objects of 64 MiB in one day (${(count * 64) / 1024} GiB)`,
      from: '2024-05-01',
      to: '2024-05-01',
      seedConcurrency: 2,
    },
    objects,
    [
      {
        listPrefix: 'logs/2024-05-01-',
        folder: 'logs/',
        pattern: '2024-05-01-*',
        outputKey: 'logs/2024-05-01_collapsed',
      },
    ],
  );
}

export function buildWorkload(name: WorkloadName, scale: number): Workload {
  if (name === 'access-20k') return access20k(scale);
  if (name === 'cloudtrail-2k') return cloudTrail2k(scale);
  return large2g(scale);
}

/** 30 days of small access logs, of which the range check collapses the middle one. */
export function thirtyDays(perDay = 300): { workload: Workload; collapsed: string } {
  const workload = accessLogs(
    'range-1of30',
    `${perDay * 30} access-log objects over 30 days`,
    daysFrom('2024-04-01', 30),
    perDay,
  );
  return { workload, collapsed: '2024-04-15' };
}
