/**
 * Reads a role's or user's policies from IAM: managed (default version) and inline, a user's groups' policies, the
 * permissions boundary, and a role's trust policy.
 */
import {
  GetGroupPolicyCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  GetUserCommand,
  GetUserPolicyCommand,
  ListAttachedGroupPoliciesCommand,
  ListAttachedRolePoliciesCommand,
  ListAttachedUserPoliciesCommand,
  ListGroupPoliciesCommand,
  ListGroupsForUserCommand,
  ListRolePoliciesCommand,
  ListUserPoliciesCommand,
  type IAMClient,
} from '@aws-sdk/client-iam';
import type { NamedPolicy, PolicyLayer } from '../../core/iam-policy/types.js';
import { call, lookup, parsePolicyText, type Lookup } from './lookup-result.js';

/** What IAM holds for one principal. */
export interface PrincipalPolicies {
  identity: NamedPolicy[];
  permissionsBoundary: NamedPolicy | null;
  /** Roles only. */
  trustPolicy: NamedPolicy | null;
  /** The principal's tags (GetRole/GetUser return them), for `aws:PrincipalTag/…` conditions. */
  tags: Record<string, string>;
}

const tagsOf = (tags: Array<{ Key?: string; Value?: string }> | undefined): Record<string, string> =>
  Object.fromEntries((tags ?? []).filter((tag) => tag.Key !== undefined).map((tag) => [tag.Key!, tag.Value ?? '']));

const nameOf = (arn: string): string => arn.slice(arn.lastIndexOf('/') + 1);

/** Reads IAM policies, given an `IAMClient`. */
export class IamPrincipalPolicies {
  constructor(private readonly iam: IAMClient) {}

  /** The policies of a role or user ARN; `not-permitted` names the first call IAM refused (`iam:GetRolePolicy on role/x`). */
  read(principalArn: string): Promise<Lookup<PrincipalPolicies>> {
    const kind = /:role\//.test(principalArn) ? 'role' : /:user\//.test(principalArn) ? 'user' : null;
    if (!kind) return Promise.resolve({ status: 'none' });
    const name = nameOf(principalArn);
    return lookup(`iam policies of ${kind} ${name}`, () => (kind === 'role' ? this.readRole(name) : this.readUser(name)));
  }

  private async readRole(name: string): Promise<PrincipalPolicies> {
    const on = `on role/${name}`;
    const { Role } = await call(`iam:GetRole ${on}`, () => this.iam.send(new GetRoleCommand({ RoleName: name })));
    const identity = [
      ...(await this.managed(await this.all(`iam:ListAttachedRolePolicies ${on}`, (Marker) => this.iam.send(new ListAttachedRolePoliciesCommand({ RoleName: name, Marker })), 'AttachedPolicies'))),
      ...(await this.inline(
        await this.all(`iam:ListRolePolicies ${on}`, (Marker) => this.iam.send(new ListRolePoliciesCommand({ RoleName: name, Marker })), 'PolicyNames'),
        async (PolicyName) => (await call(`iam:GetRolePolicy ${on}`, () => this.iam.send(new GetRolePolicyCommand({ RoleName: name, PolicyName })))).PolicyDocument,
        `role/${name}`,
      )),
    ];
    return {
      identity,
      permissionsBoundary: Role?.PermissionsBoundary?.PermissionsBoundaryArn ? await this.policyByArn(Role.PermissionsBoundary.PermissionsBoundaryArn, 'permissions-boundary') : null,
      trustPolicy: Role?.AssumeRolePolicyDocument ? { name: `trust policy of ${name}`, arn: Role.Arn, layer: 'role-trust-policy', document: parsePolicyText(Role.AssumeRolePolicyDocument) } : null,
      tags: tagsOf(Role?.Tags),
    };
  }

  private async readUser(name: string): Promise<PrincipalPolicies> {
    const on = `on user/${name}`;
    const { User } = await call(`iam:GetUser ${on}`, () => this.iam.send(new GetUserCommand({ UserName: name })));
    const identity = [
      ...(await this.managed(await this.all(`iam:ListAttachedUserPolicies ${on}`, (Marker) => this.iam.send(new ListAttachedUserPoliciesCommand({ UserName: name, Marker })), 'AttachedPolicies'))),
      ...(await this.inline(
        await this.all(`iam:ListUserPolicies ${on}`, (Marker) => this.iam.send(new ListUserPoliciesCommand({ UserName: name, Marker })), 'PolicyNames'),
        async (PolicyName) => (await call(`iam:GetUserPolicy ${on}`, () => this.iam.send(new GetUserPolicyCommand({ UserName: name, PolicyName })))).PolicyDocument,
        `user/${name}`,
      )),
    ];
    for (const group of await this.all(`iam:ListGroupsForUser ${on}`, (Marker) => this.iam.send(new ListGroupsForUserCommand({ UserName: name, Marker })), 'Groups')) {
      const groupName = (group as { GroupName?: string }).GroupName!;
      const onGroup = `on group/${groupName}`;
      identity.push(...(await this.managed(await this.all(`iam:ListAttachedGroupPolicies ${onGroup}`, (Marker) => this.iam.send(new ListAttachedGroupPoliciesCommand({ GroupName: groupName, Marker })), 'AttachedPolicies'))));
      identity.push(
        ...(await this.inline(
          await this.all(`iam:ListGroupPolicies ${onGroup}`, (Marker) => this.iam.send(new ListGroupPoliciesCommand({ GroupName: groupName, Marker })), 'PolicyNames'),
          async (PolicyName) => (await call(`iam:GetGroupPolicy ${onGroup}`, () => this.iam.send(new GetGroupPolicyCommand({ GroupName: groupName, PolicyName })))).PolicyDocument,
          `group/${groupName}`,
        )),
      );
    }
    return {
      identity,
      permissionsBoundary: User?.PermissionsBoundary?.PermissionsBoundaryArn ? await this.policyByArn(User.PermissionsBoundary.PermissionsBoundaryArn, 'permissions-boundary') : null,
      trustPolicy: null,
      tags: tagsOf(User?.Tags),
    };
  }

  private async managed(attached: unknown[]): Promise<NamedPolicy[]> {
    const policies: NamedPolicy[] = [];
    for (const entry of attached as Array<{ PolicyArn?: string }>) if (entry.PolicyArn) policies.push(await this.policyByArn(entry.PolicyArn, 'identity-policy'));
    return policies;
  }

  private async inline(names: unknown[], read: (name: string) => Promise<string | undefined>, owner: string): Promise<NamedPolicy[]> {
    const policies: NamedPolicy[] = [];
    for (const name of names as string[]) {
      const document = await read(name);
      if (document) policies.push({ name: `${owner} inline ${name}`, layer: 'identity-policy', document: parsePolicyText(document) });
    }
    return policies;
  }

  private async policyByArn(arn: string, layer: PolicyLayer): Promise<NamedPolicy> {
    const { Policy } = await call(`iam:GetPolicy on ${arn}`, () => this.iam.send(new GetPolicyCommand({ PolicyArn: arn })));
    const { PolicyVersion } = await call(`iam:GetPolicyVersion on ${arn}`, () => this.iam.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: Policy?.DefaultVersionId })));
    return { name: Policy?.PolicyName ?? arn, arn, layer, document: parsePolicyText(PolicyVersion?.Document ?? '{"Statement":[]}') };
  }

  private async all<K extends string>(what: string, page: (marker: string | undefined) => Promise<Partial<Record<K, unknown[]>> & { IsTruncated?: boolean; Marker?: string }>, key: K): Promise<unknown[]> {
    const items: unknown[] = [];
    let marker: string | undefined;
    for (let pages = 0; pages < 20; pages++) {
      const response = await call(what, () => page(marker));
      items.push(...(response[key] ?? []));
      if (!response.IsTruncated || !response.Marker) break;
      marker = response.Marker;
    }
    return items;
  }
}
