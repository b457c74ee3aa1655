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

export function layoutById(id: LayoutId): Layout {
  const layout = LAYOUTS.find((candidate) => candidate.id === id);
  if (!layout) throw new Error(`unknown layout ${id}`);
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
