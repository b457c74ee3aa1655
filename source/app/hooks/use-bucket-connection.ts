import type { ConnectionOptions } from '../../aws/s3-client.js';
import { connect, type Connected } from '../../job/connect.js';
import { useTask, type Task } from './use-task.js';

/** Opens the chosen bucket (region, access) once per bucket; the client is destroyed when it changes. */
export function useBucketConnection(
  connection: ConnectionOptions,
  bucket: string | undefined,
  now: () => Date,
): Task<Connected> | undefined {
  const task = useTask(
    () => (bucket === undefined ? undefined : connect(connection, bucket, now)),
    [connection, bucket],
    (connected) => connected.ctx.s3.destroy(),
  );
  return bucket === undefined ? undefined : task;
}
