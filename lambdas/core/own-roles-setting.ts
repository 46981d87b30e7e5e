/**
 * The `ownRoles` setting (`replay --settings`, and any engine fed settings): how the alerter's own roles are recognised
 * when no Lambda environment says it (`core/service-rules/own-roles.ts`). The Lambda reads the same facts from its
 * environment (`AWS_LAMBDA_FUNCTION_NAME`, `MEMBER_READER_ROLE_ARN`, `DENIAL_ALERTER_FORWARDER_ROLES`).
 */
import type { OwnRoles } from './service-rules/own-roles.js';

const STRING_FIELDS = ['handlerFunctionName', 'handlerAccountId', 'readerRoleArnPattern'] as const;

/**
 * Validates `{handlerFunctionName?, handlerAccountId?, readerRoleArnPattern?, forwarderRoleNames?}`.
 *
 * @throws an error whose message names the field (`ownRoles.forwarderRoleNames must be …`).
 */
export function parseOwnRolesSetting(value: unknown): OwnRoles {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('"ownRoles" must be an object');
  const input = value as Record<string, unknown>;
  const roles: { -readonly [K in keyof OwnRoles]: OwnRoles[K] } = {};
  for (const [key, field] of Object.entries(input)) {
    if ((STRING_FIELDS as readonly string[]).includes(key)) {
      if (typeof field !== 'string' || field === '') throw new Error(`"ownRoles.${key}" must be a non-empty string`);
      roles[key as (typeof STRING_FIELDS)[number]] = field;
    } else if (key === 'forwarderRoleNames') {
      if (!Array.isArray(field) || field.some((name) => typeof name !== 'string' || name === '')) throw new Error('"ownRoles.forwarderRoleNames" must be an array of role names (exact, or ending in * for a prefix)');
      roles.forwarderRoleNames = field as string[];
    } else {
      throw new Error(`"ownRoles" has unknown field "${key}" (known: ${[...STRING_FIELDS, 'forwarderRoleNames'].join(', ')})`);
    }
  }
  return roles;
}
