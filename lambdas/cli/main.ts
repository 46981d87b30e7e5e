/**
 * The `denial-alerter` command line: dispatches to `explain`, `replay` and `history`.
 */
import { runExplain } from './explain.js';

export const MAIN_HELP = `Usage: denial-alerter <command> [options]

Commands:
  explain [FILE|DIR ...]   classify CloudTrail records: who was denied what, and which policy layer said no
  replay PATH ...          run the whole pipeline (spike detection, DynamoDB, alerts) over CloudTrail files
  history                  query the stored denials by principal, action, fingerprint or time

Run "denial-alerter <command> --help" for a command's options.`;

type Io = { stdin: NodeJS.ReadableStream & import('node:stream').Readable; stdout: import('node:stream').Writable; stderr: import('node:stream').Writable };

const COMMANDS: Record<string, (argv: string[], io: Io) => Promise<number>> = {
  explain: runExplain,
  replay: async (argv, io) => (await import('./replay.js')).runReplay(argv, io),
  history: async (argv, io) => (await import('./history.js')).runHistory(argv, io),
};

/** Runs the CLI with the given arguments; returns the exit status. */
export async function main(argv: string[], io: Io): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '-h' || command === '--help' || command === 'help') {
    io.stdout.write(`${MAIN_HELP}\n`);
    return command ? 0 : 2;
  }
  const run = COMMANDS[command];
  if (!run) {
    io.stderr.write(`denial-alerter: unknown command "${command}"\n\n${MAIN_HELP}\n`);
    return 2;
  }
  try {
    return await run(rest, io);
  } catch (error) {
    const err = error as Error & { code?: string };
    if (err.code?.startsWith('ERR_PARSE_ARGS')) {
      io.stderr.write(`denial-alerter ${command}: ${err.message}\nRun "denial-alerter ${command} --help" for usage.\n`);
      return 2;
    }
    io.stderr.write(`denial-alerter ${command}: ${err.message}\n`);
    return 1;
  }
}
