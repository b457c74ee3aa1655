import type { Layout } from './types.js';

// TODO(issue 14): not implemented yet; matches no key.
export const cloudFront: Layout = {
  id: 'cloudfront',
  title: 'CloudFront standard logs',
  writtenBy: '',
  extension: '',
  encoding: 'gzip',
  pickSeries: true,
  parse: () => undefined,
  listingPrefix: () => {
    throw new Error('cloudfront: not implemented');
  },
  outputKey: () => {
    throw new Error('cloudfront: not implemented');
  },
  discoverSeries: async () => [],
};
