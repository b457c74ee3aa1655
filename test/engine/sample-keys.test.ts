import { describe, expect, it } from 'vitest';
import { sampleKeys, type BucketSampler } from '../../source/engine/detect-bucket.js';
import { countRounds, samplerOver } from '../support/fake-listing.js';

// Detection's sample is a handful of listings, each a round trip. An `AWSLogs/` folder the top level
// already shows is walked (accounts, then their services) beside the first pages of the top-level
// folders, so a bucket of AWS logs is sampled in 4 rounds, not 5.

const trail = (account: string, region: string): string =>
  `AWSLogs/${account}/CloudTrail/${region}/2024/05/01/${account}_CloudTrail_${region}_20240501T0010Z_635B12A9BAAE9139.json.gz`;

const keys = [
  trail('111122223333', 'eu-west-1'),
  trail('444455556666', 'us-east-1'),
  'AWSLogs/111122223333/elasticloadbalancing/eu-west-1/2024/05/01/111122223333_elasticloadbalancing_eu-west-1_app.web.50dc6c495c0c9188_20240501T1305Z_10.0.0.1_2kr0hyf4.log.gz',
  'logs/2024-05-01-13-05-12-0A1B2C3D4E5F6A7B',
  'team/AWSLogs/777788889999/CloudTrail/eu-west-1/2024/05/01/777788889999_CloudTrail_eu-west-1_20240501T0010Z_635B12A9BAAE9139.json.gz',
];

function heldSampler(
  sampler: BucketSampler,
  hold: Parameters<Parameters<typeof countRounds>[0]>[0],
): BucketSampler {
  return { page: hold(sampler.page), children: hold(sampler.children) };
}

describe('sampleKeys', () => {
  it('walks a top-level AWSLogs/ beside the top-level folders’ first pages', async () => {
    const onlyTop = keys.filter((key) => !key.startsWith('team/'));
    const { result, rounds } = await countRounds((hold) =>
      sampleKeys(heldSampler(samplerOver(onlyTop), hold), ''),
    );
    // The top level; the folders' pages and AWSLogs/'s accounts; each account's services; a page of each.
    expect(rounds).toBe(4);
    expect(new Set(result)).toEqual(new Set(onlyTop));
  });

  it('still samples an AWSLogs/ one folder down, found by its probe', async () => {
    const { result, rounds } = await countRounds((hold) =>
      sampleKeys(heldSampler(samplerOver(keys), hold), ''),
    );
    expect(result).toContain(keys.at(-1));
    expect(new Set(result)).toEqual(new Set(keys));
    expect(rounds).toBe(5);
  });

  it('does not probe for AWSLogs/ inside a folder that is AWSLogs/ itself', async () => {
    const asked: string[] = [];
    const result = await sampleKeys(samplerOver(keys, asked), '');
    expect(new Set(result)).toEqual(new Set(keys));
    // team/ may hold an AWSLogs/ and is probed; AWSLogs/ holds accounts, walked already.
    expect(asked).toContain('/ team/AWSLogs/');
    expect(asked.filter((page) => page.includes('AWSLogs/AWSLogs/'))).toEqual([]);
  });
});
