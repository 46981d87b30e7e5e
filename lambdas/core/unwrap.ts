/**
 * Finds the CloudTrail records inside a parsed JSON document, whatever its wrapper: a CloudTrail log file
 * (`{"Records": [...]}`), an array, an EventBridge event (record in `detail`), or a bare record.
 */

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
  if (Array.isArray(value.Records)) return unwrapArray(value.Records);
  const single = unwrapOne(value);
  return [single];
}

function unwrapArray(values: unknown[]): Unwrapped {
  return values.map((element, index) => ({ ...unwrapOne(element), index }));
}

function unwrapOne(value: unknown): { record: Record<string, unknown> } | { error: string; raw?: string } {
  if (!isObject(value)) return { error: `not a CloudTrail record: a JSON ${Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value}` };
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
  if (!looksLikeRecord(value)) {
    return { error: 'not a CloudTrail record: no eventSource, eventName or eventID (nor "Records" or an EventBridge "detail")', raw: preview(value) };
  }
  return { record: value };
}

function preview(value: unknown): string {
  return JSON.stringify(value).slice(0, 2048);
}
