import type { Layout } from './types.js';

// TODO(issue 14): not implemented yet; matches no key.
export const elb: Layout = {
  id: 'elb',
  title: 'Elastic Load Balancing access logs (ALB, NLB)',
  writtenBy: '',
  extension: '',
  encoding: 'gzip',
  pickSeries: true,
  parse: () => undefined,
  listingPrefix: () => {
    throw new Error('elb: not implemented');
  },
  outputKey: () => {
    throw new Error('elb: not implemented');
  },
  discoverSeries: async () => [],
};
