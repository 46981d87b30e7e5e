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

/**
 * How an Allow names the caller: its IAM user or role session ARN (`user-or-session`: can allow on its own in the same
 * account), its role ARN (`role`: still limited by the boundary and session policies), or only its account, `*` or a
 * service (`account`: the identity side must allow too). `*` counts as naming the caller (a public resource).
 */
export function howNamed(statement: Statement, context: RequestContext): 'user-or-session' | 'role' | 'account' {
  const values = entriesOf(statement.Principal)
    .filter(([kind]) => kind === 'AWS')
    .map(([, value]) => value);
  if (context.sessionArn && values.includes(context.sessionArn)) return 'user-or-session';
  // A unique id names the user (AIDA…) or role (AROA…) itself.
  const byId = values.find((value) => UNIQUE_ID.test(value) && valueMatches('AWS', value, context));
  if (byId) return byId.startsWith('AIDA') ? 'user-or-session' : 'role';
  // `*` grants to whoever calls (public resources): read like naming the caller itself, a role still bounded.
  if (context.principalArn && (values.includes(context.principalArn) || values.includes('*'))) return /:user\//.test(context.principalArn) ? 'user-or-session' : 'role';
  return 'account';
}
