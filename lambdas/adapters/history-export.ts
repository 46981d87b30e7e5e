/**
 * Reads the denials out of a DynamoDB export to S3 in DynamoDB JSON, the same way the Athena query of
 * docs/history-table.md does: each data file is gzip, one item a line as `{"Item": {"pk": {"S": "…"}, …}}`
 * (DynamoDB developer guide, "DynamoDB table export output format",
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/S3DataExport.Output.html). A history page
 * (`pk` `H#…` with a `denials` list) gives one row per denial: its own field, else the page's.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

/** The columns of one exported denial (the Athena query's). */
export const EXPORT_COLUMNS = [
  'eventId',
  'eventTime',
  'principalArn',
  'sessionName',
  'action',
  'resource',
  'denyLayer',
  'accountId',
  'region',
  'sourceIp',
  'fingerprint',
] as const;

/** One exported denial. */
export type ExportedDenial = Record<(typeof EXPORT_COLUMNS)[number], string | null>;

type AttributeValue = { S?: string; L?: AttributeValue[]; M?: Record<string, AttributeValue> };

/** The denials of export lines (`{"Item": …}` JSON, one a line), distinct, in event-time order. */
export function denialsOfExportLines(lines: Iterable<string>): ExportedDenial[] {
  const rows = new Map<string, ExportedDenial>();
  for (const line of lines) {
    if (!line.trim()) continue;
    const item = (JSON.parse(line) as { Item?: Record<string, AttributeValue> }).Item;
    if (!item?.pk?.S?.startsWith('H#') || !Array.isArray(item.denials?.L)) continue;
    for (const element of item.denials.L) {
      const denial = element.M ?? {};
      const row = Object.fromEntries(
        EXPORT_COLUMNS.map((column) => {
          if (column === 'principalArn') return [column, item.principalArn?.S ?? null];
          return [column, denial[column]?.S ?? item[column]?.S ?? null];
        }),
      ) as ExportedDenial;
      rows.set(JSON.stringify(row), row);
    }
  }
  return [...rows.values()].sort((a, b) => String(a.eventTime).localeCompare(String(b.eventTime)));
}

/** The denials of an export's data directory (`…/AWSDynamoDB/<export id>/data/`, gzip files). */
export function denialsOfExportDirectory(dataDir: string): ExportedDenial[] {
  const lines: string[] = [];
  for (const name of readdirSync(dataDir).sort()) {
    if (!name.endsWith('.json.gz')) continue;
    lines.push(...gunzipSync(readFileSync(join(dataDir, name))).toString('utf8').split('\n'));
  }
  return denialsOfExportLines(lines);
}
