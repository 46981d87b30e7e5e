/**
 * What every command shares: the streams it writes to, the exit status it sets, usage errors (status 2), and the
 * bridge that turns a `node:util` `parseArgs` option table (with its help text) into commander options.
 */
import { Option, type Command } from 'commander';
import type { Readable, Writable } from 'node:stream';

/** Standard streams (and, for tests, environment and clock). */
export type CliIo = { stdin: Readable; stdout: Writable; stderr: Writable; env?: NodeJS.ProcessEnv; now?: () => number };

/** A command's run: its streams and the exit status it leaves. */
export interface CliContext {
  io: CliIo;
  env: NodeJS.ProcessEnv;
  status: number;
}

/** A wrong or missing argument, found before any work starts: printed as one line, exit status 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** An option in `parseArgs` form, as `replay-notifier.ts` and `store-connection.ts` export them. */
type ParseArgsSpec = Record<string, { type: 'string' | 'boolean'; multiple?: boolean; default?: unknown; short?: string }>;

/**
 * Commander options for a `parseArgs` table; each description is read from the help text's `  --name ARG  text`
 * line (and its indented continuation lines), so the flag's owner keeps one source of truth.
 */
export function optionsFromParseArgs(spec: ParseArgsSpec, helpText: string, group: string): Option[] {
  const lines = helpText.split('\n');
  return Object.entries(spec).map(([name, config]) => {
    const at = lines.findIndex((line) => new RegExp(`^\\s+--${name}(\\s|$)`).test(line));
    let description = '';
    let placeholder = 'VALUE';
    if (at >= 0) {
      const match = /^(\s+)--\S+(?:\s(\S+))?\s{2,}(.*)$/.exec(lines[at]!) ?? /^(\s+)--\S+()()$/.exec(lines[at]!);
      if (match?.[2] && config.type === 'string') placeholder = match[2];
      description = match?.[3] ?? '';
      for (let next = at + 1; next < lines.length && /^\s{6,}\S/.test(lines[next]!) && !/^\s+--/.test(lines[next]!); next++) {
        description += ` ${lines[next]!.trim()}`;
      }
    }
    const flags = `${config.short ? `-${config.short}, ` : ''}--${name}${config.type === 'string' ? ` <${placeholder.replace(/[<>[\]]/g, '')}>` : ''}`;
    const option = new Option(flags, description.trim()).helpGroup(group);
    if (config.multiple) option.argParser((value: string, previous: string[] | undefined) => [...(previous ?? []), value]);
    if (config.default !== undefined && config.default !== false) option.default(config.default);
    return option;
  });
}

/** The parsed values of a `parseArgs` table, keyed by flag name (`slack-webhook`), as its owner reads them. */
export function valuesByFlagName(spec: ParseArgsSpec, options: Record<string, unknown>): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const name of Object.keys(spec)) values[name] = options[camelCase(name)];
  return values;
}

function camelCase(flag: string): string {
  return flag.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
}

/** Parses a whole number in [min, max] or throws a usage error naming the flag. */
export function wholeNumber(flag: string, raw: string, min: number, max: number): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) throw new UsageError(`${flag} must be a whole number from ${min} to ${max}, got "${raw}"`);
  return value;
}

/** Adds the same trailing help text (exit statuses, examples) to a command. */
export function withHelpAfter(command: Command, text: string): Command {
  return command.addHelpText('after', `\n${text}`);
}

/** `--threads <n>`: the reader threads of a command that reads CloudTrail files (lambdas/parallel/staged-read.ts). */
export function threadsOption(): Option {
  return new Option(
    '--threads <n>',
    'threads that read, parse and sift the input (1: all on the main thread; default: one per core, up to 4, when the input files hold 8 MiB or more, else 1)',
  );
}

/** The `--threads` value, checked (undefined: the default). */
export function threadsValue(raw: string | undefined): number | undefined {
  return raw === undefined ? undefined : wholeNumber('--threads', raw, 1, 16);
}
