/**
 * Every call the deployed system depends on (issue 19, item 4): caller → action → resource, with the request context
 * the caller sends, for each synth variant. test/stack/call-permissions.test.ts evaluates each row with the project's
 * own IAM evaluator against the synthesized policies and fails on any refusal.
 *
 * It lives under test/ rather than lib/: nothing at synth or run time reads it, it is written against the constructs'
 * public fields and the variants' templates, and lib/ ships in the package. To add the calls of a new part of the
 * stack (the canary, say), add a function like {@link handlerCalls} and list it in {@link centralCalls}.
 *
 * What each service sends, and what each call needs, is cited on its row (`why`). Service principals are modelled as
 * AWS documents them: the calling service as `servicePrincipal`, with `aws:SourceArn` (the rule, alarm or topic on
 * whose behalf it calls) and `aws:SourceAccount` (IAM User Guide, "AWS global condition context keys": both are
 * present when "a service-to-service request" is made on behalf of a resource). A KMS call a service makes for a
 * queue or topic carries them too (the SQS and SNS key-management pages condition their key policies on
 * aws:SourceArn): the DataKey's CloudWatch grant depends on that (it requires aws:SourceAccount); EventBridge's KMS
 * calls are also allowed without them, by the unconditioned grant CDK adds for the SNS target. Every request is over
 * TLS (`aws:SecureTransport` true), which the topics' and queues' TLS-only Deny statements require.
 */
import { Aws, type CfnElement, type Stack } from 'aws-cdk-lib';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { IConstruct } from 'constructs';
import { actionResourceTypes, resourceArnFormat } from '../../../lambdas/core/iam-catalog.js';
import { TABLE_SCHEMA } from '../../../lambdas/adapters/table-schema.js';
import { ACCESS_TROUBLESHOOTER_ACTIONS, POLICY_LOOKUP_ACTIONS } from '../../../lib/policy-lookups.js';
import type { Route } from '../../../lambdas/core/routing.js';
import { readerGrants } from '../../../lib/constructs/reader-role.js';
import type { DenialAlerterForwarder } from '../../../lib/constructs/denial-forwarder.js';
import type { MemberStack } from '../../../lib/member-template.js';
import type { DenialAlerterCanary } from '../../../lib/constructs/canary.js';
import { CANARY_ACTION, CANARY_PARAMETER_NAME } from '../../../lambdas/core/canary/canary.js';
import { PLACE, type CentralVariant, type VariantTemplate } from './variants.js';

/** Who calls: a role of one of the templates (its session), an AWS service, or anyone (an unsigned request). */
export type CallPrincipal = { readonly role: string; readonly in: VariantTemplate } | { readonly service: string } | { readonly anonymous: true };

/** One call the running system makes. */
export interface Call {
  /** Who calls, in words (failure messages name it). */
  readonly caller: string;
  readonly principal: CallPrincipal;
  readonly action: string;
  /** The resource's ARN, as a value of `resourceIn`'s template (CloudFormation tokens allowed). */
  readonly resource: unknown;
  /** The template the resource (and its resource or key policy) belongs to. */
  readonly resourceIn: VariantTemplate;
  /** The resource is the user's, outside the stack: its resource policy is not ours, and is not checked. */
  readonly external?: boolean;
  /** Context keys the request carries (values may be tokens of `resourceIn`): aws:SourceArn, kms:ViaService, … */
  readonly context?: Readonly<Record<string, unknown>>;
  /** Why the system depends on it, and the page that says what it needs. */
  readonly why: string;
  /**
   * What AWS must decide. @default 'allowed'; a call the system makes to be refused (a canary's probe of an explicit
   * Deny) says 'explicit-deny'.
   */
  readonly expected?: 'allowed' | 'explicit-deny' | 'implicit-deny';
}

/** The pages the rows cite. */
export const PAGES = {
  executionRole: 'Lambda developer guide, "Defining Lambda function permissions with an execution role" (https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html)',
  sqsEventSource: 'Lambda developer guide, "Using Lambda with Amazon SQS": the execution role needs sqs:ReceiveMessage, sqs:DeleteMessage, sqs:GetQueueAttributes, and kms:Decrypt for a queue under a customer managed key (https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html)',
  sqsKeys: 'Amazon SQS developer guide, "Key management": producers need kms:GenerateDataKey and kms:Decrypt, consumers kms:Decrypt; an AWS service that sends needs them in the key policy (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html)',
  snsKeys: 'Amazon SNS developer guide, "Key management": publishers need kms:GenerateDataKey and kms:Decrypt; "Enable compatibility between event sources from AWS services and encrypted topics", whose key policy conditions on aws:SourceArn (https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html)',
  kmsViaService: 'AWS KMS developer guide, "kms:ViaService": a service calling KMS on a principal\'s behalf sets it to <service>.<region>.amazonaws.com (https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service)',
  eventBridgeTargets: 'EventBridge user guide, "Using resource-based policies for Amazon EventBridge": SQS and SNS targets are allowed to events.amazonaws.com by their queue or topic policy, with aws:SourceArn the rule (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html)',
  eventBridgeDeadLetters: 'EventBridge user guide, "Using dead-letter queues to process undelivered events": the queue policy allows events.amazonaws.com sqs:SendMessage with aws:SourceArn the rule (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html)',
  eventBridgeBusTarget: 'EventBridge user guide, "Sending and receiving events between AWS accounts" and "Event buses as targets": the rule\'s role needs events:PutEvents on the target bus, whose policy must allow the sender across accounts (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cross-account.html)',
  eventBridgeRoles: 'EventBridge user guide, "Using IAM roles to send events to targets": the role trusts events.amazonaws.com (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-identity-based.html)',
  alarmsToSns: 're:Post Knowledge Center, "Why didn\'t I receive an SNS notification for my CloudWatch alarm trigger?": a topic policy must allow cloudwatch.amazonaws.com sns:Publish, and the key policy kms:Decrypt and kms:GenerateDataKey, with aws:SourceArn the alarm (https://repost.aws/knowledge-center/cloudwatch-receive-sns-for-alarm-trigger)',
  snsToLambda: 'Lambda developer guide, "Invoking Lambda functions with Amazon SNS notifications": the function policy allows sns.amazonaws.com lambda:InvokeFunction with aws:SourceArn the topic (https://docs.aws.amazon.com/lambda/latest/dg/with-sns.html)',
  destinations: 'Lambda developer guide, "Capturing records of Lambda asynchronous invocations": an SQS destination needs sqs:SendMessage in the execution role (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html)',
  tableIndexes: 'DynamoDB developer guide, "IAM policy to grant access to a specific DynamoDB table and its indexes": a Query or Scan on an index is authorized on the index ARN (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/iam-policy-specific-table-indexes.html)',
  crossAccountRoles: 'IAM User Guide, "Cross account resource access in IAM": AssumeRole across accounts needs the caller\'s identity policy and the role\'s trust policy (https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies-cross-account-resource-access.html)',
  functionUrls: 'Lambda developer guide, "Control access to Lambda function URLs": a URL of auth type NONE needs both lambda:InvokeFunctionUrl and lambda:InvokeFunction (restricted to the URL) allowed to "*" in the function policy (https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html)',
  scheduleToLambda: 'EventBridge user guide, "Using resource-based policies for Amazon EventBridge": a Lambda target is allowed by the function policy to events.amazonaws.com with aws:SourceArn the rule (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html#eb-lambda-permissions)',
  explicitDeny: 'IAM User Guide, "Policy evaluation logic": an explicit deny in any policy overrides any allow (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html)',
  athena: 'Athena user guide, "Identity and access management in Athena": StartQueryExecution on the workgroup, Glue catalog, database and table, S3 on the source and the results (https://docs.aws.amazon.com/athena/latest/ug/security-iam-athena.html)',
} as const;

/** A role's principal: its logical id in a template. */
function roleOf(variant: VariantTemplate, stack: Stack, role: IConstruct): CallPrincipal {
  return { role: stack.getLogicalId(role.node.defaultChild as CfnElement), in: variant };
}

/**
 * What Lambda does with a function's role: assume it (`roleWords` names it in failure messages), and write the
 * function's logs with it, as `caller`.
 */
function functionRoleCalls(variant: VariantTemplate, stack: Stack, role: IConstruct & { roleArn: string }, logGroupName: string, caller: string, roleWords: string): Call[] {
  const t = (value: string) => stack.resolve(value);
  const principal = roleOf(variant, stack, role);
  const logStream = t(`arn:${Aws.PARTITION}:logs:${Aws.REGION}:${Aws.ACCOUNT_ID}:log-group:${logGroupName}:log-stream:2026/12/06/[$LATEST]0123456789abcdef`);
  return [
    { caller: `Lambda (assumes ${roleWords})`, principal: { service: 'lambda.amazonaws.com' }, action: 'sts:AssumeRole', resource: t(role.roleArn), resourceIn: variant, why: PAGES.executionRole },
    ...['logs:CreateLogStream', 'logs:PutLogEvents'].map((action): Call => ({ caller, principal, action, resource: logStream, resourceIn: variant, why: `Lambda writes the function's logs with its role; ${PAGES.executionRole}` })),
  ];
}

/** A service principal call's context: the resource on whose behalf it calls, and its account. */
const onBehalfOf = (sourceArn: unknown) => ({ 'aws:SourceArn': sourceArn, 'aws:SourceAccount': { Ref: 'AWS::AccountId' } });
/** The context of a KMS call a service makes for its caller (`kms:ViaService`). */
const via = (service: string) => ({ 'kms:ViaService': { 'Fn::Join': ['', [`${service}.`, { Ref: 'AWS::Region' }, '.amazonaws.com']] } });

/** One ARN per resource type of an action (names filled with examples), or `['*']` for an action without one. */
export function exampleArns(action: string, account: string, organizationAccount = '999988887777'): string[] {
  const [service] = action.split(':') as [string];
  const types = actionResourceTypes(action) ?? [];
  if (types.length === 0) return ['*'];
  return types.map((type) =>
    resourceArnFormat(service, type)!.replace(/\$\{(\w+)\}/g, (_match, name: string) => {
      if (name === 'Partition') return PLACE.partition;
      if (name === 'Region') return PLACE.region;
      if (name === 'Account') return service === 'organizations' ? organizationAccount : account;
      if (name === 'OrganizationId') return PLACE.organizationId.slice('o-'.length);
      if (name === 'PolicyType') return 'service_control_policy';
      return 'example';
    }),
  );
}

/** Calls of every central variant: the handler, the services that feed and alarm it, the options the variant turns on. */
export function centralCalls(variant: CentralVariant, context: Record<string, unknown>): Call[] {
  return [...handlerCalls(variant, context), ...serviceCalls(variant), ...slackAppCalls(variant), ...backtestCalls(variant), ...canaryCheckCalls(variant), ...(variant.alerter.canary ? canaryCalls(variant, variant.stack, variant.alerter.canary) : [])];
}

/**
 * A canary's calls (lib/constructs/canary.ts): its schedule invokes it, Lambda runs it with its role, and its one write
 * is refused by its own role's explicit Deny: the refusal is what CloudTrail records and the engine waits for.
 */
export function canaryCalls(variant: VariantTemplate, stack: Stack, canary: DenialAlerterCanary): Call[] {
  const t = (value: string) => stack.resolve(value);
  const role = roleOf(variant, stack, canary.role);
  const caller = `the canary (${variant.name})`;
  return [
    { caller: `the canary's schedule (${variant.name})`, principal: { service: 'events.amazonaws.com' }, action: 'lambda:InvokeFunction', resource: t(canary.function.functionArn), resourceIn: variant, context: onBehalfOf(t(canary.schedule.ruleArn)), why: PAGES.scheduleToLambda },
    ...functionRoleCalls(variant, stack, canary.role, canary.logGroup.logGroupName, caller, 'the canary role'),
    {
      caller, principal: role, action: CANARY_ACTION, resource: t(`arn:${Aws.PARTITION}:ssm:${Aws.REGION}:${Aws.ACCOUNT_ID}:parameter${CANARY_PARAMETER_NAME}`), resourceIn: variant, external: true,
      expected: 'explicit-deny', why: `the canary's probe: refused by its own role whatever else is attached; ${PAGES.explicitDeny}`,
    },
  ];
}

/** The central schedule that runs the handler's canary check, and the check's notices to the operations topic. */
export function canaryCheckCalls(variant: CentralVariant): Call[] {
  const { alerter: a, stack } = variant;
  if (!a.canaryCheck) return [];
  const t = (value: string) => stack.resolve(value);
  const handler = roleOf(variant, stack, a.handler.role);
  const caller = 'the handler\'s canary check (execution role)';
  return [
    { caller: 'the canary check schedule', principal: { service: 'events.amazonaws.com' }, action: 'lambda:InvokeFunction', resource: t(a.handler.function.functionArn), resourceIn: variant, context: onBehalfOf(t(a.canaryCheck.ruleArn)), why: PAGES.scheduleToLambda },
    { caller, principal: handler, action: 'sns:Publish', resource: t(a.operationsTopic.topic.topicArn), resourceIn: variant, why: '"blind" and "back" notices, and own-role notices, to the operations topic' },
    ...['kms:GenerateDataKey', 'kms:Decrypt'].map((action): Call => ({ caller, principal: handler, action, resource: t(a.key.key.keyArn), resourceIn: variant, context: via('sns'), why: `publishing to the encrypted operations topic; ${PAGES.snsKeys}; ${PAGES.kmsViaService}` })),
  ];
}

/** The handler's calls with its execution role: the ones its code makes and the ones Lambda makes with its role. */
export function handlerCalls(variant: CentralVariant, context: Record<string, unknown>): Call[] {
  const { alerter: a, stack } = variant;
  const t = (value: string) => stack.resolve(value);
  const handler = roleOf(variant, stack, a.handler.role);
  const caller = 'the handler (execution role)';
  const call = (action: string, resource: unknown, why: string, extra: Partial<Call> = {}): Call => ({ caller, principal: handler, action, resource, resourceIn: variant, why, ...extra });
  const key = t(a.key.key.keyArn);
  const encrypted = (service: 'sqs' | 'sns', producer: boolean, why: string): Call[] =>
    (producer ? ['kms:GenerateDataKey', 'kms:Decrypt'] : ['kms:Decrypt']).map((action) => call(action, key, `${why}; ${service === 'sqs' ? PAGES.sqsKeys : PAGES.snsKeys}; ${PAGES.kmsViaService}`, { context: via(service) }));
  const calls: Call[] = [
    ...functionRoleCalls(variant, stack, a.handler.role, a.handler.logGroup.logGroupName, caller, 'the execution role'),
    // The event-source mapping polls the ingest queue with the execution role.
    ...['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'].map((action) => call(action, t(a.ingestQueue.queueArn), `the event-source mapping; ${PAGES.sqsEventSource}`)),
    ...encrypted('sqs', false, 'the event-source mapping reads messages of the ingest queue'),
    // History and alert state (lambdas/adapters/dynamodb-denial-store.ts).
    ...['dynamodb:BatchGetItem', 'dynamodb:BatchWriteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:Query'].map((action) =>
      call(action, t(a.table.table.tableArn), 'the engine counts denials and keeps alert state in the table'),
    ),
    call('dynamodb:Query', t(`${a.table.table.tableArn}/index/${TABLE_SCHEMA.indexes.byDay.name}`), `triage reads recent history by day; ${PAGES.tableIndexes}`),
    call('dynamodb:Query', t(`${a.table.table.tableArn}/index/${TABLE_SCHEMA.indexes.byTime.name}`), `triage reads pages of the previous layout by time; ${PAGES.tableIndexes}`),
    call('dynamodb:Scan', t(`${a.table.table.tableArn}/index/${TABLE_SCHEMA.indexes.byTime.name}`), `the store asks once whether the table holds pages of the previous layout; ${PAGES.tableIndexes}`),
    call('sns:Publish', t(a.topic.topic.topicArn), 'alerts of the default route'),
    ...encrypted('sns', true, 'publishing to the encrypted alert topic'),
    ...[a.deadLetterQueues.record, a.deadLetterQueues.alert].map((queue) => call('sqs:SendMessage', t(queue.queueArn), 'unreadable records and undeliverable alerts are dead-lettered')),
    ...encrypted('sqs', true, 'sending to the encrypted dead-letter queues'),
  ];
  if (a.deadLetterQueues.operations) {
    calls.push(call('sqs:SendMessage', t(a.deadLetterQueues.operations.queueArn), `Lambda keeps alarms the handler could not post to Slack; ${PAGES.destinations}`));
  }
  const secretArn = (name: string) => `arn:${PLACE.partition}:secretsmanager:${PLACE.region}:${PLACE.centralAccount}:secret:${name}-AbCdEf`;
  const webhook = context.slackWebhookSecretName as string | undefined;
  if (webhook) calls.push(call('secretsmanager:GetSecretValue', secretArn(webhook), 'the Slack webhook URL of the default route', { external: true }));
  const slackApp = context.slackAppSecretName as string | undefined;
  if (slackApp) calls.push(call('secretsmanager:GetSecretValue', secretArn(slackApp), 'Slack app mode: the bot token', { external: true }));
  for (const route of (context.routes ?? []) as Route[]) {
    if (route.slackWebhookSecretName) calls.push(call('secretsmanager:GetSecretValue', secretArn(route.slackWebhookSecretName), `route ${route.name}: its Slack webhook`, { external: true }));
    if (route.slackWebhookSecretArn) calls.push(call('secretsmanager:GetSecretValue', route.slackWebhookSecretArn, `route ${route.name}: its Slack webhook (full ARN)`, { external: true }));
    if (route.snsTopicArn) calls.push(call('sns:Publish', route.snsTopicArn, `route ${route.name}: its own topic`, { external: true }));
  }
  if (context.securityHub) {
    calls.push(call('securityhub:BatchImportFindings', `arn:${PLACE.partition}:securityhub:${PLACE.region}:${PLACE.centralAccount}:product/${PLACE.centralAccount}/default`, 'alerts as Security Hub findings', { external: true }));
  }
  const lookups = context.policyLookups ?? context.organization !== undefined;
  if (lookups) {
    for (const action of [...POLICY_LOOKUP_ACTIONS, ...ACCESS_TROUBLESHOOTER_ACTIONS]) {
      for (const resource of exampleArns(action, PLACE.centralAccount)) calls.push(call(action, resource, 'policy lookups read the policies behind an alerting denial (lib/policy-lookups.ts)', { external: true }));
    }
  }
  return calls;
}

/** Services that feed the ingest queue and notify the operations topic, and SNS invoking the handler. */
export function serviceCalls(variant: CentralVariant): Call[] {
  const { alerter: a, stack } = variant;
  const t = (value: string) => stack.resolve(value);
  const key = t(a.key.key.keyArn);
  const events = { service: 'events.amazonaws.com' } as const;
  const calls: Call[] = [];
  const dataKey = (caller: string, principal: CallPrincipal, service: 'sqs' | 'sns', sourceArn: unknown, why: string) =>
    ['kms:GenerateDataKey', 'kms:Decrypt'].map((action): Call => ({ caller, principal, action, resource: key, resourceIn: variant, context: { ...onBehalfOf(sourceArn), ...via(service) }, why: `${why}; ${service === 'sqs' ? PAGES.sqsKeys : PAGES.snsKeys}` }));
  for (const rule of [a.rule, a.centralRule, ...a.changeRules]) {
    const ruleArn = t(rule.rule.attrArn);
    const caller = `EventBridge rule ${rule.node.id}`;
    calls.push({ caller, principal: events, action: 'sqs:SendMessage', resource: t(a.ingestQueue.queueArn), resourceIn: variant, context: onBehalfOf(ruleArn), why: PAGES.eventBridgeTargets });
    calls.push({ caller, principal: events, action: 'sqs:SendMessage', resource: t(a.deadLetterQueues.rule.queueArn), resourceIn: variant, context: onBehalfOf(ruleArn), why: PAGES.eventBridgeDeadLetters });
    calls.push(...dataKey(caller, events, 'sqs', ruleArn, 'EventBridge sends to the encrypted ingest and rule dead-letter queues'));
  }
  const toOperations = [a.forwardedAlarmsRule, ...(a.rollout?.failedInstancesRule ? [a.rollout.failedInstancesRule] : [])];
  for (const rule of toOperations) {
    const caller = `EventBridge rule ${rule.node.id}`;
    const ruleArn = t(rule.ruleArn);
    calls.push({ caller, principal: events, action: 'sns:Publish', resource: t(a.operationsTopic.topic.topicArn), resourceIn: variant, context: onBehalfOf(ruleArn), why: PAGES.eventBridgeTargets });
    calls.push(...dataKey(caller, events, 'sns', ruleArn, 'EventBridge publishes to the encrypted operations topic'));
  }
  const cloudwatch = { service: 'cloudwatch.amazonaws.com' } as const;
  for (const alarm of a.observability.alarms) {
    const caller = `CloudWatch alarm ${alarm.node.id}`;
    const alarmArn = t(alarm.alarmArn);
    calls.push({ caller, principal: cloudwatch, action: 'sns:Publish', resource: t(a.operationsTopic.topic.topicArn), resourceIn: variant, context: onBehalfOf(alarmArn), why: PAGES.alarmsToSns });
    calls.push(...dataKey(caller, cloudwatch, 'sns', alarmArn, 'alarm notifications to the encrypted operations topic'));
  }
  if (a.deadLetterQueues.operations) {
    calls.push({
      caller: 'SNS (the operations topic\'s Lambda subscription)',
      principal: { service: 'sns.amazonaws.com' },
      action: 'lambda:InvokeFunction',
      resource: t(a.handler.function.functionArn),
      resourceIn: variant,
      context: onBehalfOf(t(a.operationsTopic.topic.topicArn)),
      why: PAGES.snsToLambda,
    });
  }
  return calls;
}

/** Slack app mode: the interaction endpoint's role. */
export function slackAppCalls(variant: CentralVariant): Call[] {
  const interactions = variant.alerter.slackInteractions;
  if (!interactions) return [];
  const t = (value: string) => variant.stack.resolve(value);
  const principal = roleOf(variant, variant.stack, interactions.role);
  const caller = 'the Slack interaction endpoint (its role)';
  const logGroup = interactions.node.findAll().find((construct): construct is LogGroup => construct instanceof LogGroup);
  if (!logGroup) throw new Error('the Slack interaction endpoint has no log group');
  return [
    ...functionRoleCalls(variant, variant.stack, interactions.role, logGroup.logGroupName, caller, "the endpoint's role"),
    ...['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem'].map((action): Call => ({ caller, principal, action, resource: t(variant.alerter.table.table.tableArn), resourceIn: variant, why: 'responder items (RSP#…) in the engine\'s table' })),
    // Slack posts button clicks to the public URL: an unsigned request, allowed by the function policy alone.
    ...[
      { action: 'lambda:InvokeFunctionUrl', context: { 'lambda:FunctionUrlAuthType': 'NONE' } },
      { action: 'lambda:InvokeFunction', context: { 'lambda:FunctionUrlAuthType': 'NONE', 'lambda:InvokedViaFunctionUrl': 'true' } },
    ].map(({ action, context }): Call => ({ caller: 'Slack (the interaction URL, unsigned)', principal: { anonymous: true }, action, resource: t(interactions.function.functionArn), resourceIn: variant, context, why: PAGES.functionUrls })),
  ];
}

/** The back-test run role, as `denial-alerter athena run --no-create-table` uses it (the CLI in AWS). */
export function backtestCalls(variant: CentralVariant): Call[] {
  const backtest = variant.stack.backtest;
  if (!backtest) return [];
  const t = (value: string) => variant.stack.resolve(value);
  const principal = roleOf(variant, variant.stack, backtest.runRole);
  const caller = 'denial-alerter athena run (the back-test run role)';
  const call = (action: string, resource: unknown, extra: Partial<Call> = {}): Call => ({ caller, principal, action, resource, resourceIn: variant, why: PAGES.athena, ...extra });
  const arn = (service: string, resource: string) => `arn:${PLACE.partition}:${service}:${PLACE.region}:${PLACE.centralAccount}:${resource}`;
  const { spec } = backtest;
  const trailObjects = `${spec.prefix ? `${spec.prefix}/` : ''}AWSLogs/${spec.organizationId}/`;
  return [
    ...['athena:StartQueryExecution', 'athena:GetQueryExecution', 'athena:StopQueryExecution', 'athena:GetWorkGroup'].map((action) => call(action, arn('athena', `workgroup/${backtest.workGroup.name}`))),
    ...['glue:GetDatabase', 'glue:GetTable', 'glue:GetPartitions'].flatMap((action) =>
      [arn('glue', 'catalog'), arn('glue', `database/${spec.database}`), arn('glue', `table/${spec.database}/${spec.table}`)].map((resource) => call(action, resource)),
    ),
    call('s3:GetObject', `arn:${PLACE.partition}:s3:::${spec.bucket}/${trailObjects}${PLACE.memberAccount}/CloudTrail/eu-west-1/2026/12/05/file.json.gz`, { external: true }),
    call('s3:ListBucket', `arn:${PLACE.partition}:s3:::${spec.bucket}`, { external: true, context: { 's3:prefix': `${trailObjects}${PLACE.memberAccount}/` } }),
    ...['s3:PutObject', 's3:GetObject'].map((action) => call(action, t(backtest.resultsBucket.arnForObjects('athena-results/query.csv')))),
    call('s3:ListBucket', t(backtest.resultsBucket.bucketArn), { context: { 's3:prefix': 'unload/' } }),
    ...['kms:GenerateDataKey', 'kms:Decrypt'].map((action) => call(action, t(backtest.encryptionKey.keyArn), { context: via('s3') })),
    call('organizations:ListAccounts', '*', { external: true }),
  ];
}

/**
 * A forwarder's calls: EventBridge assumes its role and puts events on the central bus with it, and dead-letters to
 * its SSE-SQS queue (no KMS key). `central` is the variant whose bus receives.
 */
export function forwarderCalls(variant: VariantTemplate, stack: Stack, forwarder: DenialAlerterForwarder, central: CentralVariant): Call[] {
  const t = (value: string) => stack.resolve(value);
  const events = { service: 'events.amazonaws.com' } as const;
  const role = roleOf(variant, stack, forwarder.role);
  const calls: Call[] = [];
  for (const rule of [forwarder.rule, ...forwarder.changeRules, forwarder.alarmRule]) {
    const context = onBehalfOf(t(rule.rule.attrArn));
    const caller = `forwarder rule ${rule.node.id} (${variant.name})`;
    calls.push({ caller, principal: events, action: 'sts:AssumeRole', resource: t(forwarder.role.roleArn), resourceIn: variant, context, why: PAGES.eventBridgeRoles });
    calls.push({ caller, principal: events, action: 'sqs:SendMessage', resource: t(forwarder.deadLetterQueue.queueArn), resourceIn: variant, context, why: PAGES.eventBridgeDeadLetters });
  }
  calls.push({
    caller: `the forwarder's role (${variant.name})`,
    principal: role,
    action: 'events:PutEvents',
    resource: central.stack.resolve(central.alerter.centralBus.eventBusArn),
    resourceIn: central,
    why: PAGES.eventBridgeBusTarget,
  });
  return calls;
}

/** A member account's calls: its forwarder's, the central handler assuming its reader role, and the reader's lookups. */
export function memberCalls(variant: VariantTemplate, member: MemberStack, central: CentralVariant): Call[] {
  const t = (value: string) => member.resolve(value);
  const reader = roleOf(variant, member, member.readerRole.role);
  const calls: Call[] = [
    ...forwarderCalls(variant, member, member.forwarder, central),
    ...(member.canary ? canaryCalls(variant, member, member.canary) : []),
    {
      caller: 'the central handler (execution role)',
      principal: roleOf(central, central.stack, central.alerter.handler.role),
      action: 'sts:AssumeRole',
      resource: t(member.readerRole.role.roleArn),
      resourceIn: variant,
      why: `policy lookups in the denial's account; ${PAGES.crossAccountRoles}`,
    },
  ];
  for (const grant of readerGrants(PLACE.partition, PLACE.memberAccount)) {
    for (const action of grant.actions) {
      for (const resource of exampleArns(action, PLACE.memberAccount)) {
        calls.push({ caller: 'the reader role (member account)', principal: reader, action, resource, resourceIn: variant, external: true, why: 'policy lookups read the policies behind a denial in the member account' });
      }
    }
  }
  return calls;
}
