/**
 * Turns a row of Athena's CloudTrail table (as `UNLOAD … WITH (format = 'JSON')` or a console export writes it) back
 * into the CloudTrail record every reader expects: lower-case names restored (`sourceipaddress` → `sourceIPAddress`,
 * `resources[].arn` → `ARN`), JSON-text columns parsed, `readonly` made a boolean, nulls dropped (CloudTrail leaves
 * absent fields out).
 */
import type { CloudTrailRecord } from '../types.js';
import { athenaName, CLOUDTRAIL_COLUMNS, type Column, type ColumnType } from './cloudtrail-columns.js';

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Lower-case names of the columns that only Athena's table writes in lower case (at least one has a capital). */
const SIGNATURE_COLUMNS = ['eventsource', 'eventname', 'eventid', 'eventtime'] as const;

/**
 * True when an object is an Athena CloudTrail row: it has Athena's lower-case `eventsource`, `eventname`, `eventid` or
 * `eventtime` and none of CloudTrail's own names for them.
 */
export function looksLikeAthenaRow(value: Json): boolean {
  if ('eventSource' in value || 'eventName' in value || 'eventID' in value || 'eventTime' in value) return false;
  return SIGNATURE_COLUMNS.some((name) => typeof value[name] === 'string');
}

/**
 * Maps one Athena row to a CloudTrail record. Columns the table does not describe are kept under their own name.
 * JSON text that does not parse is kept as text (the record then carries what Athena held).
 */
export function fromAthenaRow(row: Json): CloudTrailRecord {
  return (restoreStruct(row, CLOUDTRAIL_COLUMNS) ?? {}) as CloudTrailRecord;
}

const byAthenaName = new WeakMap<readonly Column[], Map<string, Column>>();

function columnsByName(columns: readonly Column[]): Map<string, Column> {
  let map = byAthenaName.get(columns);
  if (!map) {
    map = new Map(columns.map((column) => [athenaName(column.name), column]));
    byAthenaName.set(columns, map);
  }
  return map;
}

function restoreStruct(value: Json, columns: readonly Column[]): Json | undefined {
  const known = columnsByName(columns);
  const out: Json = {};
  let empty = true;
  for (const key in value) {
    const raw = value[key];
    if (raw === null || raw === undefined) continue;
    const column = known.get(key) ?? known.get(key.toLowerCase());
    const restored = column ? restoreValue(raw, column.type) : raw;
    if (restored === undefined || restored === null) continue;
    out[column ? column.name : key] = restored;
    empty = false;
  }
  return empty ? undefined : out;
}

function restoreValue(raw: unknown, type: ColumnType): unknown {
  if (raw === null || raw === undefined) return undefined;
  switch (type.kind) {
    case 'string':
      return raw;
    case 'boolean-text':
      return raw === 'true' || raw === true ? true : raw === 'false' || raw === false ? false : raw;
    case 'json-text':
      return parseJsonText(raw);
    case 'map':
      return isObject(raw) ? raw : undefined;
    case 'struct':
      return isObject(raw) ? restoreStruct(raw, type.fields) : raw;
    case 'array':
      return Array.isArray(raw) ? raw.map((element) => restoreValue(element, type.of)).filter((element) => element !== undefined) : raw;
  }
}

function parseJsonText(raw: unknown): unknown {
  if (typeof raw !== 'string') return raw;
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}
