// range-1of30: the tool's listing must follow the range, not the bucket. A bucket holds 30 days of
// small access logs; the tool collapses one of them, and the proxy counts its ListObjectsV2 requests.
import type { S3Client } from '@aws-sdk/client-s3';
import { startFaultProxy } from '../test/support/fault-proxy.js';
import { CONTENDERS_BY_ID } from './contenders.js';
import { countRequests, runMeasured } from './measure.js';
import type { RangeCheck } from './results.js';
import { seedTemplate } from './seed.js';
import { expectedOutputs, verifyRun } from './verify.js';
import { thirtyDays } from './workloads.js';

const PER_DAY = 300;
const BUCKET = 'range-1of30';

export async function rangeCheck(
  serverEndpoint: string,
  direct: S3Client,
  scratch: string,
): Promise<RangeCheck> {
  const { workload: month, collapsed } = thirtyDays(PER_DAY);
  await seedTemplate(direct, BUCKET, month.objects, 16, () => undefined);
  const workload = {
    ...month,
    from: collapsed,
    to: collapsed,
    groups: month.groups.filter((group) => group.outputKey === `logs/${collapsed}_collapsed`),
  };
  const proxy = await startFaultProxy(serverEndpoint, () => ({ kind: 'pass' }), { latencyMs: 0 });
  const tool = CONTENDERS_BY_ID.tool;
  try {
    const launch = await tool.launch({ endpoint: proxy.endpoint, bucket: BUCKET, workload, scratch });
    const figures = await runMeasured(launch.command, launch.args, launch.env);
    const requests = countRequests(proxy.seen);
    const problem = tool.problem(figures, workload);
    const problems = [
      ...(problem ? [problem] : []),
      ...(await verifyRun(direct, BUCKET, workload, expectedOutputs(workload), true)),
    ];
    return {
      objects: month.objects.length,
      days: month.groups.length,
      collapsedDay: collapsed,
      listRequests: (requests.ListObjectsV2 ?? 0) + (requests.ListObjects ?? 0),
      wholeBucketPages: Math.ceil(month.objects.length / 1000),
      requests,
      problems,
    };
  } finally {
    await proxy.close();
  }
}
