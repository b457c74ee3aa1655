import type { Layout } from './types.js';

// TODO(issue 14): not implemented yet; matches no key.
export const vpcFlow: Layout = {
  id: 'vpc-flow',
  title: 'VPC Flow Logs',
  writtenBy: '',
  extension: '',
  encoding: 'gzip',
  pickSeries: true,
  parse: () => undefined,
  listingPrefix: () => {
    throw new Error('vpc-flow: not implemented');
  },
  outputKey: () => {
    throw new Error('vpc-flow: not implemented');
  },
  discoverSeries: async () => [],
};
