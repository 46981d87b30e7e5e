/**
 * Reads the SCPs or RCPs over an account, one list per level from the account up to the root, through AWS
 * Organizations. Only the management account or a delegated administrator may; elsewhere the answer is
 * `not-permitted` and the alert says SCPs/RCPs were not visible from here.
 */
import { DescribePolicyCommand, ListParentsCommand, ListPoliciesForTargetCommand, type OrganizationsClient, type PolicyType } from '@aws-sdk/client-organizations';
import type { NamedPolicy } from '../../core/iam-policy/types.js';
import { call, lookup, parsePolicyText, type Lookup } from './lookup-result.js';

/** Reads organization policies, given an `OrganizationsClient`. */
export class OrganizationPolicies {
  constructor(private readonly organizations: OrganizationsClient) {}

  /** Levels of policies over the account (root first, account last). */
  read(accountId: string, kind: 'scp' | 'rcp'): Promise<Lookup<NamedPolicy[][]>> {
    const filter: PolicyType = kind === 'scp' ? 'SERVICE_CONTROL_POLICY' : 'RESOURCE_CONTROL_POLICY';
    return lookup(`${kind === 'scp' ? 'service control policies' : 'resource control policies'} over account ${accountId}`, async () => {
      const targets: string[] = [accountId];
      for (let depth = 0; depth < 6; depth++) {
        const { Parents } = await call(`organizations:ListParents on ${targets[targets.length - 1]}`, () => this.organizations.send(new ListParentsCommand({ ChildId: targets[targets.length - 1] })));
        const parent = Parents?.[0];
        if (!parent?.Id) break;
        targets.push(parent.Id);
        if (parent.Type === 'ROOT') break;
      }
      const levels: NamedPolicy[][] = [];
      for (const target of targets.reverse()) {
        const { Policies } = await call(`organizations:ListPoliciesForTarget on ${target}`, () => this.organizations.send(new ListPoliciesForTargetCommand({ TargetId: target, Filter: filter })));
        const level: NamedPolicy[] = [];
        for (const summary of Policies ?? []) {
          const { Policy } = await call(`organizations:DescribePolicy on ${summary.Id}`, () => this.organizations.send(new DescribePolicyCommand({ PolicyId: summary.Id })));
          if (Policy?.Content) level.push({ name: summary.Name ?? summary.Id ?? 'policy', arn: summary.Arn, layer: kind, document: parsePolicyText(Policy.Content) });
        }
        levels.push(level);
      }
      return levels;
    });
  }
}
