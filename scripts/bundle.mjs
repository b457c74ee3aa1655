// Bundles the compiled CLI (dist/, from tsc) into dist/bin/: the entry and a few chunks instead of
// hundreds of modules. Node loads the AWS SDK's many small CommonJS files one by one, and a run
// reached its first request 294 ms after start; bundled, 222 ms (medians of 7, the bench machine).
// The faces stay chunks of their own, imported only when shown, so a --json run loads no UI code.
import { chmod } from 'node:fs/promises';
import { build } from 'esbuild';

const ROOT = new URL('..', import.meta.url);

await build({
  absWorkingDir: ROOT.pathname,
  entryPoints: { cli: 'dist/cli.js' },
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
await chmod(new URL('dist/bin/cli.js', ROOT), 0o755);
