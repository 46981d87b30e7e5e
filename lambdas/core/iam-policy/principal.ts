/**
 * `Principal` and `NotPrincipal` of resource-based policies (bucket, key, queue, trust, VPC endpoint, RCP): whether a
 * statement names the caller, and how (its own ARN or its account), which decides whether a same-account resource
 * policy can allow on its own.
 */
import type { RequestContext, Statement } from './types.js';

const ROOT = /^arn:[^:]+:iam::(\d{12}):root$/;
const UNIQUE_ID = /^A[A-Z0-9]{15,}$/; // AIDA… (user), AROA… (role): what IAM shows after a named principal is deleted

/** The principal values of a Principal element, by kind (`AWS`, `Service`, `Federated`, `CanonicalUser`). */
function entriesOf(element: Statement['Principal']): Array<[string, string]> {
  if (element === undefined) return [];
  if (element === '*') return [['AWS', '*']];
  return Object.entries(element).flatMap(([kind, values]) => [values].flat().map((value) => [kind, String(value)] as [string, string]));
}

/** True when one Principal value covers the caller. */
function valueMatches(kind: string, value: string, context: RequestContext): boolean {
  if (value === '*') return true;
  switch (kind) {
    case 'Service':
      return context.servicePrincipal !== null && value.toLowerCase() === context.servicePrincipal.toLowerCase();
    case 'Federated':
      return value === context.keys['aws:federatedprovider'];
    case 'AWS': {
      if (/^\d{12}$/.test(value)) return value === context.principalAccount;
      const root = ROOT.exec(value);
      if (root) return root[1] === context.principalAccount;
      if (UNIQUE_ID.test(value)) {
        const userId = context.keys['aws:userid'];
        return typeof userId === 'string' && (userId === value || userId.startsWith(`${value}:`));
      }
      return value === context.principalArn || (context.sessionArn !== null && value === context.sessionArn);
    }
    default:
      return false; // CanonicalUser: the record does not carry the caller's canonical id
  }
}

/** Whether a resource-policy statement's Principal (or NotPrincipal) covers the caller. */
export function principalApplies(statement: Statement, context: RequestContext): boolean {
  if (statement.NotPrincipal !== undefined) return !entriesOf(statement.NotPrincipal).some(([kind, value]) => valueMatches(kind, value, context));
  return entriesOf(statement.Principal).some(([kind, value]) => valueMatches(kind, value, context));
}

/** How an Allow names the caller, which decides what else must allow in the same account (see {@link howNamed}). */
export type NamedAs = 'user-or-session' | 'role' | 'account' | 'wildcard-with-principal-arn' | 'wildcard';

/**
 * How an Allow names the caller:
 *
 * - `user-or-session`: its IAM user or role session ARN; can allow on its own in the same account.
 * - `role`: its role ARN; still limited by the role's boundary and session policies (IAM User Guide, "Policy evaluation
 *   logic": "Resource-based policies that grant permissions to an IAM role ARN are limited by an implicit deny in a
 *   permissions boundary or session policy").
 * - `wildcard-with-principal-arn`: `Principal: "*"` narrowed by an `aws:PrincipalArn` condition that the request met:
 *   IAM User Guide, "AWS JSON policy elements: Principal", IAM role principals: "permissions boundaries or session
 *   policies, do not limit permissions granted using the aws:PrincipalArn condition key with a wildcard(*) in the
 *   Principal element, unless the identity-based policies contain an explicit deny".
 * - `account`: only its account or a service; the identity side must allow too.
 *
 * - `wildcard`: a bare `*` (or an Allow with `NotPrincipal` that does not list the caller: the guide's NotPrincipal page,
 *   "Doing so allows all principals except the one named in the NotPrincipal element access to your resources"). For
 *   the same account the Principal page says "For IAM users and role principals within your account, no other
 *   permissions are required" (All principals). Whether a role's boundary or session policy limits such a grant the
 *   guide does not say; it says they do not limit the narrower grant of `*` with `aws:PrincipalArn` (above). A
 *   Condition only narrows which requests a statement matches, never how a matched grant is evaluated, so the wider
 *   grant is evaluated the same way: not limited by the boundary or session policy (an explicit deny still wins). This
 *   is also what AWS is observed to do (docs/policies.md, "Wildcard principals and permissions boundaries").
 */
export function howNamed(statement: Statement, context: RequestContext): NamedAs {
  const excludedOnly = statement.Principal === undefined && statement.NotPrincipal !== undefined && principalApplies(statement, context);
  const values = excludedOnly
    ? ['*']
    : entriesOf(statement.Principal)
        .filter(([kind]) => kind === 'AWS')
        .map(([, value]) => value);
  if (context.sessionArn && values.includes(context.sessionArn)) return 'user-or-session';
  // A unique id names the user (AIDA…) or role (AROA…) itself.
  const byId = values.find((value) => UNIQUE_ID.test(value) && valueMatches('AWS', value, context));
  if (byId) return byId.startsWith('AIDA') ? 'user-or-session' : 'role';
  if (values.includes('*') && !excludedOnly && conditionsOnPrincipalArn(statement)) return 'wildcard-with-principal-arn';
  if (context.principalArn && values.includes(context.principalArn)) return /:user\//.test(context.principalArn) ? 'user-or-session' : 'role';
  // `*` grants to whoever calls (public resources), the caller included, like `*` narrowed by aws:PrincipalArn.
  if (context.principalArn && values.includes('*')) return 'wildcard';
  return 'account';
}

/** True when a statement's Condition tests `aws:PrincipalArn` (any operator, any case). */
function conditionsOnPrincipalArn(statement: Statement): boolean {
  return Object.values(statement.Condition ?? {}).some((entries) => Object.keys(entries ?? {}).some((key) => key.toLowerCase() === 'aws:principalarn'));
}
