// Hosts the local S3 server in its own Node process. Two reasons it is a child, not in-process:
// s3rver's ListObjectsV2 continuation token uses DES, which OpenSSL 3 only offers with
// --openssl-legacy-provider (without it, any listing past 1,000 keys answers 500); and a blocking
// call in the host process would freeze the server.
import { createRequire } from 'node:module';

interface ServerOptions {
  directory: string;
  port: number;
  allowMismatchedSignatures: boolean;
}

interface S3rverInstance {
  run(): Promise<{ port: number }>;
  close(): Promise<void>;
}

const require = createRequire(import.meta.url);
const S3rver = require('@20minutes/s3rver') as new (options: Record<string, unknown>) => S3rverInstance;

const options = JSON.parse(process.argv[2] ?? '{}') as ServerOptions;
const server = new S3rver({
  address: '127.0.0.1',
  port: options.port,
  directory: options.directory,
  silent: true,
  allowMismatchedSignatures: options.allowMismatchedSignatures,
  vhostBuckets: false,
});
const address = await server.run();
process.stdout.write(`${JSON.stringify({ port: address.port })}\n`);
// The parent holds our stdin: when it exits, however it exits, we follow.
process.stdin.resume();
process.stdin.on('end', () => {
  void server.close().finally(() => process.exit(0));
});
