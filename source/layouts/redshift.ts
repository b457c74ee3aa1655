import type { Layout } from './types.js';

// TODO(issue 14): not implemented yet; matches no key.
export const redshift: Layout = {
  id: 'redshift',
  title: 'Redshift audit logs',
  writtenBy: '',
  extension: '',
  encoding: 'gzip',
  pickSeries: true,
  parse: () => undefined,
  listingPrefix: () => {
    throw new Error('redshift: not implemented');
  },
  outputKey: () => {
    throw new Error('redshift: not implemented');
  },
  discoverSeries: async () => [],
};
