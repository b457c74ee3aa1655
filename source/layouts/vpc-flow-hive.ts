import type { Layout } from './types.js';

// TODO(issue 14): not implemented yet; matches no key.
export const vpcFlowHive: Layout = {
  id: 'vpc-flow-hive',
  title: 'VPC Flow Logs, Hive-compatible folders',
  writtenBy: '',
  extension: '',
  encoding: 'gzip',
  pickSeries: true,
  parse: () => undefined,
  listingPrefix: () => {
    throw new Error('vpc-flow-hive: not implemented');
  },
  outputKey: () => {
    throw new Error('vpc-flow-hive: not implemented');
  },
  discoverSeries: async () => [],
};
