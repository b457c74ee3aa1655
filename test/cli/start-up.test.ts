import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { CLI } from '../support/run-cli.js';

const run = promisify(execFile);

/**
 * A module hook that writes every file URL Node loads to stderr: what a process really loaded, not
 * what its code says it imports. Ink loads `yoga-layout` (left out of the bundle) the moment it loads.
 */
function loadLogger(): string {
  const dir = mkdtempSync(join(tmpdir(), 's3collapse-loads-'));
  const hooks = join(dir, 'hooks.mjs');
  writeFileSync(
    hooks,
    'export async function load(url, context, next) { process.stderr.write(`LOADED ${url}\\n`); return next(url, context); }\n',
  );
  const register = join(dir, 'register.mjs');
  writeFileSync(
    register,
    `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`,
  );
  return register;
}

async function loadedBy(args: readonly string[]): Promise<string[]> {
  const { stderr } = await run(process.execPath, ['--import', loadLogger(), ...args], {
    env: { PATH: process.env.PATH, AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'y' },
  }).catch((failed: { stderr: string }) => failed);
  return stderr.split('\n').flatMap((line) => (line.startsWith('LOADED ') ? [line.slice(7)] : []));
}

const isUi = (url: string): boolean =>
  /node_modules\/(yoga-layout|ink|react|@inquirer|cli-progress)\//.test(url);

describe('start-up of the built CLI', () => {
  it('a --json run loads no UI code', async () => {
    // A server that denies everything: the run stops at its first request, having loaded all it needs.
    const denying = createServer((_, response) => {
      response.writeHead(403, { 'content-type': 'application/xml' });
      response.end('<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>');
    });
    await new Promise<void>((resolve) => denying.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = denying.address() as AddressInfo;
      const loaded = await loadedBy([
        CLI,
        ...['--endpoint', `http://127.0.0.1:${port}`, '--bucket', 'my-bucket', '--json', '--yes'],
      ]);
      expect(loaded.some((url) => url.includes('/dist/bin/'))).toBe(true);
      expect(loaded.filter(isUi)).toEqual([]);
    } finally {
      denying.close();
    }
  });

  it("keeps V8's compiled code for the next run where Node can (22.1 and later), and runs as well where it cannot", async () => {
    const tmp = mkdtempSync(join(tmpdir(), 's3collapse-tmp-'));
    // An unknown flag: the bundle is loaded (and compiled) to say so.
    const failed = await run(process.execPath, [CLI, '--no-such-flag'], {
      env: { PATH: process.env.PATH, TMPDIR: tmp },
    }).catch((error: { code: number; stderr: string }) => error);
    expect(failed).toMatchObject({ code: 2, stderr: expect.stringMatching(/no-such-flag/) });
    const [major, minor] = process.versions.node.split('.').map(Number) as [number, number];
    const cache = join(tmp, 'node-compile-cache');
    if (major > 22 || (major === 22 && minor >= 1)) {
      expect(readdirSync(cache, { recursive: true }).length).toBeGreaterThan(0);
    } else {
      expect(existsSync(cache)).toBe(false);
    }
  });

  it('a lone --version or --help prints what the CLI prints, without loading the bundle', async () => {
    const main = join(CLI, '..', 'main.js');
    for (const flag of ['--version', '-v', '--help', '-h']) {
      const fast = await run(process.execPath, [CLI, flag]);
      const parsed = await run(process.execPath, [main, flag]);
      expect(fast.stdout).toBe(parsed.stdout);
      expect(fast.stdout.length).toBeGreaterThan(4);
      const loaded = await loadedBy([CLI, flag]);
      expect(loaded.some((url) => url.endsWith('/dist/bin/cli.js'))).toBe(true);
      expect(loaded.filter((url) => url.includes('/dist/bin/') && !url.endsWith('/cli.js'))).toEqual([]);
    }
    // With anything more, the CLI's own parser answers.
    expect((await loadedBy([CLI, '--version', '--json'])).some((url) => url.endsWith('/main.js'))).toBe(true);
  });

  it('the guided app, loaded, does load Ink (so the check above can fail)', async () => {
    const chunks = join(CLI, '..', 'chunks');
    const app = readdirSync(chunks).find((name) => name.startsWith('run-app-'));
    expect(app).toBeDefined();
    const loaded = await loadedBy([
      '--input-type=module',
      '-e',
      `await import(${JSON.stringify(pathToFileURL(join(chunks, app!)).href)})`,
    ]);
    expect(loaded.filter(isUi).length).toBeGreaterThan(0);
  });
});
