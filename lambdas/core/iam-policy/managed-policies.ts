/**
 * Which AWS managed policies grant an action (on a resource), from the compact index built by
 * `scripts/build-managed-policy-index.ts` (policies granting `*` or using `NotAction` are not in it).
 */
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { actionMatches, resourceMatches } from './matching.js';

/**
 * The index: `[policy ARN path after policy/, grants]`, latest versions. A grant is `[action patterns]` (on any
 * resource), `[action patterns, resource patterns]`, or `[action patterns, resource patterns or null, 1]` when its
 * statement has a Condition.
 */
export interface ManagedPolicyIndex {
  source: string;
  format: 2;
  policies: Array<[string, ManagedPolicyGrant[]]>;
}

/** One Allow of a managed policy, compacted. */
export type ManagedPolicyGrant = [string[]] | [string[], string[]] | [string[], string[] | null, 1];

/**
 * The index file (2 MB of JSON), read on first use rather than at import: only a diagnosis or a rendered fix needs it.
 * It sits beside this module (and beside the Lambda bundle, which copies it there).
 */
const INDEX_FILE = new URL('./managed-policy-index.generated.json', import.meta.url);
let loaded: ManagedPolicyIndex | undefined;
function loadIndex(): ManagedPolicyIndex {
  return (loaded ??= JSON.parse(readFileSync(INDEX_FILE, 'utf8')) as ManagedPolicyIndex);
}
const index = {
  get policies() {
    return loadIndex().policies;
  },
};

/** The `"source"` the index begins with, read without loading the whole index. */
function headerSource(): string {
  const fd = openSync(INDEX_FILE, 'r');
  try {
    const head = Buffer.alloc(256);
    const length = readSync(fd, head, 0, head.length, 0);
    return /"source":"([^"]*)"/.exec(head.toString('utf8', 0, length))?.[1] ?? loadIndex().source;
  } finally {
    closeSync(fd);
  }
}

/** A managed policy that grants an action, and how. */
export interface ManagedPolicyMatch {
  name: string;
  arn: string;
  /** The pattern that grants the action (the action itself, or a partial wildcard like `proton:Create*`). */
  grantedBy: string;
  /** How many action patterns the policy grants in all (smaller is closer to least privilege). */
  breadth: number;
  /** True when the granting statement has a Condition (not evaluated here: check it fits). */
  conditional: boolean;
}

/**
 * Managed policies a principal could attach that grant `action` (on `resource`, when given), never through `*`.
 *
 * Ranking: exact grants first, then partial wildcards (`proton:Create*`), then service-wide ones (`proton:*`); within
 * each, unconditional grants before conditional ones, then the policy granting the fewest action patterns first.
 * Policies of service-linked roles (`aws-service-role/`) cannot be attached and are left out. A grant limited to
 * resources (`arn:aws:s3:::aws-glue-*`) counts only when it covers `resource`; with no resource, only grants on `*`
 * count. Conditions are not evaluated, only flagged.
 *
 * @example managedPoliciesGranting('proton:CreateEnvironment')[0].name // 'AWSProtonFullAccess' (through proton:*)
 */
export function managedPoliciesGranting(action: string, limit = 5, resource: string | null = null): ManagedPolicyMatch[] {
  const matches: Array<ManagedPolicyMatch & { rank: number }> = [];
  for (const [path, grants] of index.policies) {
    if (path.startsWith('aws-service-role/')) continue;
    let best: { pattern: string; rank: number; conditional: boolean } | null = null;
    let breadth = 0;
    for (const [actions, resources, conditioned] of grants) {
      breadth += actions.length;
      if (resources && (resource === null || !resources.some((pattern) => resourceMatches(pattern, resource)))) continue;
      for (const pattern of actions) {
        if (pattern === '*' || !actionMatches(pattern, action)) continue;
        const conditional = conditioned === 1;
        // Exact, partial wildcard, service-wide; conditional grants after unconditional ones of the same kind.
        const rank = (!pattern.includes('*') ? 0 : pattern.endsWith(':*') ? 2 : 1) * 2 + (conditional ? 1 : 0);
        if (!best || rank < best.rank) best = { pattern, rank, conditional };
      }
    }
    if (best) {
      // Index entries are the ARN's path after `policy/` (e.g. `job-function/SystemAdministrator`).
      matches.push({ name: path.slice(path.lastIndexOf('/') + 1), arn: `arn:aws:iam::aws:policy/${path}`, grantedBy: best.pattern, breadth, conditional: best.conditional, rank: best.rank });
    }
  }
  return matches
    .sort((a, b) => a.rank - b.rank || a.breadth - b.breadth || (a.name < b.name ? -1 : 1))
    .slice(0, limit)
    .map(({ rank: _rank, ...match }) => match);
}

/** Where the index came from. */
export const MANAGED_POLICY_SOURCE = headerSource();
