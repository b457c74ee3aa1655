// Bundles the compiled CLI (dist/, from tsc) into dist/bin/: the entry and a few chunks instead of
// hundreds of modules. Node loads the AWS SDK's many small CommonJS files one by one, and a run
// reached its first request 294 ms after start; bundled, 222 ms (medians of 7, the bench machine).
// The faces stay chunks of their own, imported only when shown, so a --json run loads no UI code.
import { chmod, rm, writeFile } from 'node:fs/promises';
import { build } from 'esbuild';

const ROOT = new URL('..', import.meta.url);

// Chunk names carry a hash of their content: without this, every build's chunks would pile up.
await rm(new URL('dist/bin', ROOT), { recursive: true, force: true });

await build({
  absWorkingDir: ROOT.pathname,
  entryPoints: { main: 'dist/cli.js' },
  outdir: 'dist/bin',
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // s3rver runs in its own process from dist/demo/; yoga-layout loads its WebAssembly itself;
  // react-devtools-core is an optional import of Ink's that is never installed.
  external: ['@20minutes/s3rver', 'yoga-layout', 'react-devtools-core'],
  // The SDK's CommonJS modules require Node's built-ins; an ES module has no `require` of its own.
  banner: {
    js: "import { createRequire as s3collapseRequire } from 'node:module';\nconst require = s3collapseRequire(import.meta.url);",
  },
  legalComments: 'none',
  logLevel: 'warning',
});

// The command is a launcher. It turns on Node's compile cache (Node 22.1 and later; a no-op before)
// before it imports the bundle: static imports would be compiled before any line of the bundle ran.
// With the cache, V8 reuses the bundle's compiled code from the second run on: on Node 22 a run
// reached its first request in 0.88× the time.
// NODE_DISABLE_COMPILE_CACHE=1 turns it off; Node keys the cache by file content and its own version.
// It also answers a lone --version or --help itself, with the text the CLI prints, taken from the
// same modules at build time: loading the bundle for them costs more than Node's own start-up (the
// option schema's zod alone is 0.7 MB of code).
const { HELP } = await import(new URL('dist/options/help.js', ROOT).href);
const { VERSION } = await import(new URL('dist/version.js', ROOT).href);
const version = JSON.stringify(`${VERSION}\n`);
const help = JSON.stringify(`${HELP}\n`);
const LAUNCHER = `#!/usr/bin/env node
import module from 'node:module';
module.enableCompileCache?.();
const fixed = new Map([['--version', ${version}], ['-v', ${version}], ['--help', ${help}], ['-h', ${help}]]);
const args = process.argv.slice(2);
if (args.length === 1 && fixed.has(args[0])) process.stdout.write(fixed.get(args[0]));
else await import('./main.js');
`;
const launcher = new URL('dist/bin/cli.js', ROOT);
await writeFile(launcher, LAUNCHER);
await chmod(launcher, 0o755);
