import type { S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { listPeriodMembers } from '../../source/engine/plan.js';
import { layoutById } from '../../source/layouts/index.js';
import { periodOf } from '../../source/periods.js';

/**
 * A listing that names a key twice (a server or proxy answering a page again) must never become a
 * plan: the key would go into the output twice. The pages come from a stand-in client, the pure part
 * under test being what the planner makes of them.
 */
const layout = layoutById('s3-access-simple');
const series = { layout: 's3-access-simple' as const, root: 'logs/', base: 'logs/', label: 'logs/' };
const day = periodOf(new Date('2024-05-01T00:00:00Z'), 'day');
const object = (key: string) => ({
  Key: key,
  Size: 10,
  ETag: '"e"',
  LastModified: new Date('2024-05-02T00:00:00Z'),
});
const A = 'logs/2024-05-01-00-00-01-AAAAAAAAAAAAAAAA';
const B = 'logs/2024-05-01-00-00-02-BBBBBBBBBBBBBBBB';
const C = 'logs/2024-05-01-00-00-03-CCCCCCCCCCCCCCCC';

function pagesOf(pages: string[][]): S3Client {
  let next = 0;
  return {
    send: async () => {
      const page = pages[next]!;
      next += 1;
      return {
        Contents: page.map(object),
        IsTruncated: next < pages.length,
        NextContinuationToken: `t${next}`,
      };
    },
  } as unknown as S3Client;
}

const ctx = (s3: S3Client) => ({ s3, bucket: 'b', now: () => new Date('2024-06-01T00:00:00Z') });

describe('a period listing', () => {
  it('pages that follow each other give each key once', async () => {
    const listed = await listPeriodMembers(ctx(pagesOf([[A, B], [C]])), layout, series, day);
    expect(listed.members.map((member) => member.key)).toEqual([A, B, C]);
  });

  it('a page that repeats a key is refused, naming it', async () => {
    await expect(
      listPeriodMembers(
        ctx(
          pagesOf([
            [A, B],
            [B, C],
          ]),
        ),
        layout,
        series,
        day,
      ),
    ).rejects.toThrow(`named ${B} twice`);
  });
});
