import type { Layout } from './types.js';

// TODO(issue 14): not implemented yet; matches no key.
export const elbClassic: Layout = {
  id: 'elb-classic',
  title: 'Classic Load Balancer access logs',
  writtenBy: '',
  extension: '',
  encoding: 'plain',
  pickSeries: true,
  parse: () => undefined,
  listingPrefix: () => {
    throw new Error('elb-classic: not implemented');
  },
  outputKey: () => {
    throw new Error('elb-classic: not implemented');
  },
  discoverSeries: async () => [],
};
