/**
 * `DenialAlerter`, the central construct: CloudTrail denials → EventBridge rules (default bus and central bus) → SQS
 * (batching, dead-letter) → Lambda (spike engine) → DynamoDB history and alert state → SNS and Slack, by route;
 * alarms to an operations topic; optionally a trail, and the organization rollout (StackSet) of forwarders and
 * reader roles.
 */
import { Annotations, ArnFormat, Aws, CfnOutput, Duration, Stack, Validations } from 'aws-cdk-lib';
import { EventBus, Rule } from 'aws-cdk-lib/aws-events';
import { SnsTopic } from 'aws-cdk-lib/aws-events-targets';
import { CANARY_CHECK_MINUTES, DenialAlerterCanary, canaryCheckRule, type DenialAlerterCanaryProps } from './constructs/canary.js';
import { neverBlindEnvironment } from './never-blind-environment.js';
import { AccountPrincipal, AnyPrincipal, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Secret, type ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { LambdaSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { MEMBER_ACCOUNTS_ENV, MEMBER_READER_ROLE_NAME, ROUTING_ENV, SLACK_APP_ENV } from '../lambdas/config/env.js';
import { SlackInteractions } from './constructs/slack-interactions.js';
import { SECURITY_HUB_ENV } from '../lambdas/config/security-hub.js';
import { resolveSettings, type Settings } from '../lambdas/core/config.js';
import { defaultRouteSlackSecret, routesInForce, type Route } from '../lambdas/core/routing.js';
import { changeEventPatterns } from './change-pattern.js';
import { checkAwsLimits } from './limits/limit-checks.js';
import { AlertTopic } from './constructs/alert-topic.js';
import { DataKey } from './constructs/data-key.js';
import { alarmStatePattern, RULE_RETRY_POLICY } from './constructs/denial-forwarder.js';
import { DenialHandler, HANDLER_TIMEOUT } from './constructs/denial-handler.js';
import { DenialRule } from './constructs/denial-rule.js';
import { DenialTable } from './constructs/denial-table.js';
import { EncryptedQueue } from './constructs/encrypted-queue.js';
import { Observability } from './constructs/observability.js';
import { OptionalTrail } from './constructs/optional-trail.js';
import { OrganizationRollout } from './constructs/organization-rollout.js';
import type { MemberTemplateProps } from './member-template.js';
import { organizationRegions } from './partition-regions.js';

/** Name of the central bus that forwarders send to. */
export const CENTRAL_BUS_NAME = 'denial-alerter-central';

/** Id of the warning given for a route that can never match in the Lambda (tags it never reads). */
export const UNMATCHABLE_ROUTE_WARNING = 'denial-alerter:unmatchable-route';

/** Id of the warning `cdk synth --strict` fails on when alarms would reach no one. */
export const NO_OPERATIONS_RECEIVER_WARNING = 'denial-alerter:no-operations-receiver';

/** Where the StackSet deploys (context `organization`). */
export interface DenialAlerterOrganizationProps {
  /** The organization root (`r-…`) and/or organizational units (`ou-…`): every current and future account gets the member stack. */
  readonly targets: readonly string[];
  /** Regions the forwarder runs in, of one partition. Its IAM Region is always added (IAM, STS global endpoint and CloudFront denials land there; the reader role is created there). */
  readonly regions: readonly string[];
  /** Accounts of those units to leave out. @default [] */
  readonly excludeAccounts?: readonly string[];
  /** `DELEGATED_ADMIN` from a delegated administrator for StackSets, `SELF` from the management account. @default 'DELEGATED_ADMIN' */
  readonly callAs?: 'SELF' | 'DELEGATED_ADMIN';
}

export interface DenialAlerterProps {
  /** Spike rules and suppressions (`lambdas/core/config.ts`), validated. @default the defaults of `DEFAULT_SETTINGS` */
  readonly settings?: Partial<Settings>;
  /** Name of an existing Secrets Manager secret holding the default Slack webhook URL. @default no Slack */
  readonly slackWebhookSecretName?: string;
  /** Email addresses subscribed to the alert topic. @default [] */
  readonly alertEmails?: readonly string[];
  /** Email addresses subscribed to the operations topic (alarms). @default `alertEmails` */
  readonly opsEmails?: readonly string[];
  /** Days the handler's logs are kept (rounded up to a retention CloudWatch offers). @default 30 */
  readonly logRetentionDays?: number;
  /** Create a multi-Region trail (for accounts that have none), with these data and network activity selectors. @default no trail */
  readonly trail?: { readonly dataEvents?: ReadonlyArray<'s3' | 'lambda'>; readonly networkActivitySources?: readonly string[] };
  /** Organization id: lets member accounts' forwarders put events on the central bus. Required with `organization`. @default no organization */
  readonly organizationId?: string;
  /** Accounts outside the organization whose forwarders (`DenialAlerterForwarder`) may put events on the central bus. @default [] */
  readonly externalAccounts?: readonly string[];
  /** Roll the forwarder and the reader role out to the organization with a service-managed StackSet. @default no rollout */
  readonly organization?: DenialAlerterOrganizationProps;
  /** Let the handler read the policies behind an alerting denial (read-only actions). @default true with `organization`, else false */
  readonly policyLookups?: boolean;
  /** SQS messages per handler invocation. @default 1000 */
  readonly batchSize?: number;
  /** Also import every alert as an AWS Security Hub finding of the account's default product (docs/security-hub.md). @default false */
  readonly securityHub?: boolean;
  /** Maximum concurrent handler invocations from the ingest queue (2 to 1000). @default no limit */
  readonly maxConcurrency?: number;
  /** Alert routes (`lambdas/core/routing.ts`, already parsed). @default one default route: the alert topic and `slackWebhookSecretName` */
  readonly routes?: readonly Route[];
  /** Slack app mode: name of the JSON secret `{botToken, signingSecret, channel}` (threads, buttons, `SlackInteractionsUrl`). @default incoming webhooks */
  readonly slackAppSecretName?: string;
  /** Account id → its OU and root ids, for routes matching `organizationalUnits`. @default none */
  readonly accountOrganizationalUnits?: Readonly<Record<string, readonly string[]>>;
  /** Ingest policy-change events ("what changed", docs/what-changed.md): a second rule into the ingest queue, and in every member forwarder. @default true */
  readonly whatChanged?: boolean;
  /** The patterns of those events, one rule each (each within EventBridge's pattern size). @default `changeEventPatterns()` of `lib/change-pattern.ts` */
  readonly changeEventPatterns?: ReadonlyArray<Record<string, unknown>>;
  /** Called with the member stage before its template is synthesized (e.g. to add cdk-nag). @default nothing */
  readonly configureMemberStage?: MemberTemplateProps['configureStage'];
  /**
   * The canary here and in every member account and Region (docs/never-blind.md), with the handler's scheduled check
   * (every {@link CANARY_CHECK_MINUTES} minutes) that reports "blind" and "back" to the operations topic, or `false`.
   * @default every 15 minutes
   */
  readonly canary?: Pick<DenialAlerterCanaryProps, 'scheduleMinutes'> | false;
  /** `account` or `account/region` whose canary is never reported blind. @default [] */
  readonly canaryExcluded?: readonly string[];
}

export class DenialAlerter extends Construct {
  /** The Slack interaction endpoint (Slack app mode only). */
  public slackInteractions?: SlackInteractions;
  public readonly key: DataKey;
  public readonly table: DenialTable;
  /** Alerts (the default route's SNS channel). */
  public readonly topic: AlertTopic;
  /** Operational alarms: handler errors and throttles, dead letters (forwarders' included), delivery failures, failed stack instances. */
  public readonly operationsTopic: AlertTopic;
  public readonly handler: DenialHandler;
  public readonly ingestQueue: Queue;
  /** `operations`: alarms the handler could not post to Slack (after Lambda's retries), when alarms go to Slack. */
  public readonly deadLetterQueues: { readonly ingest: Queue; readonly rule: Queue; readonly record: Queue; readonly alert: Queue; readonly operations?: Queue };
  /** The rule on the account's default bus. */
  public readonly rule: DenialRule;
  /** The bus forwarders send to (other Regions of this account; other accounts of `organizationId`). */
  public readonly centralBus: EventBus;
  public readonly centralRule: DenialRule;
  /** "What changed" rules on the default and central bus (one per pattern on each), when patterns are given. */
  public readonly changeRules: readonly DenialRule[];
  /** Forwarders' alarms arriving on the central bus, to the operations topic. */
  public readonly forwardedAlarmsRule: Rule;
  public readonly trail?: OptionalTrail;
  public readonly rollout?: OrganizationRollout;
  public readonly observability: Observability;
  /** The canary of this account and Region (`canary: false`: none). */
  public readonly canary?: DenialAlerterCanary;
  /** The schedule that runs the handler's canary check. */
  public readonly canaryCheck?: Rule;
  /** The settings the handler runs with. */
  public readonly settings: Settings;

  constructor(scope: Construct, id: string, props: DenialAlerterProps = {}) {
    super(scope, id);
    checkAwsLimits(this);
    this.settings = resolveSettings(props.settings ?? {});
    if (props.organization && !props.organizationId) throw new Error('DenialAlerter: "organization" needs "organizationId" (the reader roles trust only principals of that organization)');
    this.key = new DataKey(this, 'DataKey');
    const key = this.key.key;
    this.table = new DenialTable(this, 'History', { encryptionKey: key });
    this.topic = new AlertTopic(this, 'Alerts', { encryptionKey: key, emails: props.alertEmails });
    const opsEmails = props.opsEmails ?? props.alertEmails ?? [];
    this.operationsTopic = new AlertTopic(this, 'Operations', { encryptionKey: key, emails: opsEmails, displayName: 'Denial Alerter operations', cloudWatchAlarms: true });
    // Alarms go to the default route's Slack too, as the Lambda reads its routes (routes, else the stack's secret).
    const alarmsToSlack = defaultRouteSlackSecret(routesInForce(props.routes, { slackWebhookSecretName: props.slackWebhookSecretName })) !== null;
    if (opsEmails.length === 0 && !alarmsToSlack) {
      Annotations.of(this.operationsTopic).addWarningV2(
        NO_OPERATIONS_RECEIVER_WARNING,
        'Alarms (handler errors, dead letters, delivery failures) would reach no one: the operations topic has no subscriber and the default route has no Slack webhook. Set context "opsEmails" or "alertEmails" (-c alertEmails=you@example.com), a "slackWebhookSecretName", or subscribe to the OperationsTopicArn output.',
      );
    }

    this.deadLetterQueues = {
      ingest: new EncryptedQueue(this, 'IngestDeadLetter', { encryptionKey: key, isRedriveTarget: true }).queue,
      rule: new EncryptedQueue(this, 'RuleDeadLetter', { encryptionKey: key }).queue,
      record: new EncryptedQueue(this, 'RecordDeadLetter', { encryptionKey: key }).queue,
      alert: new EncryptedQueue(this, 'AlertDeadLetter', { encryptionKey: key }).queue,
      ...(alarmsToSlack ? { operations: new EncryptedQueue(this, 'OperationsDeadLetter', { encryptionKey: key }).queue } : {}),
    };
    this.ingestQueue = new EncryptedQueue(this, 'Ingest', {
      encryptionKey: key,
      deadLetterQueue: this.deadLetterQueues.ingest,
      maxReceiveCount: 5,
      // Lambda's guidance for SQS event sources: at least six times the function timeout.
      visibilityTimeout: Duration.seconds(HANDLER_TIMEOUT.toSeconds() * 6),
    }).queue;

    const slackWebhookSecret: ISecret | undefined = props.slackWebhookSecretName ? Secret.fromSecretNameV2(this, 'SlackWebhook', props.slackWebhookSecretName) : undefined;
    const policyLookups = props.policyLookups ?? props.organization !== undefined;
    const readerRoleArnPattern = `arn:${Aws.PARTITION}:iam::*:role/${MEMBER_READER_ROLE_NAME}`;
    this.handler = new DenialHandler(this, 'Handler', {
      table: this.table.table,
      topic: this.topic.topic,
      encryptionKey: key,
      ingestQueue: this.ingestQueue,
      recordDeadLetterQueue: this.deadLetterQueues.record,
      alertDeadLetterQueue: this.deadLetterQueues.alert,
      settings: this.settings,
      slackWebhookSecret,
      logRetentionDays: props.logRetentionDays,
      batchSize: props.batchSize,
      maxConcurrency: props.maxConcurrency,
      policyLookups,
      organizationId: props.organizationId,
      environment: {
        ...(props.routes ? { [ROUTING_ENV.routes]: JSON.stringify(props.routes) } : {}),
        ...(props.accountOrganizationalUnits ? { [ROUTING_ENV.accountOrganizationalUnits]: JSON.stringify(props.accountOrganizationalUnits) } : {}),
        ...(props.organization && policyLookups ? { [MEMBER_ACCOUNTS_ENV.readerRoleArnPattern]: readerRoleArnPattern, [MEMBER_ACCOUNTS_ENV.ownAccountId]: Aws.ACCOUNT_ID } : {}),
        ...(props.securityHub ? { [SECURITY_HUB_ENV.accountId]: Aws.ACCOUNT_ID } : {}),
      },
    });
    if (props.slackAppSecretName) this.slackInteractions = this.slackApp(props.slackAppSecretName);
    if (props.securityHub) {
      // BatchImportFindings authorizes on the product (Service Authorization Reference, resource type `product`).
      this.handler.role.addToPolicy(
        new PolicyStatement({ sid: 'SecurityHubFindings', actions: ['securityhub:BatchImportFindings'], resources: [`arn:${Aws.PARTITION}:securityhub:${Aws.REGION}:${Aws.ACCOUNT_ID}:product/${Aws.ACCOUNT_ID}/default`] }),
      );
    }
    this.grantRoutes(props.routes ?? []);
    this.warnAboutUnmatchableRoutes(props.routes ?? [], policyLookups);
    if (this.deadLetterQueues.operations) {
      // The handler posts the operations topic's alarms to the default route's Slack (its SNS path); what Slack
      // does not take after Lambda's two retries of the asynchronous invocation is kept in the queue.
      // The destination is named without SqsDestination's own grant (it adds kms:ReEncrypt* and GenerateDataKey*):
      // the role already has kms:GenerateDataKey on the data key, and sqs:SendMessage on this queue alone below.
      const undelivered = this.deadLetterQueues.operations;
      this.handler.function.configureAsyncInvoke({ retryAttempts: 2, onFailure: { bind: () => ({ destination: undelivered.queueArn }) } });
      this.handler.role.addToPolicy(new PolicyStatement({ sid: 'UndeliveredAlarms', actions: ['sqs:SendMessage'], resources: [undelivered.queueArn] }));
      this.operationsTopic.topic.addSubscription(new LambdaSubscription(this.handler.function));
    }

    this.rule = this.ruleTo('Rule', undefined, { extraErrorCodes: this.settings.extraErrorCodes });
    // Always there (a custom bus costs nothing at rest), so that forwarders in this account's other Regions have a
    // target; other accounts may put events on it only with `organizationId`.
    // No Description: AWS GovCloud (US)'s schema of AWS::Events::EventBus has none (cfn-lint's us-gov-west-1 schema),
    // and an `Fn::If` on the partition still fails its check; the bus's name says what it is in every partition.
    this.centralBus = new EventBus(this, 'CentralBus', { eventBusName: CENTRAL_BUS_NAME });
    if (props.organizationId) {
      this.centralBus.addToResourcePolicy(
        new PolicyStatement({
          sid: 'DenialAlerterOrganization',
          principals: [new AnyPrincipal()],
          actions: ['events:PutEvents'],
          resources: [this.centralBus.eventBusArn],
          conditions: { StringEquals: { 'aws:PrincipalOrgID': props.organizationId } },
        }),
      );
    }
    if ((props.externalAccounts ?? []).length > 0) {
      this.centralBus.addToResourcePolicy(
        new PolicyStatement({
          sid: 'DenialAlerterExternalAccounts',
          principals: (props.externalAccounts ?? []).map((account) => new AccountPrincipal(account)),
          actions: ['events:PutEvents'],
          resources: [this.centralBus.eventBusArn],
        }),
      );
    }
    this.centralRule = this.ruleTo('CentralRule', this.centralBus.eventBusName, {
      extraErrorCodes: this.settings.extraErrorCodes,
      description: 'Denial Alerter: denials forwarded to the central bus',
    });
    const changes = props.whatChanged === false ? undefined : (props.changeEventPatterns ?? changeEventPatterns());
    // One rule per pattern (EventBridge's pattern size quota); the first keeps the id the single rule had.
    const shardId = (id: string, index: number) => (index === 0 ? id : `${id}${index + 1}`);
    this.changeRules = (changes ?? []).flatMap((eventPattern, index) => [
      this.ruleTo(shardId('ChangeRule', index), undefined, { eventPattern, description: 'Denial Alerter: policy changes ("what changed")' }),
      this.ruleTo(shardId('CentralChangeRule', index), this.centralBus.eventBusName, { eventPattern, description: 'Denial Alerter: policy changes forwarded to the central bus' }),
    ]);
    this.forwardedAlarmsRule = new Rule(this, 'ForwardedAlarms', {
      eventBus: this.centralBus,
      description: 'Denial Alerter: forwarders\' alarms (dead letters in member accounts and Regions) to the operations topic',
      eventPattern: { source: ['aws.cloudwatch'], detailType: alarmStatePattern()['detail-type'] as string[], detail: alarmStatePattern().detail as Record<string, unknown> },
      targets: [new SnsTopic(this.operationsTopic.topic)],
    });
    if (props.trail) this.trail = new OptionalTrail(this, 'Trail', props.trail);
    const canary = props.canary === false ? undefined : { scheduleMinutes: props.canary?.scheduleMinutes, logRetentionDays: props.logRetentionDays };
    if (canary) {
      this.canary = new DenialAlerterCanary(this, 'Canary', canary);
      this.canaryCheck = canaryCheckRule(this, 'CanaryCheck', this.handler.function);
    }
    if (props.organization) {
      this.rollout = new OrganizationRollout(this, 'Organization', {
        targets: props.organization.targets,
        regions: organizationRegions(props.organization.regions),
        excludeAccounts: props.organization.excludeAccounts,
        callAs: props.organization.callAs,
        organizationId: props.organizationId!,
        centralBusArn: this.centralBus.eventBusArn,
        handlerRoleArn: this.handler.role.roleArn,
        operationsTopic: this.operationsTopic.topic,
        extraErrorCodes: this.settings.extraErrorCodes,
        changeEventPatterns: changes,
        configureStage: props.configureMemberStage,
        canary: canary ?? false,
      });
      this.grantMemberReads(readerRoleArnPattern, props.organizationId!);
    }

    this.observability = new Observability(this, 'Observability', {
      handler: this.handler.function,
      topic: this.operationsTopic.topic,
      deadLetterQueues: {
        Ingest: this.deadLetterQueues.ingest,
        Rule: this.deadLetterQueues.rule,
        Record: this.deadLetterQueues.record,
        Alert: this.deadLetterQueues.alert,
        ...(this.deadLetterQueues.operations ? { Operations: this.deadLetterQueues.operations } : {}),
      },
    });
    // Never blind: the handler learns the alerter's own resources, and (with the canary) where to report "blind".
    for (const [name, value] of Object.entries(neverBlindEnvironment(this, { canary, excluded: props.canaryExcluded }))) this.handler.function.addEnvironment(name, value);
    if (canary) this.handler.role.addToPolicy(new PolicyStatement({ sid: 'CanaryNotices', actions: ['sns:Publish'], resources: [this.operationsTopic.topic.topicArn] }));

    new CfnOutput(this, 'CentralBusArn', { value: this.centralBus.eventBusArn, description: 'The forwarders\' target (context centralBusArn, or centralAccount and centralRegion)' });
    new CfnOutput(this, 'TableName', { value: this.table.table.tableName, description: 'denial-alerter history --table <this>' });
    new CfnOutput(this, 'AlertTopicArn', { value: this.topic.topic.topicArn });
    new CfnOutput(this, 'OperationsTopicArn', { value: this.operationsTopic.topic.topicArn, description: 'Alarms: subscribe here if no opsEmails were given' });
    new CfnOutput(this, 'DashboardName', { value: this.observability.dashboard.dashboardName });
    new CfnOutput(this, 'HandlerLogGroup', { value: this.handler.logGroup.logGroupName });
    if (this.rollout) new CfnOutput(this, 'StackSetName', { value: this.rollout.stackSet.stackSetName });
  }

  /** A rule on a bus, into the ingest queue, with EventBridge's retries and the rule dead-letter queue. */
  private ruleTo(id: string, eventBusName: string | undefined, options: { extraErrorCodes?: readonly string[]; eventPattern?: Record<string, unknown>; description?: string }): DenialRule {
    const deadLetter = this.deadLetterQueues.rule;
    const rule = new DenialRule(this, id, {
      eventBusName,
      extraErrorCodes: options.extraErrorCodes,
      eventPattern: options.eventPattern,
      description: options.description,
      target: { id: 'IngestQueue', arn: this.ingestQueue.queueArn, deadLetterConfig: { arn: deadLetter.queueArn }, retryPolicy: RULE_RETRY_POLICY },
    });
    for (const queue of [this.ingestQueue, deadLetter]) {
      queue.addToResourcePolicy(
        new PolicyStatement({
          sid: `EventBridge${id}`,
          principals: [new ServicePrincipal('events.amazonaws.com')],
          actions: ['sqs:SendMessage'],
          resources: [queue.queueArn],
          conditions: { ArnEquals: { 'aws:SourceArn': rule.rule.attrArn } },
        }),
      );
    }
    return rule;
  }

  /** Slack app mode: the handler reads the app secret and threads alerts; the interaction endpoint takes clicks. */
  private slackApp(secretName: string): SlackInteractions {
    const appSecret = Secret.fromSecretNameV2(this, 'SlackApp', secretName);
    this.handler.function.addEnvironment(SLACK_APP_ENV.secretArn, appSecret.secretArn);
    this.handler.role.addToPolicy(new PolicyStatement({ sid: 'SlackAppSecret', actions: ['secretsmanager:GetSecretValue'], resources: [`${appSecret.secretArn}-??????`] }));
    const interactions = new SlackInteractions(this, 'SlackInteractions', { table: this.table.table, encryptionKey: this.key.key, appSecret });
    new CfnOutput(this, 'SlackInteractionsUrl', { value: interactions.url.url, description: 'The Slack app\'s interactivity request URL (denial-alerter slack manifest --interactions-url <this>)' });
    return interactions;
  }

  /** Each route's own webhook secret and topic, and nothing else. */
  private grantRoutes(routes: readonly Route[]): void {
    const stack = Stack.of(this);
    const secrets = routes.flatMap((route) =>
      route.slackWebhookSecretArn
        ? // A full ARN ends in the six random characters; a partial one (as some users copy it) does not.
          [route.slackWebhookSecretArn, `${route.slackWebhookSecretArn}-??????`]
        : route.slackWebhookSecretName
          ? [stack.formatArn({ service: 'secretsmanager', resource: 'secret', resourceName: `${route.slackWebhookSecretName}-??????`, arnFormat: ArnFormat.COLON_RESOURCE_NAME })]
          : [],
    );
    const topics = [...new Set(routes.flatMap((route) => (route.snsTopicArn ? [route.snsTopicArn] : [])))];
    if (secrets.length > 0) {
      this.handler.role.addToPolicy(new PolicyStatement({ sid: 'RouteSlackWebhookSecrets', actions: ['secretsmanager:GetSecretValue'], resources: [...new Set(secrets)] }));
    }
    if (topics.length > 0) this.handler.role.addToPolicy(new PolicyStatement({ sid: 'RouteTopics', actions: ['sns:Publish'], resources: topics }));
  }

  /**
   * Warns (so `cdk synth --strict` fails) about routes the Lambda can never take: resource tags are never read, and a
   * principal's tags only with policy lookups (the diagnosis carries them).
   */
  private warnAboutUnmatchableRoutes(routes: readonly Route[], policyLookups: boolean): void {
    for (const route of routes) {
      const why = route.match?.resourceTags
        ? 'it matches resourceTags, and the handler never reads a resource\'s tags'
        : route.match?.principalTags && !policyLookups
          ? 'it matches principalTags, and without "policyLookups" the handler never reads a principal\'s tags'
          : null;
      if (why) Annotations.of(this).addWarningV2(UNMATCHABLE_ROUTE_WARNING, `Route "${route.name}" can never match: ${why}. Its alerts fall through to the next route.`);
    }
  }

  /** The handler may assume the reader role in accounts of the organization, and only there. */
  private grantMemberReads(readerRoleArnPattern: string, organizationId: string): void {
    this.handler.role.addToPolicy(
      new PolicyStatement({
        sid: 'AssumeMemberReaderRoles',
        actions: ['sts:AssumeRole'],
        resources: [readerRoleArnPattern],
        conditions: { StringEquals: { 'aws:ResourceOrgID': organizationId } },
      }),
    );
    Validations.of(this.handler.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iam::*:role/${MEMBER_READER_ROLE_NAME}]`,
      reason: 'The reader role of any member account (the denial\'s account is known only at run time), and only within the organization (aws:ResourceOrgID).',
    });
  }
}
