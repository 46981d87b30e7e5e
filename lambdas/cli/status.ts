/**
 * `denial-alerter status`: is the alerter seeing everything? The last canary per account and Region (blind ones
 * first, by the same overdue rule as the scheduled check), and the last blinding change seen, read from the table
 * (the embedded store, like `history`, or `--table`/`--endpoint`).
 */
import type { Command } from 'commander';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoDbCanaryStore } from '../adapters/dynamodb-canary-store.js';
import { checkCanary, DEFAULT_OVERDUE_MINUTES, type CanaryState } from '../core/canary/overdue.js';
import { optionsFromParseArgs, valuesByFlagName, wholeNumber, type CliContext } from './command-kit.js';
import { writeLine } from '../terminal/output.js';
import { connectStore, STORE_HELP, STORE_OPTIONS, storeTargetOf } from '../replay/store-connection.js';

/** One account and Region as `status` shows it. */
export interface CanaryStatusLine {
  accountId: string;
  region: string;
  lastCanary: string;
  state: 'blind' | 'seen';
}

/** Orders canary states: blind first (oldest silence first), then the rest by account and Region. */
export function canaryStatusLines(states: readonly CanaryState[], nowMs: number, overdueMinutes = DEFAULT_OVERDUE_MINUTES): CanaryStatusLine[] {
  const lines = states.map((state) => {
    const kind = checkCanary({ ...state, blind: false }, { nowMs, overdueMinutes }).kind;
    return { accountId: state.accountId, region: state.region, lastCanary: new Date(state.lastArrivalMs).toISOString(), state: kind === 'blind' ? ('blind' as const) : ('seen' as const) };
  });
  return lines.sort((a, b) => (a.state !== b.state ? (a.state === 'blind' ? -1 : 1) : a.state === 'blind' ? a.lastCanary.localeCompare(b.lastCanary) : `${a.accountId}/${a.region}`.localeCompare(`${b.accountId}/${b.region}`)));
}

/** Registers `status`. */
export function registerStatusCommand(program: Command, context: CliContext): Command {
  const command = program.command('status').description('the last canary per account and Region (blind ones first) and the last blinding change seen');
  command.option('--json', 'JSON lines even on a terminal');
  command.option('--overdue-minutes <minutes>', 'minutes without a canary before "blind" (the stack\'s: 3 × canaryMinutes + 5)', String(DEFAULT_OVERDUE_MINUTES));
  for (const option of optionsFromParseArgs(STORE_OPTIONS, STORE_HELP, 'Where data is kept:')) command.addOption(option);
  command.action(async (flags: { json?: boolean; overdueMinutes: string } & Record<string, unknown>) => {
    const { io, env } = context;
    const overdueMinutes = wholeNumber('--overdue-minutes', flags.overdueMinutes, 1, 100_000);
    const nowMs = (io.now ?? Date.now)();
    const connection = await connectStore(storeTargetOf(valuesByFlagName(STORE_OPTIONS, flags), env), () => io.stderr.write('Starting DynamoDB Local (Java) to read the table; --endpoint URL or --table NAME read an existing table without Java\n'));
    try {
      const lines = canaryStatusLines(await new DynamoDbCanaryStore({ tableName: connection.tableName, client: connection.client }).states(), nowMs, overdueMinutes);
      const blinding = await lastBlindingChange(connection.client, connection.tableName);
      for (const line of lines) {
        await writeLine(io.stdout, flags.json ? JSON.stringify({ type: 'canary', ...line }) : `${line.state === 'blind' ? 'BLIND' : 'seen '}  ${line.accountId}  ${line.region.padEnd(16)} last canary ${line.lastCanary}`);
      }
      if (lines.length === 0) io.stderr.write('no canary has arrived yet\n');
      if (blinding) await writeLine(io.stdout, flags.json ? JSON.stringify({ type: 'blinding', ...blinding }) : `last blinding change: event ${blinding.eventId} at ${blinding.eventTime}`);
      else if (!flags.json) await writeLine(io.stdout, 'last blinding change: none seen');
      context.status = lines.some((line) => line.state === 'blind') ? 1 : 0;
    } finally {
      await connection.close();
    }
  });
  return command;
}

/** The newest blinding decision (`BL#<event id>` state items, see engine/blinding-alerts.ts). */
async function lastBlindingChange(client: ConstructorParameters<typeof DynamoDbCanaryStore>[0]['client'], tableName: string): Promise<{ eventId: string; eventTime: string } | null> {
  const doc = DynamoDBDocumentClient.from(client);
  let newest: { eventId: string; timeMs: number } | null = null;
  let start: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(new ScanCommand({ TableName: tableName, FilterExpression: 'begins_with(pk, :p) AND sk = :s', ExpressionAttributeValues: { ':p': 'BL#', ':s': 'STATE' }, ExclusiveStartKey: start }));
    for (const item of page.Items ?? []) {
      const timeMs = Number((item.state as { firstSeenMs?: number } | undefined)?.firstSeenMs);
      if (Number.isFinite(timeMs) && (!newest || timeMs > newest.timeMs)) newest = { eventId: String(item.pk).slice(3), timeMs };
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return newest ? { eventId: newest.eventId, eventTime: new Date(newest.timeMs).toISOString() } : null;
}
