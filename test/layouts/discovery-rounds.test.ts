import { describe, expect, it } from 'vitest';
import { cloudTrail } from '../../source/layouts/cloudtrail.js';
import { redshift } from '../../source/layouts/redshift.js';
import { s3AccessPartitioned } from '../../source/layouts/s3-access-partitioned.js';
import { waf } from '../../source/layouts/waf.js';
import { periodOf } from '../../source/periods.js';
import { roundTrips } from '../support/fake-listing.js';

// Series discovery walks folders level by level. Each level must be one round trip however many
// folders it holds: on S3 a listing is tens of milliseconds, and an organization trail has dozens of
// accounts. The rounds counted here are the listings a walk waited for one after another.

// Within WALK_CONCURRENCY (8) folders a level, so that each level fits in one round.
const accounts = ['111111111111', '222222222222', '333333333333'];
const regions = ['eu-west-1', 'us-east-1'];

describe('series discovery lists each level side by side', () => {
  it('CloudTrail: AWSLogs/, the organization folder, then every account’s regions at once', async () => {
    const keys = [
      ...accounts.flatMap((account) =>
        regions.map(
          (region) =>
            `AWSLogs/${account}/CloudTrail/${region}/2024/05/01/${account}_CloudTrail_${region}_20240501T0010Z_635B12A9BAAE9139.json.gz`,
        ),
      ),
      ...['555555555555', '666666666666'].map(
        (account) =>
          `AWSLogs/o-abcdefghij/${account}/CloudTrail/eu-west-1/2024/05/01/${account}_CloudTrail_eu-west-1_20240501T0010Z_635B12A9BAAE9139.json.gz`,
      ),
    ];
    const { result, rounds } = await roundTrips(keys, (list) => cloudTrail.discoverSeries('', list));
    expect(result).toHaveLength(accounts.length * regions.length + 2);
    expect(result.map((one) => one.label)).toContain('o-abcdefghij 666666666666 eu-west-1');
    expect(rounds).toBe(3);
  });

  it('WAF: accounts, then regions, then web ACLs, one round each', async () => {
    const keys = accounts.flatMap((account) =>
      regions.flatMap((region) =>
        ['site-acl', 'api-acl'].map(
          (acl) =>
            `AWSLogs/${account}/WAFLogs/${region}/${acl}/2024/05/01/13/50/${account}_waflogs_${region}_${acl}_20240501T1350Z_0a7915da.log.gz`,
        ),
      ),
    );
    const { result, rounds } = await roundTrips(keys, (list) => waf.discoverSeries('', list));
    expect(result).toHaveLength(accounts.length * regions.length * 2);
    expect(rounds).toBe(3);
  });

  it('partitioned S3 access logs: accounts, regions, buckets', async () => {
    const keys = accounts.flatMap((account) =>
      regions.flatMap((region) =>
        ['logs-a', 'logs-b'].map(
          (bucket) => `access/${account}/${region}/${bucket}/2024/05/01/2024-05-01-13-05-12-0A1B2C3D4E5F6A7B`,
        ),
      ),
    );
    const { result, rounds } = await roundTrips(keys, (list) =>
      s3AccessPartitioned.discoverSeries('access/', list),
    );
    expect(result).toHaveLength(accounts.length * regions.length * 2);
    expect(rounds).toBe(3);
  });

  it('Redshift: accounts, regions, then every day folder’s clusters and log types', async () => {
    const days = ['01', '02'];
    const keys = accounts
      .slice(0, 2)
      .flatMap((account) =>
        regions.flatMap((region) =>
          days.flatMap((dd) =>
            ['analytics', 'reporting'].map(
              (cluster) =>
                `AWSLogs/${account}/redshift/${region}/2024/05/${dd}/${account}_redshift_${region}_${cluster}_userlog_2024-05-${dd}T13:05.gz`,
            ),
          ),
        ),
      );
    const periods = days.map((dd) => periodOf(new Date(`2024-05-${dd}T12:00:00Z`), 'day'));
    const { result, rounds } = await roundTrips(keys, (list) => redshift.discoverSeries('', list, periods));
    expect(result).toHaveLength(2 * regions.length * 2);
    // AWSLogs/, the accounts' regions, each day folder's clusters, each cluster's log types.
    expect(rounds).toBe(4);
  });
});
