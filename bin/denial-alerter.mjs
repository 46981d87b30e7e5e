#!/usr/bin/env node
// The `denial-alerter` command: runs the CLI compiled to dist/cli/ (built by `npm ci`'s prepare step, and by
// `npm pack`), each command's modules loaded only when it runs. When the TypeScript sources are newer than that build
// (a developer's edit), or it is missing, it runs the sources through tsx instead, so the command never runs stale code.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const COMPILED = new URL('../dist/cli/main.js', import.meta.url);
const SOURCES = new URL('../lambdas/', import.meta.url);

function compiledIsCurrent() {
  if (process.env.DENIAL_ALERTER_FROM_SOURCE === '1' || !existsSync(COMPILED)) return false;
  const sources = fileURLToPath(SOURCES).replace(/\/$/, '');
  if (!existsSync(sources)) return true;
  return !newerSource(sources, statSync(COMPILED).mtimeMs);
}

/**
 * True when a TypeScript file below `directory` is newer than `built`. The generated index directories (~900 JSON
 * files, no TypeScript) are not walked: walking them took most of this check's ~25 ms.
 */
function newerSource(directory, built) {
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = `${directory}/${entry.name}`;
    if (entry.isDirectory()) {
      if (!entry.name.endsWith('.generated') && newerSource(path, built)) return true;
    } else if (entry.name.endsWith('.ts') && statSync(path).mtimeMs > built) return true;
  }
  return false;
}

const compiled = compiledIsCurrent();
// The build's source maps sit beside it, not enabled here: Node reads every module's map as it loads once they are,
// which cost ~40 ms of each start (and of each reader thread's). NODE_OPTIONS=--enable-source-maps maps stack traces
// back to lambdas/ when one is wanted.
if (!compiled) (await import('tsx/esm/api')).register();
// The AWS SDK warns on every run under Node 20 that future versions need Node 22: once is enough, in the README.
const emitWarning = process.emitWarning.bind(process);
process.emitWarning = (warning, ...rest) => {
  const text = typeof warning === 'string' ? warning : warning?.message ?? '';
  const type = typeof rest[0] === 'string' ? rest[0] : rest[0]?.type;
  if (type === 'NodeVersionSupportWarning' || text.includes('NodeVersionSupportWarning') || text.includes('will require node >=22')) return;
  emitWarning(warning, ...rest);
};
// A closed pipe (`denial-alerter explain … | head`) ends the output quietly.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});
const { main } = compiled ? await import(COMPILED.href) : await import('../lambdas/cli/main.ts');
const status = await main(process.argv.slice(2), { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr });
process.exitCode = status;
