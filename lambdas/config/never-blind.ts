/**
 * Optional environment of the handler for "never blind" (issue 20): the alerter's own resource names, as JSON of
 * `core/blinding/own-resources.ts`'s `AlerterResources`. Unset: only the changes that blind whoever owns them (a
 * stopped or narrowed trail, an account leaving the organization) are recognised.
 */
export const NEVER_BLIND_ENV = {
  ownResources: 'DENIAL_ALERTER_OWN_RESOURCES',
} as const;
