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

async function firstPage(
  ctx: EngineContext,
  prefix: string,
  delimiter?: string,
  signal?: AbortSignal,
  maxKeys = SAMPLE_PAGE,
) {
  return ctx.s3
    .send(
      new ListObjectsV2Command({
        Bucket: ctx.bucket,
        Prefix: prefix,
        Delimiter: delimiter,
        MaxKeys: maxKeys,
      }),
      {
        abortSignal: signal,
      },
    )
    .catch((error: unknown) => {
      throw explainS3Error(error, { operation: 'ListObjectsV2', bucket: ctx.bucket, key: prefix });
    });
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
 */
export async function sampleKeys(
  ctx: EngineContext,
  prefix: string,
  signal?: AbortSignal,
): Promise<string[]> {
  const list = childrenLister(ctx.s3, ctx.bucket, signal);
  const top = await firstPage(ctx, prefix, '/', signal);
  const keys = (top.Contents ?? []).flatMap((object) => (object.Key ? [object.Key] : []));
  const folders = (top.CommonPrefixes ?? [])
    .flatMap((common) => (common.Prefix ? [common.Prefix] : []))
    .slice(0, TOP_LEVEL_SAMPLED);
  const [pages, nested] = await Promise.all([
    Promise.all(folders.map((folder) => firstPage(ctx, folder, undefined, signal))),
    // `<folder>AWSLogs/` one level down, even where the folder's first page shows something else. Asked
    // for by name: listing the folder's children would page through every key of a flat folder of logs.
    pMap(
      folders,
      async (folder) => {
        const page = await firstPage(ctx, `${folder}AWSLogs/`, '/', signal, 1);
        return (page.Contents?.length ?? 0) + (page.CommonPrefixes?.length ?? 0) > 0
          ? [`${folder}AWSLogs/`]
          : [];
      },
      { concurrency: SAMPLE_CONCURRENCY },
    ),
  ]);
  for (const page of pages) for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key);

  const roots = awsLogsRoots(keys, [...folders, ...nested.flat()]);
  const services = (await Promise.all(roots.map((root) => serviceFolders(root, list)))).flat();
  const servicePages = await pMap(
    spreadOverServices(services, SERVICE_PAGES),
    (folder) => firstPage(ctx, folder, undefined, signal),
    { concurrency: SAMPLE_CONCURRENCY },
  );
  for (const page of servicePages)
    for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key);
  return keys;
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
  const keys = await sampleKeys(ctx, prefix, signal);
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
