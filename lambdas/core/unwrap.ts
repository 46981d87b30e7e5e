/**
 * Finds the CloudTrail records inside a parsed JSON document, whatever its wrapper: a CloudTrail log file
 * (`{"Records": [...]}`), an array, an EventBridge event (record in `detail`), the output of
 * `aws cloudtrail lookup-events` (`{"Events": [{…, "CloudTrailEvent": "<the record as a JSON string>"}], "NextToken"}`,
 * one page, an array of pages, or one page per line), one of its `Events[]` entries alone, or a bare record.
 */
import { fromAthenaRow, looksLikeAthenaRow } from './athena/athena-row.js';

/** The EventBridge detail-types that carry a CloudTrail record. */
export const CLOUDTRAIL_DETAIL_TYPES = [
  'AWS API Call via CloudTrail',
  'AWS Network Activity Event via CloudTrail',
  'AWS Console Sign In via CloudTrail',
  'AWS Service Event via CloudTrail',
] as const;

const DETAIL_TYPES = new Set<string>(CLOUDTRAIL_DETAIL_TYPES);

/** Records found (with their index inside an array, when they stood in one) and what could not be used. */
export type Unwrapped = Array<
  { record: Record<string, unknown>; index?: number } | { error: string; index?: number; raw?: string }
>;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** True when an object has the fields every CloudTrail record has. */
export function looksLikeRecord(value: Record<string, unknown>): boolean {
  return typeof value.eventSource === 'string' || typeof value.eventName === 'string' || typeof value.eventID === 'string';
}

/**
 * Unwraps one parsed document. Never throws: an element that is not a record becomes an error naming what it is.
 */
export function unwrapDocument(value: unknown): Unwrapped {
  if (Array.isArray(value)) return unwrapArray(value);
  if (!isObject(value)) return [{ error: `not a CloudTrail record: a JSON ${value === null ? 'null' : typeof value}` }];
  const list = pageList(value);
  if (list) return unwrapArray(list);
  const single = unwrapOne(value);
  return [single];
}

/** The records of a page: a log file's `Records`, or lookup-events' `Events`. */
function pageList(value: Record<string, unknown>): unknown[] | null {
  if (Array.isArray(value.Records)) return value.Records;
  if (Array.isArray(value.Events) && !looksLikeRecord(value)) return value.Events;
  return null;
}

/** The elements of an array, each a record, or a page of records (an array of lookup-events pages): indexed in order. */
function unwrapArray(values: unknown[]): Unwrapped {
  const out: Unwrapped = [];
  for (const element of values) pushElement(out, element);
  return out;
}

/**
 * The entries of one element of a records array, as {@link unwrapDocument} finds them in the whole array: a record,
 * or each record of a page, appended to `out` and indexed from `index` on (a reader that parses elements one by one,
 * dropping some, passes its own count). Returns the index after them.
 */
export function pushElement(out: Unwrapped, element: unknown, index = out.length): number {
  const list = isObject(element) ? pageList(element) : null;
  if (!list) {
    out.push(indexed(unwrapOne(element), index));
    return index + 1;
  }
  for (const inner of list) out.push(indexed(unwrapOne(inner), index++));
  return index;
}

/** The entry with its index, built as a literal (a spread per record cost more than unwrapping it). */
function indexed(entry: ReturnType<typeof unwrapOne>, index: number): Unwrapped[number] {
  return 'record' in entry ? { record: entry.record, index } : entry.raw === undefined ? { error: entry.error, index } : { error: entry.error, raw: entry.raw, index };
}

function unwrapOne(value: unknown): { record: Record<string, unknown> } | { error: string; raw?: string } {
  if (!isObject(value)) return { error: `not a CloudTrail record: a JSON ${Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value}` };
  if ('CloudTrailEvent' in value && !looksLikeRecord(value)) return unwrapLookupEvent(value);
  if ('detail-type' in value || ('detail' in value && 'source' in value)) {
    const detailType = value['detail-type'];
    if (typeof detailType !== 'string' || !DETAIL_TYPES.has(detailType)) {
      return { error: `unsupported EventBridge detail-type ${JSON.stringify(detailType)} (expected one of: ${CLOUDTRAIL_DETAIL_TYPES.join(', ')})`, raw: preview(value) };
    }
    if (!isObject(value.detail) || !looksLikeRecord(value.detail)) {
      return { error: 'EventBridge event has no CloudTrail record in "detail"', raw: preview(value) };
    }
    return { record: value.detail };
  }
  if (looksLikeAthenaRow(value)) return { record: fromAthenaRow(value) };
  if (!looksLikeRecord(value)) {
    return { error: 'not a CloudTrail record: no eventSource, eventName or eventID (nor "Records" or an EventBridge "detail")', raw: preview(value) };
  }
  return { record: value };
}

/** One entry of `lookup-events` output: the record is the JSON string in `CloudTrailEvent`. */
function unwrapLookupEvent(value: Record<string, unknown>): { record: Record<string, unknown> } | { error: string; raw?: string } {
  const text = value.CloudTrailEvent;
  const id = typeof value.EventId === 'string' ? ` ${value.EventId}` : '';
  if (typeof text !== 'string') return { error: `lookup-events entry${id}: "CloudTrailEvent" is not a JSON string`, raw: preview(value) };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return { error: `lookup-events entry${id}: "CloudTrailEvent" is not valid JSON (${(error as Error).message})`, raw: text.slice(0, 2048) };
  }
  if (!isObject(parsed) || !looksLikeRecord(parsed)) return { error: `lookup-events entry${id}: "CloudTrailEvent" holds no CloudTrail record`, raw: text.slice(0, 2048) };
  return { record: parsed };
}

function preview(value: unknown): string {
  return JSON.stringify(value).slice(0, 2048);
}

/** One value of a JSON text sequence, or why it does not parse, with the line it starts on (1-based). */
export type SequenceItem = { value: unknown; line: number } | { error: string; line: number };

/**
 * Splits concatenated JSON documents (`aws cloudtrail lookup-events` pages appended to one file, each pretty-printed)
 * into their values, in one linear pass that tracks only nesting depth and strings. Returns null when the text holds
 * fewer than two top-level objects or arrays, or anything else between them (then it is not such a sequence).
 */
export function splitJsonSequence(text: string): SequenceItem[] | null {
  const items: SequenceItem[] = [];
  let depth = 0;
  let start = -1;
  let startLine = 1;
  let line = 1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 10) line++;
    if (inString) {
      if (code === 92) i++; // backslash: skip the escaped character
      else if (code === 34) inString = false;
      continue;
    }
    if (code === 34) {
      if (depth === 0) return null;
      inString = true;
    } else if (code === 123 || code === 91) {
      if (depth === 0) [start, startLine] = [i, line];
      depth++;
    } else if (code === 125 || code === 93) {
      depth--;
      if (depth < 0) return null;
      if (depth === 0) {
        const piece = text.slice(start, i + 1);
        try {
          items.push({ value: JSON.parse(piece), line: startLine });
        } catch (error) {
          items.push({ error: `malformed JSON: ${(error as Error).message}`, line: startLine });
        }
      }
    } else if (depth === 0 && code !== 32 && code !== 9 && code !== 13 && code !== 10 && code !== 0xfeff) {
      return null;
    }
  }
  if (depth !== 0 && start >= 0) items.push({ error: 'malformed JSON: the last document is cut short', line: startLine });
  return items.length >= 2 ? items : null;
}
