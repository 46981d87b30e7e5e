#!/usr/bin/env node
// The `denial-alerter` command: runs the TypeScript CLI through tsx, so that `npm ci` is the only build step.
import { register } from 'tsx/esm/api';

register();
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
const { main } = await import('../lambdas/cli/main.ts');
const status = await main(process.argv.slice(2), { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr });
process.exitCode = status;
