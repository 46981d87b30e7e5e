/**
 * `denial-alerter explain [FILE|DIR ...]`: one JSON line per input record, saying whether it is a denial and why.
 */
import type { Readable, Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { classify } from '../core/classify.js';
import { readRecords } from '../io/read-records.js';
import { loadPolicyDirectory } from '../io/policy-directory.js';
import { diagnose } from '../core/iam-policy/diagnose.js';
import { writeLine } from './output.js';

export const EXPLAIN_HELP = `Usage: denial-alerter explain [options] [FILE|DIR ...]

Reads CloudTrail records and prints one JSON object per record, in input order, saying whether it is an
authorization denial and, if so, who was denied what, on which resource, and which policy layer said no.

Inputs (standard input when none, or "-"):
  CloudTrail log files as AWS writes them to S3 ({"Records": [...]}, plain or .gz), JSON arrays, JSON lines,
  EventBridge events ("AWS API Call via CloudTrail" / "AWS Network Activity Event via CloudTrail"), and
  directories of these (*.json, *.jsonl, *.ndjson, *.gz, walked recursively in sorted order).

Output fields (null where the record does not tell):
  eventId, denied, principalArn (an assumed-role session is its role), principalType, accountId, action
  (IAM action, e.g. s3:GetObject), resource, resourceFamily, denyLayer (identity-policy, resource-policy, scp,
  rcp, permissions-boundary, session-policy, vpc-endpoint-policy, role-trust-policy, unknown), denyKind
  (explicit, implicit, unknown), policyArn, fingerprint, and the session, source IP, user agent, region, time.
  A record that cannot be read gives {"error": "...", "source": FILE, "line": N[, "index": I]} and reading goes on.

Options:
  --denied-only          print only denials (and errors)
  --extra-error-codes L  comma-separated extra errorCodes to count as denials (e.g. AuthorizationError)
  --policies DIR         evaluate each denial against policy documents on disk and add a "diagnosis": the
                         statement that denied or the layers where nothing allowed, the least-privilege change,
                         managed policies that grant the action (layout: see docs/policies.md)
  -h, --help             show this help

Exit status: 0 when every input was readable, 1 when some input was unreadable, 2 on a usage error.`;

/** Runs `explain`; returns the exit status. */
export async function runExplain(argv: string[], io: { stdin: Readable; stdout: Writable; stderr: Writable }): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      'denied-only': { type: 'boolean', default: false },
      'extra-error-codes': { type: 'string' },
      policies: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    io.stdout.write(`${EXPLAIN_HELP}\n`);
    return 0;
  }
  const extraErrorCodes = new Set((values['extra-error-codes'] ?? '').split(',').map((code) => code.trim()).filter(Boolean));
  const inputs = positionals.length > 0 ? positionals : ['-'];
  const policies = values.policies ? loadPolicyDirectory(values.policies) : null;
  let unreadable = 0;
  for await (const item of readRecords(inputs, io.stdin)) {
    if (item.kind === 'error') {
      unreadable++;
      await writeLine(io.stdout, JSON.stringify({ error: item.error, ...item.location }));
      continue;
    }
    const denial = classify(item.record, { extraErrorCodes });
    if (values['denied-only'] && !denial.denied) continue;
    const line = policies && denial.denied ? { ...denial, diagnosis: diagnose(denial, policies.policySetFor(denial), policies.principalTagsFor(denial)) } : denial;
    await writeLine(io.stdout, JSON.stringify(line));
  }
  if (unreadable > 0) io.stderr.write(`denial-alerter: ${unreadable} input item(s) could not be read (see "error" lines)\n`);
  return unreadable > 0 ? 1 : 0;
}
