import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { packageRoot } from '../package-root.js';

/** Credentials the local server checks signatures against. */
export const LOCAL_S3_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

export interface LocalS3Server {
  readonly endpoint: string;
  readonly directory: string;
  stop(): Promise<void>;
}

export interface LocalS3Options {
  /** Where objects live; a fresh temp dir (removed on stop) when not given. */
  readonly directory?: string;
  readonly port?: number;
}

function childEntry(): { script: string; execArgv: string[] } {
  // Under the tests this module is TypeScript run by vitest; the child then needs tsx to load. Built,
  // the child is tsc's own output in dist/demo/, wherever in the bundle this module ended up.
  const typescript = fileURLToPath(import.meta.url).endsWith('.ts');
  const script = typescript
    ? join(packageRoot(), 'source', 'demo', 's3-server-child.ts')
    : join(packageRoot(), 'dist', 'demo', 's3-server-child.js');
  const execArgv = ['--openssl-legacy-provider', ...(typescript ? ['--import', 'tsx'] : [])];
  return { script, execArgv };
}

/** Starts s3rver on 127.0.0.1 and a free port, in a child Node process (see s3-server-child.ts). */
export async function startLocalS3(options: LocalS3Options = {}): Promise<LocalS3Server> {
  const ownDirectory = options.directory === undefined;
  const directory = options.directory ?? (await mkdtemp(join(tmpdir(), 's3collapse-s3-')));
  const { script, execArgv } = childEntry();
  const config = JSON.stringify({ directory, port: options.port ?? 0, allowMismatchedSignatures: true });
  const child = spawn(process.execPath, [...execArgv, script, config], {
    stdio: ['pipe', 'pipe', 'pipe'],
    // Its own process group: Ctrl-C in the terminal must reach the tool (which stops safely and still
    // needs the server to abort uploads), not kill the server under it. It exits when our stdin closes.
    detached: true,
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  const port = await readPort(child);
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.stdin?.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    }
    if (ownDirectory) await rm(directory, { recursive: true, force: true });
  };
  return { endpoint: `http://127.0.0.1:${port}`, directory, stop };
}

function readPort(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => {
      const { port } = JSON.parse(line) as { port: number };
      resolve(port);
    });
    child.once('exit', (code) =>
      reject(new Error(`local S3 server exited (${code}) before listening: ${stderr.trim()}`)),
    );
    child.once('error', reject);
  });
}
