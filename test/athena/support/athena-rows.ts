/**
 * The forward direction, for tests only: a raw CloudTrail record as Athena's CloudTrail table holds it and as
 * `UNLOAD … WITH (format = 'JSON')` writes it. The JSON SerDe matches keys case-insensitively and keeps only the
 * fields the table declares; STRING columns holding an object get its JSON text; every name comes out lower-case;
 * a field the record lacks is written as null.
 */
import { gzipSync } from 'node:zlib';
import { athenaName, CLOUDTRAIL_COLUMNS, EXTRACTED_COLUMNS, type Column, type ColumnType } from '../../../lambdas/core/athena/cloudtrail-columns.js';

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

function lookup(object: Json, name: string): unknown {
  const lower = name.toLowerCase();
  for (const [key, value] of Object.entries(object)) if (key.toLowerCase() === lower) return value;
  return undefined;
}

function toCell(value: unknown, type: ColumnType): unknown {
  if (value === undefined || value === null) return null;
  switch (type.kind) {
    case 'string':
    case 'boolean-text':
      return typeof value === 'string' ? value : isObject(value) || Array.isArray(value) ? JSON.stringify(value) : String(value);
    case 'json-text':
      return typeof value === 'string' ? value : JSON.stringify(value);
    case 'map':
      return isObject(value) ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)])) : null;
    case 'struct':
      return isObject(value) ? toStruct(value, type.fields) : null;
    case 'array':
      return Array.isArray(value) ? value.map((element) => toCell(element, type.of)) : null;
  }
}

function toStruct(value: Json, fields: readonly Column[]): Json {
  return Object.fromEntries(fields.map((field) => [athenaName(field.name), toCell(lookup(value, field.name), field.type)]));
}

/** The row the extraction query unloads for a record (only the extracted columns). */
export function toAthenaRow(record: Json): Json {
  const selected = CLOUDTRAIL_COLUMNS.filter((column) => EXTRACTED_COLUMNS.includes(column.name));
  return JSON.parse(JSON.stringify(toStruct(record, selected))) as Json;
}

/** A gzip JSON-lines file as UNLOAD writes it. */
export function unloadFile(records: Json[]): Buffer {
  return gzipSync(records.map((record) => JSON.stringify(toAthenaRow(record))).join('\n') + '\n');
}
