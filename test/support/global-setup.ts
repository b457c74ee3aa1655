import type { TestProject } from 'vitest/node';
import { startLocalS3 } from '../../source/demo/s3-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    s3Endpoint: string;
  }
}

/** One real S3-compatible server for the whole run, over HTTP on 127.0.0.1. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startLocalS3();
  project.provide('s3Endpoint', server.endpoint);
  return () => server.stop();
}
