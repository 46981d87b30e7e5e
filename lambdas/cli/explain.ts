/**
 * `denial-alerter explain [FILE|DIR ...]`: for each input record, whether it is a denial and why. On a terminal a
 * compact human line per record; JSON lines when piped or with `--json`.
 */
import { Command, Option } from 'commander';
import { createExplainStage, type ExplainStageOptions } from '../explain/explain-stage.js';
import { readerThreads, readStaged } from '../parallel/staged-read.js';
import { threadsOption, threadsValue, UsageError, type CliContext } from './command-kit.js';
import { checkInputPaths } from './input-paths.js';
import { colourEnabled, isTerminal } from '../terminal/style.js';

const EXPLAIN_DESCRIPTION =
  'Reads CloudTrail records and says, per record, in input order, whether it is an authorization denial and, if so, who was denied what, on which resource, and which policy layer said no.';

const EXPLAIN_AFTER = `Inputs (standard input when none, or "-"):
  CloudTrail log files as AWS writes them to S3 ({"Records": [...]}, plain or .gz), JSON arrays, JSON lines,
  EventBridge events ("AWS API Call via CloudTrail" / "AWS Network Activity Event via CloudTrail"), dead-letter
  files of "replay", and directories of these (*.json, *.jsonl, *.ndjson, *.gz, walked recursively, sorted).

Output: on a terminal one compact line per record (denials in colour); JSON lines when piped or with --json.
JSON fields (null where the record does not tell):
  eventId, denied, principalArn (an assumed-role session is its role), principalType, accountId, action
  (IAM action, e.g. s3:GetObject), resource, resourceFamily, denyLayer (identity-policy, resource-policy, scp,
  rcp, permissions-boundary, session-policy, vpc-endpoint-policy, role-trust-policy, unknown), denyKind
  (explicit, implicit, unknown), policyArn, authorizationId and authorizationDetailsUrl (AWS Access Troubleshooter,
  when the message carries them), fingerprint, and the session, source IP, user agent, region, time.
  A record that cannot be read gives {"error": "...", "source": FILE, "line": N[, "index": I]} and reading goes on.

Exit status: 0 when every input was readable, 1 when some input was unreadable or none held a record, 2 on a usage
error.`;

/** Adds `explain` to the program. */
export function registerExplainCommand(program: Command, context: CliContext): Command {
  return program
    .command('explain')
    .summary('classify CloudTrail records: who was denied what, and which policy layer said no')
    .description(EXPLAIN_DESCRIPTION)
    .argument('[paths...]', 'files or directories ("-" or none: standard input)')
    .option('--denied-only', 'print only denials (and errors)')
    .option('--json', 'JSON lines even on a terminal')
    .option('--extra-error-codes <list>', 'comma-separated extra errorCodes to count as denials (e.g. AuthorizationError)')
    .addOption(
      new Option(
        '--policies <dir>',
        'evaluate each denial against policy documents on disk and add a "diagnosis": the statement that denied or the layers where nothing allowed, the least-privilege change (layout: docs/policies.md)',
      ),
    )
    .addOption(threadsOption())
    .addHelpText('after', `\n${EXPLAIN_AFTER}`)
    .action(async (paths: string[], options: { deniedOnly?: boolean; json?: boolean; extraErrorCodes?: string; policies?: string; threads?: string }) => {
      context.status = await explain(paths, { ...options, threads: threadsValue(options.threads) }, context);
    });
}

async function explain(
  paths: string[],
  options: { deniedOnly?: boolean; json?: boolean; extraErrorCodes?: string; policies?: string; threads?: number },
  { io, env }: CliContext,
): Promise<number> {
  if (paths.length === 0 && (io.stdin as { isTTY?: boolean }).isTTY) {
    throw new UsageError('give FILE or DIR arguments, or pipe CloudTrail records into standard input');
  }
  const inputs = paths.length > 0 ? paths : ['-'];
  await checkInputPaths(inputs);
  try {
    if (options.policies) (await import('../io/policy-directory.js')).loadPolicyDirectory(options.policies);
  } catch (error) {
    throw new UsageError(`--policies: ${(error as Error).message}`);
  }
  const human = !options.json && isTerminal(io.stdout);
  const stageOptions: ExplainStageOptions = {
    human,
    colour: colourEnabled(io.stdout, env),
    deniedOnly: Boolean(options.deniedOnly),
    extraErrorCodes: (options.extraErrorCodes ?? '').split(',').map((code) => code.trim()).filter(Boolean),
    policiesDir: options.policies ?? null,
  };
  let unreadable = 0;
  let records = 0;
  let denials = 0;
  const threads = await readerThreads(inputs, options.threads);
  const stage = { name: 'explain' as const, options: stageOptions, create: () => createExplainStage(stageOptions) };
  // Records come in arrays (a log file's, the JSON lines of one chunk), classified and formatted where they are read:
  // each array's lines arrive as a few pieces of UTF-8, written as they are (one write per line took as long as the rest).
  for await (const batch of readStaged(inputs, io.stdin, { threads, onWarning: (warning) => io.stderr.write(`denial-alerter explain: ${warning}\n`) }, stage)) {
    records += batch.records;
    denials += batch.denials;
    unreadable += batch.unreadable;
    for (const piece of batch.output) if (!io.stdout.write(piece)) await new Promise((resolve) => io.stdout.once('drain', resolve));
  }
  if (human) io.stderr.write(`${records} record(s), ${denials} denial(s)${unreadable ? `, ${unreadable} unreadable` : ''}${options.policies ? ' (diagnoses: --json)' : ''}\n`);
  if (unreadable > 0) io.stderr.write(`denial-alerter explain: ${unreadable} input item(s) could not be read${human ? '' : ' (see "error" lines)'}\n`);
  if (records === 0 && unreadable === 0) {
    io.stderr.write(`denial-alerter explain: no CloudTrail records in ${inputs.join(', ')}\n`);
    return 1;
  }
  return unreadable > 0 ? 1 : 0;
}
