/**
 * Settings of the spike engine: the same names in `replay` flags, `cdk.json` context and the handler's
 * `DENIAL_ALERTER_SETTINGS` environment variable.
 */
import { parseAccountOrganizationalUnits, parseRoutes, RouteConfigError, type Route } from './routing.js';
import { parseOwnRolesSetting } from './own-roles-setting.js';
import type { OwnRoles } from './service-rules/own-roles.js';

/** A suppression: a denial matching every field given here is stored but never alerts. Patterns use `*` and `?`. */
export interface SuppressionRule {
  /** A name shown in logs and summaries. */
  name: string;
  principal?: string;
  action?: string;
  eventSource?: string;
  sourceIp?: string;
  userAgent?: string;
}

/** Everything the engine can be told. */
export interface Settings {
  /** Denials of one fingerprint within `windowMinutes` that make an alert. */
  threshold: number;
  /** Length of the sliding window, in minutes. */
  windowMinutes: number;
  /** Quiet period after an alert, in minutes. */
  cooldownMinutes: number;
  /** During cooldown, a window count of this many times the last alert's count alerts again. */
  escalationFactor: number;
  /** A window alerts only when its count exceeds this multiple of the fingerprint's baseline. */
  baselineMultiple: number;
  /** Weight of the newest window in the exponentially weighted baseline (0 < alpha <= 1). */
  baselineAlpha: number;
  /** Alert on the first denial of a fingerprint never seen before. */
  alertOnFirstSeen: boolean;
  /** Days a history item is kept before DynamoDB's TTL removes it. */
  historyDays: number;
  /** The user's own suppressions. */
  suppressions: SuppressionRule[];
  /** Whether the built-in suppressions of well-known AWS-internal noise apply. */
  builtInSuppressions: boolean;
  /** Extra `errorCode` values to treat as denials (e.g. `AuthorizationError`); see `OPTIONAL_DENIAL_ERROR_CODES`. */
  extraErrorCodes: string[];
  /** Where alerts go (`replay --settings`; the stack takes them from context `routes`); see `core/routing.ts`. */
  routes?: Route[];
  /** Account id → organizational unit ids, for routes matching `organizationalUnits`. */
  accountOrganizationalUnits?: Record<string, string[]>;
  /**
   * Distinct resources one principal may be denied on for one action within `windowMinutes` before a
   * `distinct-resources` alert (enumeration, or a flood of random names that makes one fingerprint per denial).
   */
  distinctResourcesThreshold: number;
  /** Distinct actions one principal may be denied within `windowMinutes` before a `distinct-actions` alert (permission probing). */
  distinctActionsThreshold: number;
  /** Hours before a spike's first denial in which authorization changes are looked for ("what changed"). */
  changeLookbackHours: number;
  /** The alerter's own roles, when no Lambda environment names them (`replay`); see `own-roles-setting.ts`. */
  ownRoles?: OwnRoles;
}

export const DEFAULT_SETTINGS: Settings = {
  threshold: 5,
  windowMinutes: 5,
  cooldownMinutes: 60,
  escalationFactor: 10,
  baselineMultiple: 3,
  baselineAlpha: 0.1,
  alertOnFirstSeen: false,
  historyDays: 90,
  suppressions: [],
  builtInSuppressions: true,
  extraErrorCodes: [],
  // A misconfigured job touches a handful of resources and one or two actions; enumeration tools (enumerate-iam,
  // Pacu, bucket brute-forcing) try hundreds within minutes. 100 resources or 20 actions in one window sits far above
  // the first and far below the second.
  distinctResourcesThreshold: 100,
  distinctActionsThreshold: 20,
  changeLookbackHours: 24,
};

/** Settings that have no default (absent unless given). */
const OPTIONAL_SETTINGS = ['routes', 'accountOrganizationalUnits', 'ownRoles'] as const;

/** Raised when settings are not valid; the message names the field. */
export class SettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SettingsError';
  }
}

const POSITIVE_NUMBERS = ['threshold', 'windowMinutes', 'cooldownMinutes', 'escalationFactor', 'historyDays', 'changeLookbackHours', 'distinctResourcesThreshold', 'distinctActionsThreshold'] as const;

/**
 * Merges user settings over the defaults and validates them.
 *
 * @param input - A partial settings object (parsed JSON, CLI flags, CDK context).
 * @throws {@link SettingsError} naming the field that is wrong.
 */
export function resolveSettings(input: Partial<Record<keyof Settings, unknown>> = {}): Settings {
  const merged = { ...DEFAULT_SETTINGS } as Record<string, unknown>;
  for (const [key, value] of Object.entries(input)) {
    if (value === undefined) continue;
    if (!(key in DEFAULT_SETTINGS) && !(OPTIONAL_SETTINGS as readonly string[]).includes(key)) throw new SettingsError(`unknown setting "${key}"`);
    merged[key] = value;
  }
  for (const key of POSITIVE_NUMBERS) {
    const value = merged[key];
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
      throw new SettingsError(`setting "${key}" must be a positive number, got ${JSON.stringify(value)}`);
    }
  }
  const multiple = merged.baselineMultiple;
  if (typeof multiple !== 'number' || !Number.isFinite(multiple) || multiple < 0) {
    throw new SettingsError(`setting "baselineMultiple" must be a number >= 0, got ${JSON.stringify(multiple)}`);
  }
  const alpha = merged.baselineAlpha;
  if (typeof alpha !== 'number' || !(alpha > 0 && alpha <= 1)) {
    throw new SettingsError(`setting "baselineAlpha" must be in (0, 1], got ${JSON.stringify(alpha)}`);
  }
  for (const key of ['alertOnFirstSeen', 'builtInSuppressions'] as const) {
    if (typeof merged[key] !== 'boolean') {
      throw new SettingsError(`setting "${key}" must be true or false, got ${JSON.stringify(merged[key])}`);
    }
  }
  const suppressions = merged.suppressions;
  if (!Array.isArray(suppressions)) throw new SettingsError('setting "suppressions" must be an array');
  suppressions.forEach((rule, index) => validateSuppression(rule, index));
  const codes = merged.extraErrorCodes;
  if (!Array.isArray(codes) || codes.some((code) => typeof code !== 'string' || code === '')) {
    throw new SettingsError('setting "extraErrorCodes" must be an array of errorCode strings');
  }
  if (!Number.isInteger(merged.windowMinutes)) throw new SettingsError('setting "windowMinutes" must be a whole number');
  try {
    if (merged.routes !== undefined) merged.routes = parseRoutes(merged.routes);
    if (merged.accountOrganizationalUnits !== undefined) merged.accountOrganizationalUnits = parseAccountOrganizationalUnits(merged.accountOrganizationalUnits);
  } catch (error) {
    if (error instanceof RouteConfigError) throw new SettingsError(`setting ${error.message}`);
    throw error;
  }
  if (merged.ownRoles !== undefined) {
    try {
      merged.ownRoles = parseOwnRolesSetting(merged.ownRoles);
    } catch (error) {
      throw new SettingsError(`setting ${(error as Error).message}`);
    }
  }
  return merged as unknown as Settings;
}

const SUPPRESSION_FIELDS = ['principal', 'action', 'eventSource', 'sourceIp', 'userAgent'] as const;

function validateSuppression(rule: unknown, index: number): void {
  if (typeof rule !== 'object' || rule === null) throw new SettingsError(`suppressions[${index}] must be an object`);
  const record = rule as Record<string, unknown>;
  if (typeof record.name !== 'string' || record.name === '') {
    throw new SettingsError(`suppressions[${index}].name must be a non-empty string`);
  }
  let fields = 0;
  for (const [key, value] of Object.entries(record)) {
    if (key === 'name') continue;
    if (!(SUPPRESSION_FIELDS as readonly string[]).includes(key)) {
      throw new SettingsError(`suppressions[${index}] has unknown field "${key}" (known: ${SUPPRESSION_FIELDS.join(', ')})`);
    }
    if (typeof value !== 'string') throw new SettingsError(`suppressions[${index}].${key} must be a string pattern`);
    fields++;
  }
  if (fields === 0) throw new SettingsError(`suppressions[${index}] ("${record.name}") matches nothing: give at least one field`);
}

/**
 * Reads settings from a JSON string (the handler's environment variable), over the defaults.
 *
 * @throws {@link SettingsError} when the JSON is malformed or a field is wrong.
 */
export function settingsFromJson(json: string | undefined): Settings {
  if (json === undefined || json.trim() === '') return resolveSettings();
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (error) {
    throw new SettingsError(`settings are not valid JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new SettingsError('settings must be a JSON object');
  }
  return resolveSettings(parsed as Partial<Record<keyof Settings, unknown>>);
}
