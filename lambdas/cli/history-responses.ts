/**
 * `history --responses`: the audit log of Slack app mode (who acknowledged, snoozed, marked expected or lifted a
 * snooze, and which alerts the engine kept silent for it), newest first, from the `ResponderStore` in the table.
 */
import { DynamoDbResponderStore } from '../adapters/dynamodb-responder-store.js';
import type { AuditEntry } from '../core/responder/types.js';
import type { CliIo } from './command-kit.js';
import { writeLine } from '../terminal/output.js';
import type { StoreConnection } from '../replay/store-connection.js';
import { isTerminal } from '../terminal/style.js';

/** Prints the audit lines of the window (`--fingerprint` narrows); returns how many. */
export async function printResponses(connection: StoreConnection, query: { fingerprint?: string; sinceMs: number; untilMs: number; limit: number }, io: CliIo, json: boolean): Promise<number> {
  const store = new DynamoDbResponderStore({ tableName: connection.tableName, client: connection.client });
  const entries = await store.auditLog(query);
  for (const entry of entries) await writeLine(io.stdout, !json && isTerminal(io.stdout) ? responseLine(entry) : JSON.stringify({ ...entry, at: new Date(entry.atMs).toISOString() }));
  if (entries.length === 0) io.stderr.write('no Slack responses stored in that time range (Slack app mode writes them)\n');
  return entries.length;
}

/** `2026-12-05 10:00Z  snooze  U0ALICE001  0d5db8f5…  for 24 h, until …  (alert …)` */
export function responseLine(entry: AuditEntry): string {
  const at = new Date(entry.atMs).toISOString().slice(0, 16).replace('T', ' ');
  return `${at}Z  ${entry.action.padEnd(18)} ${entry.user.padEnd(14)} ${entry.fingerprint}  ${entry.detail}${entry.alertId ? `  (alert ${entry.alertId})` : ''}`;
}
