/**
 * An alert as an AWS Security Finding Format (ASFF) finding, for Security Hub's `BatchImportFindings`.
 *
 * Sources (the page wins over this comment): the ASFF syntax and required attributes
 * (https://docs.aws.amazon.com/securityhub/latest/userguide/securityhub-findings-format-syntax.html,
 * https://docs.aws.amazon.com/securityhub/latest/userguide/asff-required-attributes.html), the `AwsSecurityFinding`
 * API reference (https://docs.aws.amazon.com/securityhub/1.0/APIReference/API_AwsSecurityFinding.html), the types
 * taxonomy (https://docs.aws.amazon.com/securityhub/latest/userguide/securityhub-findings-format-type-taxonomy.html)
 * and `BatchImportFindings` (https://docs.aws.amazon.com/securityhub/1.0/APIReference/API_BatchImportFindings.html).
 *
 * - One finding per incident (`core/findings/incident.ts`): its `Id` is the incident's, so an escalation imports the same
 *   `Id` with a later `UpdatedAt` (an update), and the quiet incident is imported once more with `RecordState: ARCHIVED`.
 * - `ProductArn` is the importing account's default product,
 *   `arn:<partition>:securityhub:<region>:<account>:product/<account>/default`, the partition from the Region.
 * - `AwsAccountId` is the importing account: "the identifier of the account that you are calling BatchImportFindings
 *   from needs to be the same as the AwsAccountId attribute for the finding" when the default product ARN is used
 *   (BatchImportFindings). A member account's denial, alerted by a central deployment, therefore carries the member
 *   account in `ProductFields` (`DenialAlerter/AccountId`) and in its resources' ARNs; see docs/security-hub.md.
 * - `Severity` and `Types` are given both at the top level and in `FindingProviderFields`: providers "use
 *   FindingProviderFields to provide and update their own values for … severity, and types" (API_AwsSecurityFinding).
 * - Every length and count limit of `limits.ts` holds; cut text ends with {@link TRUNCATED}.
 */
import type { AlertSummary, Severity } from '../alert.js';
import { partitionOf, partitionOfArn } from '../resource-arn.js';
import { findingContent, type FindingContent } from './content.js';
import type { IncidentActivity, IncidentState } from './incident.js';
import { ASFF_LIMITS, fitLine, TRUNCATED, UNSTATED_TEXT_MAX } from './limits.js';

export { TRUNCATED };

/** The ASFF schema version Security Hub accepts. */
export const ASFF_SCHEMA_VERSION = '2018-10-08';

/** ASFF's severity labels (`SeverityLabel`). */
export type AsffSeverityLabel = 'INFORMATIONAL' | 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL';

const SEVERITY_LABEL: Record<Severity, AsffSeverityLabel> = { info: 'INFORMATIONAL', low: 'LOW', medium: 'MEDIUM', high: 'HIGH', critical: 'CRITICAL' };

/** One ASFF resource (the subset this mapping writes). */
export interface AsffResource {
  Type: string;
  Id: string;
  Partition?: 'aws' | 'aws-cn' | 'aws-us-gov';
  Region?: string;
  Details?: { Other: Record<string, string> };
}

/** The ASFF finding this mapping writes: structurally an `AwsSecurityFinding` of `@aws-sdk/client-securityhub`. */
export interface AsffFinding {
  SchemaVersion: typeof ASFF_SCHEMA_VERSION;
  Id: string;
  ProductArn: string;
  ProductName: string;
  GeneratorId: string;
  AwsAccountId: string;
  Types: string[];
  CreatedAt: string;
  UpdatedAt: string;
  FirstObservedAt: string;
  LastObservedAt: string;
  Severity: { Label: AsffSeverityLabel; Original: string };
  FindingProviderFields: { Severity: { Label: AsffSeverityLabel; Original: string }; Types: string[] };
  Title: string;
  Description: string;
  Remediation: { Recommendation: { Text: string; Url: string } };
  SourceUrl?: string;
  ProductFields: Record<string, string>;
  Resources: AsffResource[];
  RecordState: 'ACTIVE' | 'ARCHIVED';
}

/** Where and when a finding is imported. */
export interface AsffContext {
  /** The importing account (the Lambda's, or the alert's own for a replay): `AwsAccountId` and the product ARN's account. */
  productAccountId: string;
  /** The Region Security Hub is called in. */
  region: string;
  incident: IncidentState;
  activity: IncidentActivity;
  /** ISO 8601: when this version of the finding was written (later than the last one for an update to apply). */
  updatedAt: string;
}

/** The account's own default product ARN in a Region (the partition from the Region). */
export function defaultProductArn(region: string, accountId: string): string {
  return `arn:${partitionOf(region)}:securityhub:${region}:${accountId}:product/${accountId}/default`;
}

/** The finding `Id` of an incident: the same for every alert of the incident, and for its archiving. */
export function asffFindingId(incident: Pick<IncidentState, 'incidentId'>): string {
  return fitLine(`denial-alerter/incident/${incident.incidentId}`, ASFF_LIMITS.id);
}

/** An alert (the latest of its incident) as an ASFF finding. */
export function asffFinding(alert: AlertSummary, context: AsffContext, content: FindingContent = findingContent(alert)): AsffFinding {
  const label = SEVERITY_LABEL[content.severity];
  const types = asffTypes(alert, content);
  const severity = { Label: label, Original: content.severity };
  return {
    SchemaVersion: ASFF_SCHEMA_VERSION,
    Id: asffFindingId(context.incident),
    ProductArn: defaultProductArn(context.region, context.productAccountId),
    ProductName: 'Denial Alerter',
    GeneratorId: `denial-alerter/${content.rule}`,
    AwsAccountId: context.productAccountId,
    Types: types,
    CreatedAt: new Date(context.incident.openedAtMs).toISOString(),
    UpdatedAt: context.updatedAt,
    FirstObservedAt: new Date(context.incident.openedAtMs).toISOString(),
    LastObservedAt: isoOr(alert.lastSeen, context.updatedAt),
    Severity: severity,
    FindingProviderFields: { Severity: { ...severity }, Types: [...types] },
    Title: content.title,
    Description: content.description,
    Remediation: { Recommendation: { Text: content.recommendation.text, Url: content.recommendation.url } },
    ...(content.sourceUrl ? { SourceUrl: fitLine(content.sourceUrl, UNSTATED_TEXT_MAX) } : {}),
    ProductFields: productFields(alert, context),
    Resources: asffResources(alert, context),
    RecordState: context.activity === 'close' ? 'ARCHIVED' : 'ACTIVE',
  };
}

/** The same finding, archived at `updatedAt` (the incident was quiet for its quiet period). */
export function archivedFinding(finding: AsffFinding, updatedAt: string): AsffFinding {
  return { ...finding, UpdatedAt: updatedAt, RecordState: 'ARCHIVED', ProductFields: { ...finding.ProductFields, 'DenialAlerter/Activity': 'close' } };
}

/**
 * `namespace/category/classifier`: TTPs when triage says to investigate first (an attack pattern: enumeration is
 * Discovery; a blinded trail, Defense Evasion), Unusual Behaviors for a new source or root, else Software and
 * Configuration Checks (a policy that refuses what a workload does).
 */
function asffTypes(alert: AlertSummary, content: FindingContent): string[] {
  const signals = new Set(content.facts.triage.signals.map((signal) => signal.id));
  // A change that blinds the alerter is Defense Evasion (ATT&CK T1562.008), whatever triage says.
  if (content.rule === 'blinding') return ['TTPs/Defense Evasion/Logging disabled or narrowed'];
  const types: string[] = [];
  if (content.facts.triage.investigateFirst) {
    const evasion = /^cloudtrail:(StopLogging|DeleteTrail|UpdateTrail|PutEventSelectors|PutAdvancedEventSelectors)$/i.test(alert.action);
    types.push(evasion ? 'TTPs/Defense Evasion/AccessDenied spike' : 'TTPs/Discovery/AccessDenied spike');
  }
  if (signals.has('root')) types.push('Unusual Behaviors/User/Root denied');
  if (signals.has('new-source-ip')) types.push('Unusual Behaviors/IP address/Denied from a new source');
  if (signals.has('new-principal')) types.push('Unusual Behaviors/User/Denied for a new principal');
  if (types.length === 0 || !content.facts.triage.investigateFirst) types.push('Software and Configuration Checks/AWS Security Best Practices/AccessDenied spike');
  return types.slice(0, ASFF_LIMITS.types);
}

function productFields(alert: AlertSummary, context: AsffContext): Record<string, string> {
  const fields: Record<string, string | null | undefined> = {
    'DenialAlerter/Fingerprint': alert.fingerprint,
    'DenialAlerter/IncidentId': context.incident.incidentId,
    'DenialAlerter/AlertId': alert.alertId,
    'DenialAlerter/Activity': context.activity,
    'DenialAlerter/Reason': alert.reason,
    'DenialAlerter/Action': alert.action,
    'DenialAlerter/DenyLayer': alert.denyLayer,
    'DenialAlerter/DenyKind': alert.denyKind,
    'DenialAlerter/PolicyArn': alert.policyArn,
    'DenialAlerter/AccountId': alert.accountId,
    'DenialAlerter/Region': alert.region,
    'DenialAlerter/Count': String(alert.count),
    'DenialAlerter/WindowMinutes': String(alert.windowMinutes),
    'DenialAlerter/TotalCount': String(alert.totalCount),
    'DenialAlerter/IncidentAlerts': String(context.incident.alerts),
    'DenialAlerter/SampleEventId': alert.sampleEventIds[0],
    'DenialAlerter/Route': alert.route,
  };
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value) out[key] = fitLine(value, ASFF_LIMITS.productFieldValue);
  }
  return out;
}

/**
 * ASFF resource types for the ARNs a denial names (https://docs.aws.amazon.com/securityhub/latest/userguide/asff-resources.html);
 * anything else, and a pattern (`instance/*`), is `Other`.
 */
const RESOURCE_TYPES: ReadonlyArray<[RegExp, string]> = [
  [/^arn:[^:]+:iam::\d{12}:role\//, 'AwsIamRole'],
  [/^arn:[^:]+:iam::\d{12}:user\//, 'AwsIamUser'],
  [/^arn:[^:]+:iam::\d{12}:group\//, 'AwsIamGroup'],
  [/^arn:[^:]+:iam::(\d{12}|aws):policy\//, 'AwsIamPolicy'],
  [/^arn:[^:]+:s3:::[^/]+$/, 'AwsS3Bucket'],
  [/^arn:[^:]+:s3:::[^/]+\/.+/, 'AwsS3Object'],
  [/^arn:[^:]+:lambda:[^:]+:\d{12}:function:/, 'AwsLambdaFunction'],
  [/^arn:[^:]+:kms:[^:]+:\d{12}:key\//, 'AwsKmsKey'],
  [/^arn:[^:]+:secretsmanager:[^:]+:\d{12}:secret:/, 'AwsSecretsManagerSecret'],
  [/^arn:[^:]+:sns:[^:]+:\d{12}:[^:/]+$/, 'AwsSnsTopic'],
  [/^arn:[^:]+:sqs:[^:]+:\d{12}:[^:/]+$/, 'AwsSqsQueue'],
  [/^arn:[^:]+:dynamodb:[^:]+:\d{12}:table\/[^/]+$/, 'AwsDynamoDbTable'],
  [/^arn:[^:]+:ec2:[^:]+:\d{12}:instance\/i-[0-9a-f]+$/, 'AwsEc2Instance'],
  [/^arn:[^:]+:ecr:[^:]+:\d{12}:repository\//, 'AwsEcrRepository'],
  [/^arn:[^:]+:cloudtrail:[^:]+:\d{12}:trail\//, 'AwsCloudTrailTrail'],
];

/** The ASFF resource type of an ARN (`Other` for a pattern or a type ASFF has no details object for). */
export function asffResourceType(arn: string): string {
  if (/[*?]/.test(arn)) return 'Other';
  return RESOURCE_TYPES.find(([pattern]) => pattern.test(arn))?.[1] ?? 'Other';
}

const PARTITIONS = new Set(['aws', 'aws-cn', 'aws-us-gov']);
const REGION = /^[a-z]{2}(?:-[a-z]+)+-\d$/;

/** The principal, the denied resource and the window's other denied resources, at most 32, each once. */
function asffResources(alert: AlertSummary, context: AsffContext): AsffResource[] {
  const resources: AsffResource[] = [];
  const seen = new Set<string>();
  const add = (arn: string | null | undefined, role: 'principal' | 'denied resource') => {
    if (!arn || arn === '(unknown)' || resources.length >= ASFF_LIMITS.resources) return;
    const id = fitLine(arn, UNSTATED_TEXT_MAX);
    if (seen.has(id)) return;
    seen.add(id);
    const type = asffResourceType(arn);
    const partition = partitionOfArn(arn);
    const region = arn.split(':')[3];
    resources.push({
      Type: type,
      Id: id,
      ...(partition && PARTITIONS.has(partition) ? { Partition: partition as AsffResource['Partition'] } : {}),
      ...(region && REGION.test(region) && region.length <= ASFF_LIMITS.resourceRegion ? { Region: region } : {}),
      Details: { Other: { Role: role, ...(role === 'principal' && alert.principalType ? { PrincipalType: fitLine(alert.principalType, ASFF_LIMITS.otherValue) } : {}) } },
    });
  };
  add(alert.principalArn, 'principal');
  add(alert.resource, 'denied resource');
  for (const { value } of alert.window?.resources.top ?? []) add(value, 'denied resource');
  if (resources.length === 0) {
    const account = alert.accountId && /^\d{12}$/.test(alert.accountId) ? alert.accountId : context.productAccountId;
    resources.push({ Type: 'Other', Id: `AWS::::Account:${account}`, Partition: partitionOf(context.region) as AsffResource['Partition'], Details: { Other: { Role: 'account' } } });
  }
  return resources;
}

function isoOr(value: string, fallback: string): string {
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : fallback;
}
