/**
 * Which AWS managed policies grant an action, from the compact index built by
 * `scripts/build-managed-policy-index.ts` (policies granting `*` or using `NotAction` are not in it).
 */
import indexJson from './managed-policy-index.generated.json' with { type: 'json' };
import { actionMatches } from './matching.js';

/** The index: `[policy ARN path after policy/, action patterns granted]`, latest versions. */
export interface ManagedPolicyIndex {
  source: string;
  policies: Array<[string, string[]]>;
}

const index = indexJson as unknown as ManagedPolicyIndex;

/** A managed policy that grants an action, and how. */
export interface ManagedPolicyMatch {
  name: string;
  arn: string;
  /** The pattern that grants the action (the action itself, or a partial wildcard like `proton:Create*`). */
  grantedBy: string;
  /** How many action patterns the policy grants in all (smaller is closer to least privilege). */
  breadth: number;
}

/**
 * Managed policies a principal could attach that grant `action`, never through `*`: exact grants first, then partial
 * wildcards (`proton:Create*`), then service-wide ones (`proton:*`), the narrowest policy first within each. Policies
 * of service-linked roles (`aws-service-role/`) cannot be attached and are left out.
 *
 * @example managedPoliciesGranting('proton:CreateEnvironment')[0].name // 'AWSProtonFullAccess' (through proton:*)
 */
export function managedPoliciesGranting(action: string, limit = 5): ManagedPolicyMatch[] {
  const matches: Array<ManagedPolicyMatch & { rank: number }> = [];
  for (const [path, actions] of index.policies) {
    if (path.startsWith('aws-service-role/')) continue;
    let best: { pattern: string; rank: number } | null = null;
    for (const pattern of actions) {
      if (pattern === '*' || !actionMatches(pattern, action)) continue;
      const rank = !pattern.includes('*') ? 0 : pattern.endsWith(':*') ? 2 : 1;
      if (!best || rank < best.rank) best = { pattern, rank };
      if (rank === 0) break;
    }
    if (best) {
      // Index entries are the ARN's path after `policy/` (e.g. `job-function/SystemAdministrator`).
      matches.push({ name: path.slice(path.lastIndexOf('/') + 1), arn: `arn:aws:iam::aws:policy/${path}`, grantedBy: best.pattern, breadth: actions.length, rank: best.rank });
    }
  }
  return matches
    .sort((a, b) => a.rank - b.rank || a.breadth - b.breadth || (a.name < b.name ? -1 : 1))
    .slice(0, limit)
    .map(({ rank: _rank, ...match }) => match);
}

/** Where the index came from. */
export const MANAGED_POLICY_SOURCE = index.source;
