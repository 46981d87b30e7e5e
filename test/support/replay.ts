/**
 * Running a command in-process the way the CLI would (empty stdin, captured stdout and stderr), for the tests of
 * `replay`, `history` and the other commands.
 */
import { PassThrough, Readable } from 'node:stream';
import type { CliIo } from '../../lambdas/cli/command-kit.js';
import { runReplay } from '../../lambdas/cli/main.js';

/** Two streams for a command's stdout and stderr, with the text written to each so far. */
export function captureStreams() {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: string[] = [];
  const err: string[] = [];
  stdout.on('data', (chunk) => out.push(String(chunk)));
  stderr.on('data', (chunk) => err.push(String(chunk)));
  return { stdout, stderr, out: () => out.join(''), err: () => err.join('') };
}

/** A command run from its arguments and streams, such as `runReplay` or `runHistory`; resolves to its exit status. */
export type InProcessCommand = (args: string[], io: CliIo) => Promise<number>;

/** What a command left: its exit status and everything it printed. */
export interface CapturedRun {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs `command` with an empty stdin and `env`, capturing what it prints. */
export async function runCaptured(command: InProcessCommand, args: string[], env: NodeJS.ProcessEnv = {}): Promise<CapturedRun> {
  const io = captureStreams();
  const status = await command(args, { stdin: Readable.from([]), stdout: io.stdout, stderr: io.stderr, env });
  return { status, stdout: io.out(), stderr: io.err() };
}

/** Runs `replay` in-process (see {@link runCaptured}). */
export const replayCaptured = (args: string[], env: NodeJS.ProcessEnv = {}): Promise<CapturedRun> => runCaptured(runReplay, args, env);

/** The JSON objects of `--json` output, one per non-empty line. */
export const jsonLines = (text: string): Array<Record<string, unknown>> =>
  text
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
