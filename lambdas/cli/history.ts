/**
 * `denial-alerter history`: queries the stored denials by principal, action, fingerprint and time.
 */
import type { Readable, Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { writeLine } from './output.js';
import { connectStore, STORE_HELP, STORE_OPTIONS, storeTargetOf } from './store-connection.js';
import { parseTimeBound } from './time-bound.js';

export const HISTORY_HELP = `Usage: denial-alerter history [options]

Lists stored denials, newest first: a table on a terminal, JSON lines with --json (or when piped).

Filters (combined with AND):
  --principal ARN       the principal (a role ARN for assumed-role sessions)
  --action ACTION       the IAM action, e.g. s3:GetObject
  --fingerprint ID      one fingerprint (as printed with alerts)
  --since WHEN          start: a duration back from now (30m, 24h, 7d) or an ISO time [24h]
  --until WHEN          end: same forms [now]
  --limit N             at most N denials [50]
  --json                JSON lines

${STORE_HELP}`;

type Io = { stdin: Readable; stdout: Writable; stderr: Writable; env?: NodeJS.ProcessEnv; now?: () => number };

const COLUMNS = ['eventTime', 'principalArn', 'action', 'resource', 'denyLayer', 'sourceIp'] as const;

/** Runs `history`; returns the exit status. */
export async function runHistory(argv: string[], io: Io): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      principal: { type: 'string' },
      action: { type: 'string' },
      fingerprint: { type: 'string' },
      since: { type: 'string', default: '24h' },
      until: { type: 'string' },
      limit: { type: 'string', default: '50' },
      json: { type: 'boolean', default: false },
      ...STORE_OPTIONS,
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    io.stdout.write(`${HISTORY_HELP}\n`);
    return 0;
  }
  const nowMs = (io.now ?? Date.now)();
  const sinceMs = parseTimeBound(values.since, nowMs);
  const untilMs = values.until ? parseTimeBound(values.until, nowMs) : nowMs;
  const limit = Number(values.limit);
  if (sinceMs === null || untilMs === null) {
    io.stderr.write('denial-alerter history: --since/--until take a duration (30m, 24h, 7d) or an ISO time\n');
    return 2;
  }
  if (!Number.isInteger(limit) || limit < 1) {
    io.stderr.write('denial-alerter history: --limit must be a whole number above 0\n');
    return 2;
  }
  const connection = await connectStore(storeTargetOf(values, io.env ?? process.env));
  try {
    const items = await connection.store.queryHistory(
      { principalArn: values.principal, action: values.action, fingerprint: values.fingerprint, sinceMs, untilMs, limit },
      nowMs,
    );
    const asTable = !values.json && Boolean((io.stdout as { isTTY?: boolean }).isTTY);
    if (asTable) io.stdout.write(renderTable(items));
    else for (const item of items) await writeLine(io.stdout, JSON.stringify(item));
    if (items.length === 0) io.stderr.write(`no denials found in ${connection.description} for these filters\n`);
  } finally {
    await connection.close();
  }
  return 0;
}

function renderTable(items: Array<Record<string, unknown>>): string {
  const rows = items.map((item) => COLUMNS.map((column) => String(item[column] ?? '-').replace(/[\u0000-\u001f]/g, ' ').slice(0, 80)));
  const widths = COLUMNS.map((column, index) => Math.max(column.length, ...rows.map((row) => row[index]!.length)));
  const line = (cells: readonly string[]) => cells.map((cell, index) => cell.padEnd(widths[index]!)).join('  ').trimEnd();
  return `${[line(COLUMNS), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n')}\n`;
}
