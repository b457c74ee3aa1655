// Hosts the local S3 server in its own Node process. Two reasons it is a child, not in-process:
// s3rver's ListObjectsV2 continuation token uses DES, which OpenSSL 3 only offers with
// --openssl-legacy-provider (without it, any listing past 1,000 keys answers 500); and a blocking
// call in the host process would freeze the server.
import { readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { posix } from 'node:path';
import type { S3rverApp } from './s3rver-internals.js';

interface ServerOptions {
  directory: string;
  port: number;
  allowMismatchedSignatures: boolean;
}

interface S3rverInstance extends S3rverApp {
  run(): Promise<{ port: number }>;
  close(): Promise<void>;
}

const require = createRequire(import.meta.url);

const OBJECT_FILE = '._S3rver_object';

/**
 * A folder's entries with whether each is a folder, skipping those gone since readdir: keys are
 * deleted and temporary files renamed while a listing walks (s3-atomic-store.ts).
 */
function entries(dir: string): Array<{ path: string; isDirectory: boolean }> {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    const path = posix.join(dir, name);
    const stats = statSync(path, { throwIfNoEntry: false });
    return stats ? [{ path, isDirectory: stats.isDirectory() }] : [];
  });
}

function firstObjectFile(dir: string): string | undefined {
  for (const { path, isDirectory } of entries(dir).sort((a, b) => (a.path < b.path ? -1 : 1))) {
    if (isDirectory) {
      const found = firstObjectFile(path);
      if (found) return found;
    } else if (path.endsWith(OBJECT_FILE)) {
      return path;
    }
  }
  return undefined;
}

/**
 * s3rver stores `a/b/c` as nested folders and, listing with a delimiter, never descends below the
 * first delimiter — so `a/` is reported as a common prefix only when a key sits directly in it, and
 * `AWSLogs/` (whose keys are all deeper) is missed. Real S3 reports it. Its folder walk is patched to
 * yield one object from each folder it would skip: enough to register the common prefix; the listing
 * still filters every key by prefix and StartAfter itself. Must run before s3rver loads its store.
 */
function fixDelimiterListing(): void {
  const utils = require('@20minutes/s3rver/lib/utils.js') as {
    walk: (dir: string, keep?: (dir: string) => boolean) => Generator<string>;
  };
  utils.walk = function* walk(dir: string, keep?: (dir: string) => boolean): Generator<string> {
    for (const { path, isDirectory } of entries(dir)) {
      if (!isDirectory) yield path;
      else if (!keep || keep(path)) yield* walk(path, keep);
      else {
        const first = firstObjectFile(path);
        if (first) yield first;
      }
    }
  };
}

fixDelimiterListing();
const S3rver = require('@20minutes/s3rver') as new (options: Record<string, unknown>) => S3rverInstance;
// Imported only now: it loads s3rver's store, which must see the patched walk above.
const { teachS3Semantics } = await import('./s3-semantics.js');

const options = JSON.parse(process.argv[2] ?? '{}') as ServerOptions;
const server = new S3rver({
  address: '127.0.0.1',
  port: options.port,
  directory: options.directory,
  silent: true,
  allowMismatchedSignatures: options.allowMismatchedSignatures,
  vhostBuckets: false,
});
teachS3Semantics(server);
const address = await server.run();
process.stdout.write(`${JSON.stringify({ port: address.port })}\n`);
// The parent holds our stdin: when it exits, however it exits, we follow.
process.stdin.resume();
process.stdin.on('end', () => {
  void server.close().finally(() => process.exit(0));
});
