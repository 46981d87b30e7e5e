/**
 * Preflight in organization mode (context `organization`, or `--organization`): can this account deploy the
 * service-managed StackSet of forwarders and reader roles?
 *
 * - The caller is the management account (`CallAs: SELF`) or a delegated administrator registered for
 *   `member.org.stacksets.cloudformation.amazonaws.com` (`CallAs: DELEGATED_ADMIN`) (CloudFormation user guide,
 *   "Register a delegated administrator": https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stacksets-orgs-delegated-admin.html;
 *   CreateStackSet `CallAs`: https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateStackSet.html).
 * - Trusted access for StackSets is active ("Activate trusted access for stack sets with AWS Organizations":
 *   https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stacksets-orgs-activate-trusted-access.html).
 * - The organization has all features: service-managed StackSets and trusted access need them
 *   (Organizations user guide, "Enabling all features": https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_org_support-all-features.html).
 * - The target root and organizational units exist.
 */
import { uncheckedResult, type CallFailure, type CheckResult } from './checklist.js';

/** The service principal of CloudFormation StackSets in Organizations (trusted access and delegated administrators). */
export const STACKSETS_SERVICE_PRINCIPAL = 'member.org.stacksets.cloudformation.amazonaws.com';

/** The organization as DescribeOrganization gave it. */
export interface OrganizationDescription {
  readonly id: string;
  readonly managementAccountId: string;
  readonly featureSet: string;
}

/** What preflight found about the organization. */
export interface OrganizationFacts {
  readonly callerAccount: string;
  readonly callAs: 'SELF' | 'DELEGATED_ADMIN';
  /** Context `organizationId`, when given. */
  readonly expectedOrganizationId?: string;
  readonly organization: OrganizationDescription | 'not-in-organization' | CallFailure;
  /** Accounts registered as delegated administrators for StackSets. */
  readonly delegatedAdministrators: readonly string[] | CallFailure;
  /** Service principals with trusted access. */
  readonly trustedServices: readonly string[] | CallFailure;
  /** Each target of context `organization.targets`. */
  readonly targets: ReadonlyArray<{ readonly id: string; readonly state: 'exists' | 'missing' | CallFailure }>;
}

const isFailure = (value: unknown): value is CallFailure => typeof value === 'object' && value !== null && 'kind' in value && 'permission' in value;
const REGISTER = (account: string) => `from the management account: aws organizations register-delegated-administrator --account-id ${account} --service-principal ${STACKSETS_SERVICE_PRINCIPAL}`;

/** The organization checks: caller, all features, trusted access, targets. */
export function judgeOrganization(facts: OrganizationFacts): CheckResult[] {
  const { organization } = facts;
  const titles = { caller: 'StackSets caller (organization)', features: 'Organization has all features', trusted: 'Trusted access for StackSets', targets: 'Target root and OUs' };
  if (isFailure(organization)) return [uncheckedResult('org-caller', titles.caller, organization)];
  if (organization === 'not-in-organization') {
    return [{ id: 'org-caller', title: titles.caller, verdict: 'fail', detail: `account ${facts.callerAccount} is not in an organization`, fix: 'deploy without context "organization", or from an account of the organization' }];
  }
  return [callerResult(facts, organization, titles.caller), featuresResult(organization, titles.features), trustedResult(facts.trustedServices, organization, titles.trusted), targetsResult(facts.targets, titles.targets)];
}

function callerResult(facts: OrganizationFacts, organization: OrganizationDescription, title: string): CheckResult {
  const id = 'org-caller';
  const account = facts.callerAccount;
  if (facts.expectedOrganizationId && facts.expectedOrganizationId !== organization.id) {
    return { id, title, verdict: 'fail', detail: `context "organizationId" is ${facts.expectedOrganizationId}, but account ${account} belongs to ${organization.id}`, fix: `set context "organizationId" to ${organization.id}` };
  }
  if (account === organization.managementAccountId) {
    if (facts.callAs === 'SELF') return { id, title, verdict: 'pass', detail: `account ${account} is the management account (callAs SELF)` };
    return { id, title, verdict: 'fail', detail: `account ${account} is the management account, but the StackSet is created with callAs DELEGATED_ADMIN (for delegated administrators only)`, fix: 'set "callAs": "SELF" in context "organization"' };
  }
  const admins = facts.delegatedAdministrators;
  if (isFailure(admins)) {
    if (admins.kind !== 'denied') return uncheckedResult(id, title, admins);
    return {
      id,
      title,
      verdict: 'warn',
      detail: `not checked: ListDelegatedAdministrators was refused; Organizations answers it only in the management account (${organization.managementAccountId}) and delegated administrators, so either account ${account} is neither, or preflight's credentials lack ${admins.permission}`,
      fix: `allow ${admins.permission} to preflight's identity; if the account is not a delegated administrator for StackSets, ${REGISTER(account)}`,
    };
  }
  if (admins.includes(account)) {
    if (facts.callAs === 'DELEGATED_ADMIN') return { id, title, verdict: 'pass', detail: `account ${account} is a delegated administrator for StackSets (callAs DELEGATED_ADMIN)` };
    return { id, title, verdict: 'fail', detail: `account ${account} is a delegated administrator, but the StackSet is created with callAs SELF (the management account's)`, fix: 'set "callAs": "DELEGATED_ADMIN" in context "organization" (the default)' };
  }
  return {
    id,
    title,
    verdict: 'fail',
    detail: `account ${account} is neither the management account (${organization.managementAccountId}) nor a delegated administrator for StackSets: CloudFormation refuses the StackSet`,
    fix: `${REGISTER(account)}, or deploy from the management account with "callAs": "SELF"`,
  };
}

function featuresResult(organization: OrganizationDescription, title: string): CheckResult {
  const id = 'org-features';
  if (organization.featureSet === 'ALL') return { id, title, verdict: 'pass', detail: `${organization.id} has all features` };
  return {
    id,
    title,
    verdict: 'fail',
    detail: `${organization.id} has feature set ${organization.featureSet}: service-managed StackSets need all features`,
    fix: 'from the management account: aws organizations enable-all-features (every member account must approve)',
  };
}

function trustedResult(services: readonly string[] | CallFailure, organization: OrganizationDescription, title: string): CheckResult {
  const id = 'org-trusted-access';
  if (isFailure(services)) return uncheckedResult(id, title, services);
  if (services.includes(STACKSETS_SERVICE_PRINCIPAL)) return { id, title, verdict: 'pass', detail: `trusted access for ${STACKSETS_SERVICE_PRINCIPAL} is enabled` };
  return {
    id,
    title,
    verdict: 'fail',
    detail: `trusted access for CloudFormation StackSets is not enabled in ${organization.id}: the StackSet cannot deploy to member accounts`,
    fix: 'from the management account: aws cloudformation activate-organizations-access',
  };
}

function targetsResult(targets: OrganizationFacts['targets'], title: string): CheckResult {
  const id = 'org-targets';
  const failure = targets.map((target) => target.state).find(isFailure);
  const missing = targets.filter((target) => target.state === 'missing').map((target) => target.id);
  if (missing.length > 0) {
    return {
      id,
      title,
      verdict: 'fail',
      detail: `${missing.join(', ')} ${missing.length > 1 ? 'do' : 'does'} not exist in the organization`,
      fix: 'correct context "organization".targets (aws organizations list-roots; aws organizations list-organizational-units-for-parent --parent-id r-…)',
    };
  }
  if (failure) return uncheckedResult(id, title, failure);
  if (targets.length === 0) return { id, title, verdict: 'warn', detail: 'no targets given', fix: 'set "targets" in context "organization"' };
  return { id, title, verdict: 'pass', detail: `${targets.map((target) => target.id).join(', ')} ${targets.length > 1 ? 'exist' : 'exists'}` };
}
