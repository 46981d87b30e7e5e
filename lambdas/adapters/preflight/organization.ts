/**
 * The organization as Organizations describes it to the caller: DescribeOrganization, ListDelegatedAdministrators
 * (for StackSets' service principal), ListAWSServiceAccessForOrganization, and each target: ListRoots for `r-…`,
 * DescribeOrganizationalUnit for `ou-…` (Organizations API reference:
 * https://docs.aws.amazon.com/organizations/latest/APIReference/API_DescribeOrganization.html and the pages of the
 * other three; `AWSOrganizationsNotInUseException`, `OrganizationalUnitNotFoundException`).
 */
import {
  DescribeOrganizationCommand,
  DescribeOrganizationalUnitCommand,
  ListAWSServiceAccessForOrganizationCommand,
  ListDelegatedAdministratorsCommand,
  ListRootsCommand,
  type OrganizationsClient,
} from '@aws-sdk/client-organizations';
import type { CallFailure } from '../../core/preflight/checklist.js';
import { STACKSETS_SERVICE_PRINCIPAL, type OrganizationFacts } from '../../core/preflight/organization.js';
import { attempt, isCallFailure } from './aws-call.js';

const SERVICE = 'Organizations';

/** Everything the organization checks need. */
export async function gatherOrganization(
  organizations: OrganizationsClient,
  options: { callerAccount: string; callAs: 'SELF' | 'DELEGATED_ADMIN'; targets: readonly string[]; expectedOrganizationId?: string },
): Promise<OrganizationFacts> {
  const described = await attempt('organizations:DescribeOrganization', SERVICE, () => organizations.send(new DescribeOrganizationCommand({})), (error) =>
    error.name === 'AWSOrganizationsNotInUseException' ? ('not-in-organization' as const) : undefined,
  );
  const base = { callerAccount: options.callerAccount, callAs: options.callAs, expectedOrganizationId: options.expectedOrganizationId };
  if (isCallFailure(described) || described === 'not-in-organization') return { ...base, organization: described, delegatedAdministrators: [], trustedServices: [], targets: [] };
  const organization = { id: described.Organization?.Id ?? '', managementAccountId: described.Organization?.MasterAccountId ?? '', featureSet: described.Organization?.FeatureSet ?? '' };
  const [delegatedAdministrators, trustedServices, roots] = await Promise.all([
    pages('organizations:ListDelegatedAdministrators', async (NextToken) => {
      const page = await organizations.send(new ListDelegatedAdministratorsCommand({ ServicePrincipal: STACKSETS_SERVICE_PRINCIPAL, NextToken }));
      return { items: (page.DelegatedAdministrators ?? []).map((admin) => admin.Id ?? ''), next: page.NextToken };
    }),
    pages('organizations:ListAWSServiceAccessForOrganization', async (NextToken) => {
      const page = await organizations.send(new ListAWSServiceAccessForOrganizationCommand({ NextToken }));
      return { items: (page.EnabledServicePrincipals ?? []).map((service) => service.ServicePrincipal ?? ''), next: page.NextToken };
    }),
    options.targets.some((target) => target.startsWith('r-'))
      ? pages('organizations:ListRoots', async (NextToken) => {
          const page = await organizations.send(new ListRootsCommand({ NextToken }));
          return { items: (page.Roots ?? []).map((root) => root.Id ?? ''), next: page.NextToken };
        })
      : Promise.resolve([] as string[]),
  ]);
  const targets = await Promise.all(
    options.targets.map(async (id) => {
      if (id.startsWith('r-')) return { id, state: isCallFailure(roots) ? roots : roots.includes(id) ? ('exists' as const) : ('missing' as const) };
      const unit = await attempt('organizations:DescribeOrganizationalUnit', SERVICE, () => organizations.send(new DescribeOrganizationalUnitCommand({ OrganizationalUnitId: id })), (error) =>
        error.name === 'OrganizationalUnitNotFoundException' ? ('missing' as const) : undefined,
      );
      return { id, state: isCallFailure(unit) ? unit : unit === 'missing' ? ('missing' as const) : ('exists' as const) };
    }),
  );
  return { ...base, organization, delegatedAdministrators, trustedServices, targets };
}

/** Every page of a paginated list, or the failure of the first page that failed. */
async function pages(permission: string, page: (token: string | undefined) => Promise<{ items: string[]; next?: string }>): Promise<string[] | CallFailure> {
  return attempt(permission, SERVICE, async () => {
    const items: string[] = [];
    let token: string | undefined;
    do {
      const result = await page(token);
      items.push(...result.items);
      token = result.next;
    } while (token);
    return items;
  });
}
