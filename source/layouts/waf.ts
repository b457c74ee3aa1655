import type { Layout } from './types.js';

// TODO(issue 14): not implemented yet; matches no key.
export const waf: Layout = {
  id: 'waf',
  title: 'AWS WAF logs',
  writtenBy: '',
  extension: '',
  encoding: 'gzip',
  pickSeries: true,
  parse: () => undefined,
  listingPrefix: () => {
    throw new Error('waf: not implemented');
  },
  outputKey: () => {
    throw new Error('waf: not implemented');
  },
  discoverSeries: async () => [],
};
