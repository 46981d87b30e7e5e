/**
 * `denial-alerter explain [FILE|DIR ...]`: for each input record, whether it is a denial and why. On a terminal a
 * compact human line per record; JSON lines when piped or with `--json`.
 */
import { Command, Option } from 'commander';
import { classify } from '../core/classify.js';
import type { Denial } from '../core/types.js';
import { diagnose } from '../core/iam-policy/diagnose.js';
import { readRecordBatches } from '../io/read-records.js';
import { loadPolicyDirectory } from '../io/policy-directory.js';
import { UsageError, type CliContext } from './command-kit.js';
import { createLineBuffer } from '../terminal/line-buffer.js';
import { checkInputPaths } from './input-paths.js';
import { isTerminal, styleFor, terminalSafe, type Style } from '../terminal/style.js';

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
    .addHelpText('after', `\n${EXPLAIN_AFTER}`)
    .action(async (paths: string[], options: { deniedOnly?: boolean; json?: boolean; extraErrorCodes?: string; policies?: string }) => {
      context.status = await explain(paths, options, context);
    });
}

async function explain(
  paths: string[],
  options: { deniedOnly?: boolean; json?: boolean; extraErrorCodes?: string; policies?: string },
  { io, env }: CliContext,
): Promise<number> {
  if (paths.length === 0 && (io.stdin as { isTTY?: boolean }).isTTY) {
    throw new UsageError('give FILE or DIR arguments, or pipe CloudTrail records into standard input');
  }
  const inputs = paths.length > 0 ? paths : ['-'];
  await checkInputPaths(inputs);
  const extraErrorCodes = new Set((options.extraErrorCodes ?? '').split(',').map((code) => code.trim()).filter(Boolean));
  let policies;
  try {
    policies = options.policies ? loadPolicyDirectory(options.policies) : null;
  } catch (error) {
    throw new UsageError(`--policies: ${(error as Error).message}`);
  }
  const human = !options.json && isTerminal(io.stdout);
  const style = styleFor(io.stdout, env);
  let unreadable = 0;
  let records = 0;
  let denials = 0;
  // Lines go out in ~64 KiB writes (one write per record took as long as reading and classifying).
  const out = createLineBuffer(io.stdout);
  // Records come in arrays (a log file's, the JSON lines of one chunk): one await per array, not per record.
  for await (const items of readRecordBatches(inputs, io.stdin, undefined, (warning) => io.stderr.write(`denial-alerter explain: ${warning}\n`))) {
    for (const item of items) {
      if (item.kind === 'error') {
        unreadable++;
        const full = human ? out.add(style.red(`unreadable  ${terminalSafe(item.location.source)}:${item.location.line}${item.location.index !== undefined ? `[${item.location.index}]` : ''}  ${terminalSafe(item.error)}`)) : out.add(JSON.stringify({ error: item.error, ...item.location }));
        if (full) await full;
        continue;
      }
      records++;
      const denial = classify(item.record, { extraErrorCodes });
      if (denial.denied) denials++;
      if (options.deniedOnly && !denial.denied) continue;
      const diagnosis = policies && denial.denied ? diagnose(denial, policies.policySetFor(denial), policies.principalTagsFor(denial)) : undefined;
      const full = human ? out.add(explainLine(denial, style)) : out.add(JSON.stringify(diagnosis ? { ...denial, diagnosis } : denial));
      if (full) await full; // only when the stream's buffer is full
    }
  }
  await out.end();
  if (human) io.stderr.write(`${records} record(s), ${denials} denial(s)${unreadable ? `, ${unreadable} unreadable` : ''}${options.policies ? ' (diagnoses: --json)' : ''}\n`);
  if (unreadable > 0) io.stderr.write(`denial-alerter explain: ${unreadable} input item(s) could not be read${human ? '' : ' (see "error" lines)'}\n`);
  if (records === 0 && unreadable === 0) {
    io.stderr.write(`denial-alerter explain: no CloudTrail records in ${inputs.join(', ')}\n`);
    return 1;
  }
  return unreadable > 0 ? 1 : 0;
}

/**
 * One record in a line: `DENIED  time  action  principal → resource  [layer, kind]  fp`, or a dim line for a
 * record that is not a denial. Untrusted text is flattened (no terminal escapes).
 */
export function explainLine(denial: Denial, style: Style): string {
  const time = (denial.eventTime ?? '-').replace('T', ' ').replace(/\.\d+Z$|Z$/, '');
  const who = terminalSafe(denial.principalArn ?? denial.accountId ?? '-');
  const action = terminalSafe(denial.action ?? `${denial.eventSource ?? '?'}:${denial.eventName ?? '?'}`);
  if (!denial.denied) return style.dim(`ok      ${time}  ${action}  ${who}${denial.errorCode ? `  (${terminalSafe(denial.errorCode)})` : ''}`);
  const layer = `[${denial.denyLayer ?? 'unknown'}, ${denial.denyKind ?? 'unknown'}]`;
  const resource = denial.resource ? ` → ${terminalSafe(denial.resource)}` : '';
  return `${style.red(style.bold('DENIED'))}  ${time}  ${style.bold(action)}  ${style.cyan(who)}${resource}  ${style.yellow(layer)}  ${style.dim(denial.fingerprint ?? '')}`;
}
