import { NEVER_BLIND_ENV } from './never-blind.js';

/**
 * Optional environment of the handler for its own roles (issue 23; the stack sets them): the forwarders' role names,
 * and the operations topic that a denial of one of the alerter's own roles is published to.
 */
export const OWN_ROLES_ENV = {
  /** JSON array of the forwarders' role names, exact or ending in `*` for a prefix (`["DenialAlerterForwarder*"]`). */
  forwarderRoleNames: NEVER_BLIND_ENV.forwarderRoles,
  /**
   * ARN of the operations topic. Set: an own-role notice is published there (its email subscribers, and the handler's
   * own subscription that posts it to the default route's Slack). Unset: the handler posts it to that Slack itself.
   */
  operationsTopicArn: NEVER_BLIND_ENV.operationsTopicArn,
} as const;

/**
 * The forwarders' role names of `DENIAL_ALERTER_FORWARDER_ROLES`; `[]` when unset.
 *
 * @throws an error naming the variable when it is not a JSON array of non-empty strings.
 */
export function forwarderRoleNamesFromJson(json: string | undefined | null): string[] {
  if (!json) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw new Error(`${OWN_ROLES_ENV.forwarderRoleNames} is not JSON: expected an array of role names, e.g. ["DenialAlerterForwarder*"]`);
  }
  if (!Array.isArray(parsed) || parsed.some((name) => typeof name !== 'string' || name === '')) {
    throw new Error(`${OWN_ROLES_ENV.forwarderRoleNames} must be a JSON array of role names (exact, or ending in * for a prefix)`);
  }
  return parsed as string[];
}
