/**
 * Denial Alerter as a CDK construct library.
 *
 * ```ts
 * import { DenialAlerter } from 'denial-alerter';
 * new DenialAlerter(stack, 'DenialAlerter', { slackWebhookSecretName: 'denial-alerter/slack-webhook', alertEmails: ['secops@example.com'] });
 * ```
 *
 * `DenialAlerter` is the central construct (rules, queue, handler, table, topics, alarms, and with `organization` the
 * StackSet that gives every member account a forwarder and a read-only reader role); `DenialAlerterForwarder`
 * forwards one account and Region's denials to the central bus (for accounts outside the organization rollout). The
 * handler ships prebuilt in the package: synthesizing needs neither esbuild nor Docker.
 */
export { DenialAlerter, CENTRAL_BUS_NAME, NO_OPERATIONS_RECEIVER_WARNING, type DenialAlerterProps, type DenialAlerterOrganizationProps } from './denial-alerter.js';
export { DenialAlerterForwarder, RULE_RETRY_POLICY, ALARM_NAME_PREFIX, type DenialAlerterForwarderProps } from './constructs/denial-forwarder.js';
export { DenialAlerterStack, centralBusArn, alerterPropsFrom, type DenialAlerterStackProps } from './denial-alerter-stack.js';
export { DenialAlerterForwarderStack, type DenialAlerterForwarderStackProps } from './forwarder-stack.js';
export { OrganizationRollout, type OrganizationRolloutProps } from './constructs/organization-rollout.js';
export { ReaderRole, type ReaderRoleProps } from './constructs/reader-role.js';
export { memberAccountTemplate, memberStack, MemberStack, MEMBER_TEMPLATE_PARAMETERS, READER_ROLE_REGION, type MemberTemplateProps } from './member-template.js';
export { stackConfigFrom, StackConfigError, type StackConfig, type OrganizationRollout as OrganizationRolloutConfig } from './stack-config.js';
export { DenialHandler, HANDLER_TIMEOUT, type DenialHandlerProps } from './constructs/denial-handler.js';
export { DenialTable } from './constructs/denial-table.js';
export { DenialRule } from './constructs/denial-rule.js';
export { AlertTopic } from './constructs/alert-topic.js';
export { DataKey } from './constructs/data-key.js';
export { EncryptedQueue } from './constructs/encrypted-queue.js';
export { Observability } from './constructs/observability.js';
export { OptionalTrail } from './constructs/optional-trail.js';
export { DenialAlerterCanary, CANARY_CHECK_MINUTES, canaryRoleName, type DenialAlerterCanaryProps } from './constructs/canary.js';
export { denialEventPattern } from './event-pattern.js';
export type { Settings, SuppressionRule } from '../lambdas/core/config.js';
export type { Route, RouteMatch } from '../lambdas/core/routing.js';
export { Backtest } from './constructs/backtest.js';
