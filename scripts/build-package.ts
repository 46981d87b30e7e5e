/**
 * Builds what the published package needs (`npm pack` runs it as `prepack`): the construct library compiled to
 * `dist/lib` (JavaScript and declarations, from `lib/index.ts` and the pure modules it imports), and the Lambda handler
 * bundled once into `dist/handler/index.mjs` with the same esbuild options `NodejsFunction` uses, so that an app that
 * installs the package synthesizes with neither TypeScript sources, nor esbuild, nor Docker.
 */
import { build } from 'esbuild';
import { execFileSync, execSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { afterBundlingCommands, handlerBuildOptions } from '../lib/constructs/handler-bundling.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);

rmSync(`${ROOT}dist`, { recursive: true, force: true });
execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', `${ROOT}tsconfig.build.json`], { cwd: ROOT, stdio: ['ignore', process.stderr, process.stderr] });
// Data files the compiled modules read at run time (the IAM indexes, directories `….generated/`), next to them as in
// the sources.
for (const file of readdirSync(`${ROOT}lambdas`, { recursive: true, encoding: 'utf8' }).filter((path) => path.endsWith('.json'))) {
  const directory = dirname(file);
  if (directory.endsWith('.generated') && existsSync(`${ROOT}dist/lambdas/${dirname(directory)}`)) mkdirSync(`${ROOT}dist/lambdas/${directory}`, { recursive: true });
  if (existsSync(`${ROOT}dist/lambdas/${directory}`)) copyFileSync(`${ROOT}lambdas/${file}`, `${ROOT}dist/lambdas/${file}`);
}
await build(handlerBuildOptions(`${ROOT}lambdas/handler.ts`, `${ROOT}dist/handler/index.mjs`));
// The same completion as NodejsFunction's after-bundling hook: lazy modules and data files beside index.mjs.
for (const command of afterBundlingCommands(ROOT.replace(/\/$/, ''), `${ROOT}dist/handler`)) execSync(command, { cwd: ROOT, stdio: ['ignore', process.stderr, process.stderr] });
// The command line, compiled (dist/ was emptied above).
execFileSync(process.execPath, [`${ROOT}scripts/build-cli.mjs`], { cwd: ROOT, stdio: ['ignore', process.stderr, process.stderr] });
// stderr: `npm pack --json` owns stdout.
console.error(`dist/lib and dist/handler/index.mjs (${Math.round(statSync(`${ROOT}dist/handler/index.mjs`).size / 1024)} KiB) built`);
