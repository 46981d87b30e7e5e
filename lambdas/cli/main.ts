/**
 * The `denial-alerter` command line on commander: `explain`, `replay`, `history` and `athena`.
 * Usage errors (unknown flag, with a suggestion; bad value; missing file) exit 2 before anything expensive starts.
 */
import { Command, CommanderError } from 'commander';
import { readFileSync } from 'node:fs';
import { UsageError, type CliContext, type CliIo } from './command-kit.js';
import picocolors from 'picocolors';
import { colourEnabled, styleFor } from '../terminal/style.js';

export type { CliIo };

const ALWAYS = picocolors.createColors(true);
const PACKAGE_VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/**
 * The commands: each module is imported only when its command runs (or its help is asked for), so that `explain`
 * and `--version` never load the AWS SDK or the notifier.
 */
const COMMANDS = {
  explain: { summary: 'classify CloudTrail records: who was denied what, and which policy layer said no', load: async () => (await import('./explain.js')).registerExplainCommand },
  replay: { summary: 'run the whole pipeline (spike detection, DynamoDB, alerts) over CloudTrail files', load: async () => (await import('./replay-command.js')).registerReplayCommand },
  history: { summary: 'query the stored denials by principal, action, fingerprint or time', load: async () => (await import('./history.js')).registerHistoryCommand },
  athena: {
    summary: "back-test an organization's CloudTrail on Amazon Athena, then replay what it extracts",
    load: async () => {
      const { registerAthenaCommand } = await import('./athena.js');
      return (program: Command, context: CliContext) => registerAthenaCommand(program, context, { replay: runReplay });
    },
  },
  slack: { summary: 'Slack app mode: print the app manifest, check the bot token and channel', load: async () => (await import('./slack.js')).registerSlackCommand },
  preflight: { summary: 'check the target account and Region before cdk deploy (trail, quotas, bootstrap, organization, secrets)', load: async () => (await import('./preflight.js')).registerPreflightCommand },
  status: { summary: 'the last canary per account and Region (blind ones first) and the last blinding change seen', load: async () => (await import('./status.js')).registerStatusCommand },
} as const satisfies Record<string, { summary: string; load: () => Promise<(program: Command, context: CliContext) => Command> }>;

/**
 * Builds the program for one run; commands write to `context.io` and set `context.status`. Only `invoked` (the
 * command about to run) is defined in full; the others are named with their summary (for help and suggestions).
 */
export async function createProgram(context: CliContext, invoked?: string): Promise<Command> {
  const { io } = context;
  const program = new Command('denial-alerter')
    .description('Alerting on AWS AccessDenied events: classify CloudTrail records, back-test spike rules, query history.')
    .version(PACKAGE_VERSION, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .helpCommand('help [command]', 'show help for a command')
    .exitOverride()
    .showSuggestionAfterError(true)
    .configureOutput({
      writeOut: (text) => void io.stdout.write(text),
      writeErr: (text) => void io.stderr.write(text),
      getOutHasColors: () => colourEnabled(io.stdout, context.env),
      getErrHasColors: () => colourEnabled(io.stderr, context.env),
      outputError: (text, write) => write(colourEnabled(io.stderr, context.env) ? picocolors.red(text) : text),
      getOutHelpWidth: () => terminalWidth(io.stdout),
      getErrHelpWidth: () => terminalWidth(io.stderr),
    })
    // Styled always; commander strips the styles where colour is off (getOutHasColors above).
    .configureHelp({ styleTitle: (text) => ALWAYS.bold(text), styleCommandText: (text) => ALWAYS.cyan(text), styleOptionTerm: (text) => ALWAYS.green(text) })
    .addHelpText('after', '\nRun "denial-alerter <command> --help" for a command\'s options.');
  for (const [name, command] of Object.entries(COMMANDS)) {
    if (name === invoked) (await command.load())(program, context);
    else program.command(name).summary(command.summary);
  }
  return program;
}

/** Runs the CLI with the given arguments (without `node` and the script); returns the exit status. */
export async function main(argv: string[], io: CliIo): Promise<number> {
  const context: CliContext = { io, env: io.env ?? process.env, status: 0 };
  const program = await createProgram(context, argv[0] === 'help' ? argv[1] : argv[0]);
  if (argv.length === 0) {
    io.stderr.write(program.helpInformation());
    return 2;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
    return context.status;
  } catch (error) {
    const command = program.commands.some((candidate) => candidate.name() === argv[0]) ? argv[0] : undefined;
    const who = command ? `denial-alerter ${command}` : 'denial-alerter';
    if (error instanceof CommanderError) {
      // Commander has printed the message (and a "Did you mean" suggestion); help and --version exit 0.
      if (error.exitCode === 0) return 0;
      io.stderr.write(`Run "${who} --help" for usage.\n`);
      return 2;
    }
    const style = styleFor(io.stderr, context.env);
    if (error instanceof UsageError) {
      io.stderr.write(`${style.red(`${who}: ${error.message}`)}\nRun "${who} --help" for usage.\n`);
      return 2;
    }
    io.stderr.write(`${style.red(`${who}: ${(error as Error).message}`)}\n`);
    return 1;
  }
}

/** Runs `replay` from its arguments (without the command name); returns the exit status. */
export function runReplay(argv: string[], io: CliIo): Promise<number> {
  return main(['replay', ...argv], io);
}

/** Runs `explain` from its arguments (without the command name); returns the exit status. */
export function runExplain(argv: string[], io: CliIo): Promise<number> {
  return main(['explain', ...argv], io);
}

/** Runs `history` from its arguments (without the command name); returns the exit status. */
export function runHistory(argv: string[], io: CliIo): Promise<number> {
  return main(['history', ...argv], io);
}

function terminalWidth(stream: unknown): number {
  const columns = (stream as { columns?: number }).columns;
  return Math.min(columns && columns > 40 ? columns : 100, 120);
}
