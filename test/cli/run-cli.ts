import { PassThrough, Readable } from 'node:stream';
import { main } from '../../lambdas/cli/main.js';

/** A stream that says it is a terminal of the given width (for tables, colour and the human forms). */
export function fakeTerminal(columns = 80): PassThrough & { isTTY: boolean; columns: number } {
  return Object.assign(new PassThrough(), { isTTY: true, columns });
}

/** Runs the CLI in this process; returns status and output. `stdout` may be a fake terminal. */
export async function runCli(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; stdin?: string; stdout?: PassThrough } = {},
): Promise<{ status: number; stdout: string; stderr: string; lines: () => any[] }> {
  const stdout = options.stdout ?? new PassThrough();
  const stderr = new PassThrough();
  const out: string[] = [];
  const err: string[] = [];
  stdout.on('data', (chunk) => out.push(String(chunk)));
  stderr.on('data', (chunk) => err.push(String(chunk)));
  const status = await main(args, { stdin: Readable.from(options.stdin ? [options.stdin] : []), stdout, stderr, env: options.env ?? {} });
  const text = out.join('');
  return { status, stdout: text, stderr: err.join(''), lines: () => text.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line)) };
}
