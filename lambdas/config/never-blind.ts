/**
 * Optional environment of the handler for "never blind" (issue 20), set by the stack (`lib/denial-alerter.ts`).
 * Unset `ownResources`: only the changes that blind whoever owns them (a stopped or narrowed trail, an account leaving
 * the organization) are recognised. Unset `operationsTopicArn`: the scheduled canary check only logs its notices.
 */
export const NEVER_BLIND_ENV = {
  /** JSON of `core/blinding/own-resources.ts`'s `AlerterResources` (rules, buses, keys, StackSet; names, ARNs or `prefix*`). */
  ownResources: 'DENIAL_ALERTER_OWN_RESOURCES',
  /** JSON array of the forwarders' role names (exact, or `prefix*`): `core/service-rules/own-roles.ts`'s `forwarderRoleNames`. */
  forwarderRoles: 'DENIAL_ALERTER_FORWARDER_ROLES',
  /** The operations topic, where the scheduled canary check publishes "blind" and "back". */
  operationsTopicArn: 'OPERATIONS_TOPIC_ARN',
  /** Minutes without a canary before "blind" (`core/canary/overdue.ts`, `overdueMinutesFor` the stack's schedule). */
  canaryOverdueMinutes: 'DENIAL_ALERTER_CANARY_OVERDUE_MINUTES',
  /** JSON array of `account` or `account/region` never reported blind. */
  canaryExcluded: 'DENIAL_ALERTER_CANARY_EXCLUDED',
} as const;

/** Reads a JSON array of strings (a missing variable is empty); the error names the variable. */
export function stringListFromEnv(env: NodeJS.ProcessEnv, name: string): string[] {
  const value = env[name];
  if (!value) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new Error(`environment variable ${name} must be a JSON array of strings`);
  }
  if (!Array.isArray(parsed) || parsed.some((item) => typeof item !== 'string')) throw new Error(`environment variable ${name} must be a JSON array of strings`);
  return parsed as string[];
}
