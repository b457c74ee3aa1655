import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import pMap from 'p-map';
import { explainS3Error } from '../aws/s3-errors.js';
import { scoreSample, type Detection, type DetectionCandidate } from '../layouts/detect.js';
import { parseManifest } from './manifest.js';
import type { Layout, ListChildren } from '../layouts/index.js';
import { childrenLister, getText } from './s3-objects.js';
import type { EngineContext } from './types.js';

const TOP_LEVEL_SAMPLED = 20;
/** Keys sampled per listing: enough to tell the layouts apart, and a page S3 lists quickly. */
const SAMPLE_PAGE = 200;

/** A first page of a listing: its keys and, with a delimiter, its folders. */
export interface SamplePage {
  readonly keys: readonly string[];
  readonly folders: readonly string[];
}

/** What sampling asks of a bucket: first pages, and the child folders of a folder. */
export interface BucketSampler {
  page(prefix: string, delimiter?: string, maxKeys?: number): Promise<SamplePage>;
  readonly children: ListChildren;
}

/** The sampler over a bucket: one ListObjectsV2 a page, and the run's remembered folder listings. */
export function s3Sampler(ctx: EngineContext, signal?: AbortSignal): BucketSampler {
  return {
    async page(prefix, delimiter, maxKeys = SAMPLE_PAGE) {
      const answer = await ctx.s3
        .send(
          new ListObjectsV2Command({
            Bucket: ctx.bucket,
            Prefix: prefix,
            Delimiter: delimiter,
            MaxKeys: maxKeys,
          }),
          { abortSignal: signal },
        )
        .catch((error: unknown) => {
          throw explainS3Error(error, { operation: 'ListObjectsV2', bucket: ctx.bucket, key: prefix });
        });
      return {
        keys: (answer.Contents ?? []).flatMap((object) => (object.Key ? [object.Key] : [])),
        folders: (answer.CommonPrefixes ?? []).flatMap((common) => (common.Prefix ? [common.Prefix] : [])),
      };
    },
    children: childrenLister(ctx.s3, ctx.bucket, signal),
  };
}

/** `AWSLogs/` roots whose services are sampled: one bucket rarely holds more. */
const AWSLOGS_ROOTS = 5;
/** Account folders whose service folders are listed, and service folders sampled a page each. */
const ACCOUNTS_WALKED = 100;
const SERVICE_PAGES = 48;
/** Listings in flight at once while sampling. */
const SAMPLE_CONCURRENCY = 8;
const ACCOUNT_FOLDER = /^(?:\d{12}|aws-account-id=\d{12})$/;
const ORG_FOLDER = /^o-[a-z0-9]{10,32}$/;

/** `AWSLogs/`, or a folder of that name deeper down. */
const isAwsLogsFolder = (folder: string): boolean => folder === 'AWSLogs/' || folder.endsWith('/AWSLogs/');

/** The roots before `AWSLogs/` that these keys and folders show. */
function awsLogsRoots(keys: readonly string[], folders: readonly string[]): string[] {
  const roots = new Set<string>();
  for (const key of [...folders, ...keys]) {
    const at = key.indexOf('AWSLogs/');
    if (at >= 0 && (at === 0 || key[at - 1] === '/')) roots.add(key.slice(0, at));
  }
  return [...roots].slice(0, AWSLOGS_ROOTS);
}

/**
 * Every service folder under every account of an `AWSLogs/` root (`<acct>/CloudTrail/`,
 * `<acct>/elasticloadbalancing/`, `o-…/<acct>/CloudTrail/`, `aws-account-id=<acct>/aws-service=vpcflowlogs/`),
 * whatever the service: one bucket often holds a trail, load balancers, flow logs and WAF logs.
 */
async function serviceFolders(root: string, list: ListChildren): Promise<string[]> {
  const awsLogs = `${root}AWSLogs/`;
  const top = await list(awsLogs);
  const orgs = top.filter((folder) => ORG_FOLDER.test(folder.slice(awsLogs.length, -1)));
  const inOrgs = await pMap(orgs, (org) => list(org), { concurrency: SAMPLE_CONCURRENCY });
  const accounts = [...top, ...inOrgs.flat()]
    .filter((folder) => ACCOUNT_FOLDER.test(folder.slice(folder.lastIndexOf('/', folder.length - 2) + 1, -1)))
    .slice(0, ACCOUNTS_WALKED);
  const services = await pMap(accounts, (account) => list(account), { concurrency: SAMPLE_CONCURRENCY });
  return services.flat();
}

/** Up to `count` folders, every service name before any one twice: a hundred trails must not crowd out one load balancer. */
function spreadOverServices(folders: readonly string[], count: number): string[] {
  const byService = new Map<string, string[]>();
  for (const folder of folders) {
    const service = folder.slice(folder.lastIndexOf('/', folder.length - 2) + 1);
    byService.set(service, [...(byService.get(service) ?? []), folder]);
  }
  const picked: string[] = [];
  for (let round = 0; picked.length < count && picked.length < folders.length; round += 1)
    for (const group of byService.values())
      if (group[round] && picked.length < count) picked.push(group[round]!);
  return picked;
}

/**
 * A cheap sample of the keys under a prefix: the keys at its level, the first page under each of its
 * top-level folders, and a page under each service folder of each account of any `AWSLogs/` root seen
 * (a top-level page of `AWSLogs/` shows only the first service: CloudTrail's digests, say).
 *
 * A root the top level already shows is walked beside the folders' pages, not after them: each
 * listing is a round trip, and on a bucket of AWS logs that is one in four of detection's.
 */
export async function sampleKeys(sampler: BucketSampler, prefix: string): Promise<string[]> {
  const top = await sampler.page(prefix, '/');
  const folders = top.folders.slice(0, TOP_LEVEL_SAMPLED);
  const walks = new Map<string, Promise<string[]>>();
  const walk = (root: string): Promise<string[]> => {
    let services = walks.get(root);
    if (!services) walks.set(root, (services = serviceFolders(root, sampler.children)));
    return services;
  };
  for (const root of awsLogsRoots(top.keys, folders)) void walk(root).catch(() => undefined);
  const [pages, nested] = await Promise.all([
    Promise.all(folders.map((folder) => sampler.page(folder))),
    // `<folder>AWSLogs/` one level down, even where the folder's first page shows something else. Asked
    // for by name: listing the folder's children would page through every key of a flat folder of logs.
    // An `AWSLogs/` folder is itself a root being walked, and one inside it (a trail given the prefix
    // `AWSLogs`) would name that same root: a root is what comes before the first `AWSLogs/`.
    pMap(
      folders.filter((folder) => !isAwsLogsFolder(folder)),
      async (folder) => {
        const page = await sampler.page(`${folder}AWSLogs/`, '/', 1);
        return page.keys.length + page.folders.length > 0 ? [`${folder}AWSLogs/`] : [];
      },
      { concurrency: SAMPLE_CONCURRENCY },
    ),
  ]);
  const keys = [...top.keys, ...pages.flatMap((page) => page.keys)];

  const roots = awsLogsRoots(keys, [...folders, ...nested.flat()]);
  const services = (await Promise.all(roots.map(walk))).flat();
  const servicePages = await pMap(
    spreadOverServices(services, SERVICE_PAGES),
    (folder) => sampler.page(folder),
    { concurrency: SAMPLE_CONCURRENCY },
  );
  return [...keys, ...servicePages.flatMap((page) => page.keys)];
}

/**
 * When every original is already collapsed, the sample holds only outputs and manifests: a manifest
 * names its layout and prefix, and lists an original key to show as the layout's sample.
 */
async function candidatesFromManifests(
  ctx: EngineContext,
  manifestKeys: readonly string[],
  layouts: readonly Layout[],
  signal?: AbortSignal,
): Promise<DetectionCandidate[]> {
  const found = new Map<string, DetectionCandidate>();
  for (const key of manifestKeys.slice(0, 5)) {
    const object = await getText(ctx.s3, ctx.bucket, key, signal);
    const parsed = object === null ? undefined : parseManifest(object.text);
    if (!parsed?.ok) continue;
    const layout = layouts.find((candidate) => candidate.id === parsed.manifest.layout);
    const member = parsed.manifest.members[0];
    const sample = member && layout?.parse(member.key);
    if (!layout || !member || !sample) continue;
    const id = `${layout.id}\u0000${parsed.manifest.prefix}`;
    const known = found.get(id);
    found.set(id, {
      layout: layout.id,
      title: layout.title,
      root: parsed.manifest.prefix,
      matched: 0,
      seriesSeen: (known?.seriesSeen ?? 0) + 1,
      sample: { key: member.key, parsed: sample },
    });
  }
  return [...found.values()];
}

export async function detectLayouts(
  ctx: EngineContext,
  prefix: string,
  layouts: readonly Layout[],
  signal?: AbortSignal,
): Promise<Detection> {
  const keys = await sampleKeys(s3Sampler(ctx, signal), prefix);
  let detection = scoreSample(keys, layouts);
  if (detection.candidates.length === 0 && detection.manifests.length > 0) {
    detection = {
      ...detection,
      candidates: await candidatesFromManifests(ctx, detection.manifests, layouts, signal),
    };
  }
  // A root outside the requested prefix cannot happen with a listing under it; keep only exact layouts asked for.
  return {
    ...detection,
    candidates: detection.candidates.filter((candidate) => candidate.root.startsWith(prefix)),
  };
}
