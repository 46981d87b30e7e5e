// Builds the `denial-alerter` command into dist/cli/ (npm's `prepare`, so `npm ci` builds it): one ES module per
// command and per shared part (esbuild code splitting), loaded only when its command runs; dependencies stay in
// node_modules; source maps beside them (NODE_OPTIONS=--enable-source-maps maps stack traces back to lambdas/; not
// enabled by default: reading every module's map cost ~40 ms of each start).
// Plain JavaScript, so that it runs before anything else is built.
import { build } from 'esbuild';
import { cpSync, readdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT = `${ROOT}dist/cli`;
rmSync(OUT, { recursive: true, force: true });
await build({
  // The command, and the entry point of its reader threads (lambdas/parallel/staged-read.ts starts it beside itself).
  entryPoints: { main: `${ROOT}lambdas/cli/main.ts`, 'read-worker': `${ROOT}lambdas/read-worker.ts` },
  outdir: OUT,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
});
// The generated IAM indexes (directories of one JSON file per service prefix) are read beside the module that reads
// them (new URL('./…generated/', import.meta.url)).
for (const directory of readdirSync(`${ROOT}lambdas/core`, { recursive: true, encoding: 'utf8' }).filter((path) => path.endsWith('.generated'))) {
  cpSync(`${ROOT}lambdas/core/${directory}`, `${OUT}/${directory.split('/').at(-1)}`, { recursive: true });
}
