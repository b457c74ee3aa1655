import { UserError } from '../errors.js';
import { cloudFront } from './cloudfront.js';
import { cloudTrail } from './cloudtrail.js';
import { elbClassic } from './elb-classic.js';
import { elb } from './elb.js';
import { redshift } from './redshift.js';
import { s3AccessPartitioned } from './s3-access-partitioned.js';
import { s3AccessSimple } from './s3-access-simple.js';
import type { Layout, LayoutId, ParsedKey } from './types.js';
import { vpcFlowHive } from './vpc-flow-hive.js';
import { vpcFlow } from './vpc-flow.js';
import { waf } from './waf.js';

export type { KeyField, Layout, LayoutId, ListChildren, ParsedKey, Series } from './types.js';

/** Partitioned before simple: a partitioned key's file name alone would also look simple. */
export const LAYOUTS: readonly Layout[] = [
  s3AccessPartitioned,
  s3AccessSimple,
  cloudTrail,
  elb,
  elbClassic,
  vpcFlow,
  vpcFlowHive,
  cloudFront,
  redshift,
  waf,
];

/** The layouts this tool knows, as a newcomer reads them in an error's fix. */
export const SUPPORTED_LAYOUTS =
  'S3 server access logs, CloudTrail, Elastic Load Balancing (ALB, NLB, Classic), VPC Flow Logs, ' +
  'CloudFront standard logs, Redshift audit logs and AWS WAF logs; --key-pattern for any other';

/** What `--layout` accepts: a layout id, or a family name covering its variants. */
export const LAYOUT_CHOICES: Readonly<Record<string, readonly LayoutId[]>> = {
  auto: [
    's3-access-partitioned',
    's3-access-simple',
    'cloudtrail',
    'elb',
    'elb-classic',
    'vpc-flow',
    'vpc-flow-hive',
    'cloudfront',
    'redshift',
    'waf',
  ],
  's3-access': ['s3-access-partitioned', 's3-access-simple'],
  's3-access-simple': ['s3-access-simple'],
  's3-access-partitioned': ['s3-access-partitioned'],
  cloudtrail: ['cloudtrail'],
  'load-balancer': ['elb', 'elb-classic'],
  elb: ['elb'],
  'elb-classic': ['elb-classic'],
  'vpc-flow-logs': ['vpc-flow', 'vpc-flow-hive'],
  'vpc-flow': ['vpc-flow'],
  'vpc-flow-hive': ['vpc-flow-hive'],
  cloudfront: ['cloudfront'],
  redshift: ['redshift'],
  waf: ['waf'],
};

/**
 * The `--key-pattern` layout of this run. It is built from a flag, not listed in LAYOUTS, so the job
 * sets it once (source/job/collapse-job.ts `layoutFromFlags`) and every `layoutById('key-pattern')` —
 * the engine, the faces — finds it. One process runs one job, so one slot is enough.
 */
let keyPatternInUse: Layout | undefined;

export function useKeyPatternLayout(layout: Layout): void {
  keyPatternInUse = layout;
}

export function layoutById(id: LayoutId): Layout {
  if (id === 'key-pattern' && keyPatternInUse) return keyPatternInUse;
  const layout = LAYOUTS.find((candidate) => candidate.id === id);
  if (!layout)
    throw new Error(
      id === 'key-pattern' ? 'no --key-pattern layout was set (useKeyPatternLayout)' : `unknown layout ${id}`,
    );
  return layout;
}

export function layoutsForChoice(choice: string): Layout[] {
  const ids = LAYOUT_CHOICES[choice];
  if (!ids) {
    throw new UserError(
      `--layout ${JSON.stringify(choice)} is not a layout this tool knows.`,
      `Use one of: ${Object.keys(LAYOUT_CHOICES).join(', ')}.`,
    );
  }
  return ids.map(layoutById);
}

/** The first layout whose original-log pattern fully matches the key. */
export function parseLogKey(
  key: string,
  layouts: readonly Layout[] = LAYOUTS,
): { layout: Layout; parsed: ParsedKey } | undefined {
  for (const layout of layouts) {
    const parsed = layout.parse(key);
    if (parsed) return { layout, parsed };
  }
  return undefined;
}
