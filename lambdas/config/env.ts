/**
 * Names of the environment variables the Lambda handler reads. The CDK stack imports these same names, and a test
 * checks that the stack sets every one the handler needs.
 */
export const HANDLER_ENV = {
  /** DynamoDB table holding history, counters and alert state. */
  tableName: 'DENIAL_TABLE_NAME',
  /** SNS topic that receives alert summaries (optional). */
  snsTopicArn: 'ALERT_TOPIC_ARN',
  /** ARN of the Secrets Manager secret whose value is the Slack incoming-webhook URL (optional). Never the URL itself. */
  slackWebhookSecretArn: 'SLACK_WEBHOOK_SECRET_ARN',
  /** SQS queue that keeps alerts whose delivery finally failed (optional). */
  alertDeadLetterQueueUrl: 'ALERT_DLQ_URL',
  /** SQS queue that keeps records the handler could not read (optional). */
  recordDeadLetterQueueUrl: 'RECORD_DLQ_URL',
  /** JSON object of spike rules and suppressions; see `lambdas/core/config.ts` for its fields. */
  settings: 'DENIAL_ALERTER_SETTINGS',
} as const;

export type HandlerEnvName = (typeof HANDLER_ENV)[keyof typeof HANDLER_ENV];

/**
 * Set to `true` (by the stack's opt-in `policyLookups` context) to let the handler read the policies behind an
 * alerting denial. Optional, so not part of `HANDLER_ENV`'s required names.
 */
export const POLICY_LOOKUPS_ENV = 'POLICY_LOOKUPS';

/** Slack app mode (context `slackAppSecretName`): the secret's ARN; without it, Slack is incoming webhooks as before. */
export const SLACK_APP_ENV = {
  /** ARN of the JSON secret `{botToken, signingSecret, channel}` (never its value). */
  secretArn: 'SLACK_APP_SECRET_ARN',
} as const;

/**
 * Optional routing variables (set by the stack from the `routes` and `accountOrganizationalUnits` context). Without
 * `routes`, one default route takes `ALERT_TOPIC_ARN` and `SLACK_WEBHOOK_SECRET_ARN`.
 */
export const ROUTING_ENV = {
  /** JSON array of routes; see `lambdas/core/routing.ts` (`parseRoutes`). */
  routes: 'DENIAL_ALERTER_ROUTES',
  /** JSON object of account id → organizational unit and root ids, for routes that match `organizationalUnits`. */
  accountOrganizationalUnits: 'DENIAL_ALERTER_ACCOUNT_OUS',
} as const;

/**
 * Optional cross-account lookup variables (set by the stack with the `organization` rollout): the handler reads a member
 * account's policies through that account's reader role.
 */
/** The reader role's name in every member account: the StackSet creates it, the handler assumes it. */
export const MEMBER_READER_ROLE_NAME = 'DenialAlerterReader';

export const MEMBER_ACCOUNTS_ENV = {
  /** ARN of the member accounts' reader role with `*` for the account, e.g. `arn:aws:iam::*:role/DenialAlerterReader`. */
  readerRoleArnPattern: 'MEMBER_READER_ROLE_ARN',
  /** The handler's own account: its denials are read without assuming a role. */
  ownAccountId: 'CENTRAL_ACCOUNT_ID',
} as const;
