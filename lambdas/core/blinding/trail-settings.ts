/**
 * Whether a successful `UpdateTrail` or `PutEventSelectors` narrows what a trail records (the record conditions of
 * the catalogue's `trail-narrowing` and `event-selectors-narrowing` rows). EventBridge patterns match these calls
 * broadly (they cannot say "no selector keeps management events"); this pure function decides precisely, on the
 * record's request parameters.
 *
 * - `UpdateTrail` (CloudTrail API reference, "UpdateTrail"): `IsMultiRegionTrail: false` or
 *   `IncludeGlobalServiceEvents: false` stop other Regions' or IAM/STS events; a new `S3BucketName` or `KmsKeyId` moves
 *   or re-keys the logs (the record does not say the old value, so any value counts: a same-value update is rare).
 * - `PutEventSelectors` ("PutEventSelectors", "Logging management events"): it replaces every selector of the trail.
 *   Basic selectors keep all management events only when one has `IncludeManagementEvents` true (the default) and
 *   `ReadWriteType` `All` (the default); advanced selectors only when one selects `eventCategory = Management` with no
 *   other field (a `readOnly` or `eventSource` field narrows it).
 */
import { textOf } from '../text.js';

type Params = Record<string, unknown>;

const asArray = (value: unknown): Params[] => (Array.isArray(value) ? value.filter((item): item is Params => typeof item === 'object' && item !== null) : []);
const isFalse = (value: unknown): boolean => value === false || value === 'false';

/** Why an `UpdateTrail` narrows the trail (empty: it does not). */
export function trailNarrowings(params: Params): string[] {
  const reasons: string[] = [];
  if (isFalse(params.isMultiRegionTrail)) reasons.push('no longer multi-Region');
  if (isFalse(params.includeGlobalServiceEvents)) reasons.push('no longer records global service events (IAM, STS)');
  const bucket = textOf(params.s3BucketName);
  if (bucket) reasons.push(`logs now go to bucket ${bucket}`);
  if (params.kmsKeyId !== undefined && params.kmsKeyId !== null) reasons.push(textOf(params.kmsKeyId) ? `logs now encrypted with key ${textOf(params.kmsKeyId)}` : 'log encryption key removed');
  return reasons;
}

/** Why a `PutEventSelectors` narrows the trail (empty: every management event, read and write, is still recorded). */
export function eventSelectorNarrowings(params: Params): string[] {
  const basic = asArray(params.eventSelectors);
  const advanced = asArray(params.advancedEventSelectors);
  if (basic.length === 0 && advanced.length === 0) return [];
  if (advanced.length > 0) {
    const keepsAll = advanced.some((selector) => {
      const fields = asArray(selector.fieldSelectors);
      const category = fields.find((field) => field.field === 'eventCategory');
      const equals = Array.isArray(category?.equals) ? (category!.equals as unknown[]) : [];
      return equals.includes('Management') && fields.every((field) => field.field === 'eventCategory');
    });
    return keepsAll ? [] : ['advanced selectors no longer select every management event (read and write)'];
  }
  const keepsAll = basic.some((selector) => !isFalse(selector.includeManagementEvents) && (selector.readWriteType === undefined || selector.readWriteType === 'All'));
  if (keepsAll) return [];
  if (basic.every((selector) => isFalse(selector.includeManagementEvents))) return ['management events excluded'];
  const types = [...new Set(basic.map((selector) => textOf(selector.readWriteType) ?? 'All'))];
  return [`management events limited to ${types.join(', ')}`];
}
