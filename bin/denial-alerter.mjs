#!/usr/bin/env node
// The `denial-alerter` command: runs the TypeScript CLI through tsx, so that `npm ci` is the only build step.
import { register } from 'tsx/esm/api';

register();
// A closed pipe (`denial-alerter explain … | head`) ends the output quietly.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});
const { main } = await import('../lambdas/cli/main.ts');
const status = await main(process.argv.slice(2), { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr });
process.exitCode = status;
