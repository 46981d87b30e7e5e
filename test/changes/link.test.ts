/** Linking rules on SYNTHETIC changes and alerts (pure: no store). */
import { describe, expect, it } from 'vitest';
import type { AlertSummary } from '../../lambdas/core/alert.js';
import type { AuthorizationChange } from '../../lambdas/core/changes/change.js';
import {
  attachedPoliciesOf,
  changeLookupOf,
  groupsOf,
  firstDenialMsOf,
  knownPoliciesOfDiagnosis,
  linkChanges,
  type DenialContext,
} from '../../lambdas/core/changes/link.js';
import type { Diagnosis } from '../../lambdas/core/iam-policy/diagnose.js';
import { regressionLookupOf } from '../../lambdas/core/changes/regression.js';

const FIRST = Date.parse('2026-06-01T09:00:20Z');
const ACCOUNT = '123456789012';
const ROLE = `arn:aws:iam::${ACCOUNT}:role/app/worker`;

const alert = (fields: Partial<AlertSummary> = {}): AlertSummary =>
  ({
    alertId: 'a',
    fingerprint: 'f',
    reason: 'threshold',
    accountId: ACCOUNT,
    principalArn: ROLE,
    principalType: 'AssumedRole',
    action: 's3:GetObject',
    resource: 'arn:aws:s3:::data/exports/x.csv',
    resourceFamily: 'arn:aws:s3:::data/exports/*',
    denyLayer: 'unknown',
    denyKind: 'unknown',
    policyArn: null,
    region: 'eu-west-1',
    eventSource: 's3.amazonaws.com',
    count: 6,
    windowStart: '2026-06-01T08:56:00.000Z',
    windowMinutes: 5,
    totalCount: 6,
    countsPerMinute: [...Array<number>(56).fill(0), 0, 0, 0, 0, 6],
    firstSeen: '2026-06-01T09:00:20.000Z',
    lastSeen: '2026-06-01T09:00:50.000Z',
    sampleEventIds: [],
    errorMessage: null,
    sessionNames: [],
    sourceIps: [],
    userAgents: [],
    baseline: 0,
    ...fields,
  }) as AlertSummary;

const sample: DenialContext = { recipientAccountId: ACCOUNT, vpcEndpointId: null, resource: null };

let id = 0;
const change = (minutesBefore: number, fields: Partial<AuthorizationChange>): AuthorizationChange => ({
  eventId: `c${++id}`,
  eventTime: new Date(FIRST - minutesBefore * 60_000).toISOString(),
  accountId: ACCOUNT,
  region: 'us-east-1',
  actorArn: `arn:aws:iam::${ACCOUNT}:user/alice`,
  actorType: 'IAMUser',
  actorSession: null,
  sourceIp: null,
  userAgent: null,
  eventSource: 'iam.amazonaws.com',
  eventName: 'DetachRolePolicy',
  action: 'iam:DetachRolePolicy',
  layer: 'identity-policy',
  scope: 'principal',
  principalArn: `arn:aws:iam::${ACCOUNT}:role/worker`,
  resourceArn: null,
  policyArn: null,
  policyName: null,
  organizationPolicyId: null,
  organizationPolicyType: null,
  organizationTargetId: null,
  parameters: {},
  ...fields,
});

const window = { fromMs: FIRST - 24 * 3_600_000, untilMs: FIRST };
const link = (changes: AuthorizationChange[], fields: Partial<AlertSummary> = {}, context: DenialContext = sample, known = { principal: [] as string[], organization: [] as string[] }) =>
  linkChanges(alert(fields), context, changes, window, known);

describe('the first denial of a spike', () => {
  it('is the first minute of the window holding a denial, exact to the second when first-seen falls inside it', () => {
    expect(firstDenialMsOf(alert())).toBe(FIRST);
    expect(firstDenialMsOf(alert({ firstSeen: '2026-05-01T00:00:00Z' }))).toBe(Date.parse('2026-06-01T09:00:00Z'));
    // The sample's own time is never used: it may be later than the first denial.
    expect(firstDenialMsOf(alert({ firstSeen: '2026-06-01T09:00:00.000Z' }))).toBe(Date.parse('2026-06-01T09:00:00Z'));
  });
});

describe('linking', () => {
  it('matches a role by name whatever its path, and says who did what, when', () => {
    const [linked] = link([change(14, { policyArn: `arn:aws:iam::${ACCOUNT}:policy/read-data` })]);
    expect(linked).toMatchObject({ match: 'principal', exactness: 'exact', minutesBeforeFirstDenial: 14 });
    expect(linked!.summary).toBe(`user/alice called DetachRolePolicy on role/worker (policy/read-data), account ${ACCOUNT}`);
  });

  it('never names a change the message\'s layer rules out', () => {
    expect(link([change(5, {})], { denyLayer: 'scp', denyKind: 'explicit' })).toEqual([]);
    expect(link([change(5, { layer: 'permissions-boundary', eventName: 'PutRolePermissionsBoundary' })], { denyLayer: 'permissions-boundary' })).toHaveLength(1);
  });

  it('never names a change in another account, even on a role of the same name', () => {
    expect(link([change(5, { accountId: '210987654321', principalArn: 'arn:aws:iam::210987654321:role/worker' })])).toEqual([]);
  });

  it('never names a change at or after the first denial, nor one older than the look-back', () => {
    expect(link([change(0, {}), change(-1, {}), change(24 * 60 + 1, {})])).toEqual([]);
  });

  it('names a bucket policy change for an object denial, and not another bucket\'s', () => {
    const bucket = { eventSource: 's3.amazonaws.com', eventName: 'PutBucketPolicy', layer: 'resource-policy' as const, scope: 'resource' as const, principalArn: null };
    const links = link([change(3, { ...bucket, resourceArn: 'arn:aws:s3:::data' }), change(2, { ...bucket, resourceArn: 'arn:aws:s3:::other' })]);
    expect(links.map((l) => [l.match, l.target])).toEqual([['resource', 'arn:aws:s3:::data']]);
  });

  it('names a VPC endpoint policy change only for denials through that endpoint', () => {
    const endpoint = change(9, { eventSource: 'ec2.amazonaws.com', eventName: 'ModifyVpcEndpoint', layer: 'vpc-endpoint-policy', scope: 'vpc-endpoint', principalArn: null, resourceArn: 'vpce-0abc' });
    expect(link([endpoint], {}, { ...sample, vpcEndpointId: 'vpce-0abc' })).toEqual([expect.objectContaining({ match: 'vpc-endpoint' })]);
    expect(link([endpoint], {}, { ...sample, vpcEndpointId: 'vpce-other' })).toEqual([]);
  });

  it('never names a call that can only grant (a KMS grant, a Lambda permission)', () => {
    const grant = change(2, { eventSource: 'kms.amazonaws.com', eventName: 'CreateGrant', layer: 'resource-policy', scope: 'resource', principalArn: null, resourceArn: 'arn:aws:s3:::data' });
    expect(link([grant])).toEqual([]);
  });

  it('SCP changes: exact when attached to the account, else any in the organization; the denying policy above all', () => {
    const scp = { eventSource: 'organizations.amazonaws.com', layer: 'scp' as const, scope: 'organization' as const, principalArn: null, accountId: '999988887777' };
    const attached = change(30, { ...scp, eventName: 'AttachPolicy', organizationPolicyId: 'p-1', organizationTargetId: ACCOUNT });
    const elsewhere = change(10, { ...scp, eventName: 'AttachPolicy', organizationPolicyId: 'p-2', organizationTargetId: 'ou-ab-cdef' });
    const denying = change(300, { ...scp, eventName: 'UpdatePolicy', organizationPolicyId: 'p-9', policyArn: 'arn:aws:organizations::999988887777:policy/o-x/service_control_policy/p-9' });
    const principal = change(1, {});
    const links = link([elsewhere, principal, attached, denying], {
      denyLayer: 'scp',
      denyKind: 'explicit',
      policyArn: 'arn:aws:organizations::999988887777:policy/o-x/service_control_policy/p-9',
    });
    expect(links.map((l) => [l.eventId, l.match, l.exactness])).toEqual([
      [denying.eventId, 'denying-policy', 'exact'],
      [attached.eventId, 'organization', 'exact'],
      [elsewhere.eventId, 'organization', 'any-in-organization'],
    ]);
  });

  it('the denying policy attached to this principal is the strongest link; attached to another role, or in another account, nothing', () => {
    const DENY = `arn:aws:iam::${ACCOUNT}:policy/deny-exports`;
    const fields = { denyLayer: 'identity-policy' as const, denyKind: 'explicit' as const, policyArn: DENY };
    const here = change(20, { eventName: 'AttachRolePolicy', policyArn: DENY });
    const otherRole = change(10, { eventName: 'AttachRolePolicy', policyArn: DENY, principalArn: `arn:aws:iam::${ACCOUNT}:role/other` });
    const otherAccount = change(5, { eventName: 'CreatePolicyVersion', scope: 'managed-policy', principalArn: null, policyArn: DENY, accountId: '210987654321' });
    expect(link([here, otherRole, otherAccount], fields).map((l) => [l.eventId, l.match])).toEqual([[here.eventId, 'denying-policy']]);
  });

  it('RCP changes explain RCP denials, not SCP ones', () => {
    const rcp = change(5, { eventSource: 'organizations.amazonaws.com', eventName: 'UpdatePolicy', layer: 'rcp', scope: 'organization', principalArn: null, organizationPolicyType: 'rcp' });
    expect(link([rcp], { denyLayer: 'scp' })).toEqual([]);
    expect(link([rcp], { denyLayer: 'rcp' })).toHaveLength(1);
  });

  it('permission-set changes only for Identity Center roles, never exact', () => {
    const sso = change(8, { eventSource: 'sso.amazonaws.com', eventName: 'DetachManagedPolicyFromPermissionSet', scope: 'permission-set', principalArn: null, accountId: '999988887777' });
    const ssoRole = `arn:aws:iam::${ACCOUNT}:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_DataReaders_0123456789abcdef`;
    expect(link([sso])).toEqual([]);
    expect(link([sso], { principalArn: ssoRole })).toEqual([expect.objectContaining({ match: 'principal', exactness: 'any-in-organization' })]);
  });

  it('names at most 3, most recent first within a tier', () => {
    const links = link([5, 50, 15, 30].map((minutes) => change(minutes, {})));
    expect(links.map((l) => l.minutesBeforeFirstDenial)).toEqual([5, 15, 30]);
  });

  it('looks under the principal, the resource and its bucket, the denying policy, the endpoint; and the organization when the layer allows', () => {
    const lookup = changeLookupOf(alert({ policyArn: `arn:aws:iam::${ACCOUNT}:policy/deny` }), { ...sample, vpcEndpointId: 'vpce-1' }, { firstDenialMs: FIRST, lookbackHours: 2 });
    expect(lookup.targets).toEqual([`arn:aws:iam::${ACCOUNT}:role/worker`, 'arn:aws:s3:::data', `arn:aws:iam::${ACCOUNT}:policy/deny`, 'vpce-1']);
    expect(lookup.organization).toBe(true);
    expect(lookup.fromMs).toBe(FIRST - 2 * 3_600_000);
    expect(changeLookupOf(alert({ denyLayer: 'identity-policy' }), sample, { firstDenialMs: FIRST, lookbackHours: 2 }).organization).toBe(false);
  });

  it('asks for a regression label only for actions the change stream records', () => {
    expect(regressionLookupOf(alert({ action: 'iam:PutRolePolicy' }))).toEqual({ actorKey: `arn:aws:iam::${ACCOUNT}:role/worker`, action: 'iam:PutRolePolicy' });
    expect(regressionLookupOf(alert())).toBeNull();
  });
});

describe('policies known to apply (attachments in the change stream, the diagnosis)', () => {
  const POLICY = `arn:aws:iam::${ACCOUNT}:policy/read-data`;
  const managed = (minutes: number, eventName: string) =>
    change(minutes, { eventName, action: `iam:${eventName}`, scope: 'managed-policy', principalArn: null, policyArn: POLICY });

  it('replays attachments and detachments of the principal, whatever its path', () => {
    const role = (minutes: number, eventName: string, policyArn: string | null) => change(minutes, { eventName, policyArn, principalArn: `arn:aws:iam::${ACCOUNT}:role/worker` });
    const history = [
      role(900, 'AttachRolePolicy', POLICY),
      role(800, 'AttachRolePolicy', `arn:aws:iam::${ACCOUNT}:policy/old`),
      role(700, 'DetachRolePolicy', `arn:aws:iam::${ACCOUNT}:policy/old`),
      role(600, 'PutRolePermissionsBoundary', `arn:aws:iam::${ACCOUNT}:policy/boundary`),
      role(500, 'DeleteRolePermissionsBoundary', null),
      change(400, { eventName: 'AttachRolePolicy', policyArn: `arn:aws:iam::${ACCOUNT}:policy/other-role`, principalArn: `arn:aws:iam::${ACCOUNT}:role/other` }),
    ];
    expect(attachedPoliciesOf(ROLE, history)).toEqual([POLICY]);
  });

  it('a new version of a policy attached to the denied principal is an exact principal link; of another policy, nothing', () => {
    expect(link([managed(20, 'CreatePolicyVersion')], { denyLayer: 'identity-policy' }, sample, { principal: [POLICY], organization: [] })).toEqual([
      expect.objectContaining({ match: 'principal', exactness: 'exact', policyArn: POLICY }),
    ]);
    expect(link([managed(20, 'CreatePolicyVersion')], { denyLayer: 'identity-policy' })).toEqual([]);
    // As a boundary too; never for an SCP denial.
    expect(link([managed(20, 'SetDefaultPolicyVersion')], { denyLayer: 'permissions-boundary' }, sample, { principal: [POLICY], organization: [] })).toHaveLength(1);
    expect(link([managed(20, 'SetDefaultPolicyVersion')], { denyLayer: 'scp' }, sample, { principal: [POLICY], organization: [] })).toEqual([]);
  });

  it('reads the policies the diagnosis evaluated: identity and boundary policies, SCPs on the account\'s path', () => {
    const scpArn = 'arn:aws:organizations::999988887777:policy/o-x/service_control_policy/p-7';
    const diagnosis = {
      layers: [
        { layer: 'identity-policy', policies: [POLICY, 'inline-policy-name'], result: 'no-match', statements: [] },
        { layer: 'scp', level: 1, policies: [scpArn], result: 'no-match', statements: [] },
      ],
    } as unknown as Diagnosis;
    const known = knownPoliciesOfDiagnosis(alert({ diagnosis }));
    expect(known).toEqual({ principal: [POLICY, 'inline-policy-name'], organization: [scpArn] });
    const update = change(50, { eventSource: 'organizations.amazonaws.com', eventName: 'UpdatePolicy', layer: 'scp', scope: 'organization', principalArn: null, accountId: '999988887777', organizationPolicyId: 'p-7' });
    expect(link([update], { denyLayer: 'scp' }, sample, known)).toEqual([expect.objectContaining({ match: 'organization', exactness: 'exact' })]);
  });

  it('matches the diagnosis\'s policy names as policy lookups give them (managed policy name, SCP name)', () => {
    const known = { principal: ['read-data'], organization: ['deny-lambda'] };
    expect(link([managed(20, 'CreatePolicyVersion')], { denyLayer: 'identity-policy' }, sample, known)).toEqual([expect.objectContaining({ match: 'principal' })]);
    const scp = { eventSource: 'organizations.amazonaws.com', layer: 'scp' as const, scope: 'organization' as const, principalArn: null, accountId: '999988887777' };
    const named = change(50, { ...scp, eventName: 'UpdatePolicy', organizationPolicyId: 'p-8', policyName: 'deny-lambda' });
    const other = change(40, { ...scp, eventName: 'UpdatePolicy', organizationPolicyId: 'p-9', policyName: 'deny-s3' });
    expect(link([named, other], { denyLayer: 'scp' }, sample, known).map((l) => [l.eventId, l.exactness])).toEqual([
      [named.eventId, 'exact'],
      [other.eventId, 'any-in-organization'],
    ]);
  });

  it('replays a user\'s group memberships', () => {
    const USER = `arn:aws:iam::${ACCOUNT}:user/bob`;
    const membership = (minutes: number, eventName: string, groupName: string) =>
      change(minutes, { eventName, principalArn: USER, parameters: { userName: 'bob', groupName } });
    expect(groupsOf(USER, [membership(30, 'AddUserToGroup', 'a'), membership(20, 'AddUserToGroup', 'b'), membership(10, 'RemoveUserFromGroup', 'a')])).toEqual([
      `arn:aws:iam::${ACCOUNT}:group/b`,
    ]);
    expect(groupsOf(ROLE, [membership(30, 'AddUserToGroup', 'a')])).toEqual([]);
  });
});
