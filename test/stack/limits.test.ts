/**
 * Every documented AWS limit of `lib/limits/aws-limits.ts` fails `cdk synth` when exceeded, naming the resource, the
 * limit and the page; the app's own stacks carry the check and pass it.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, CfnOutput, CfnParameter, CfnResource, CliCredentialsStackSynthesizer, Stack } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { AWS_LIMITS, type AwsLimitId } from '../../lib/limits/aws-limits.js';
import { checkAwsLimits, policyCharacters } from '../../lib/limits/limit-checks.js';

/** A fresh stack with the limit check, the template delivered through S3 unless `inRequest`. */
function checkedStack(inRequest = false): { app: App; stack: Stack } {
  const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'limits-')) });
  const stack = new Stack(app, 'Limits', inRequest ? { synthesizer: new CliCredentialsStackSynthesizer() } : {});
  checkAwsLimits(stack);
  return { app, stack };
}

const resource = (stack: Stack, id: string, type: string, properties: Record<string, unknown>) => new CfnResource(stack, id, { type, properties });
const statement = (index: number) => ({ Sid: `S${index}`, Effect: 'Allow', Action: 'sqs:SendMessage', Resource: `arn:aws:sqs:us-east-1:111122223333:queue-${'q'.repeat(40)}-${index}` });
const policy = (statements: number) => ({ Version: '2012-10-17', Statement: Array.from({ length: statements }, (_, index) => statement(index)) });
const trust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] };

/** Expects synth to fail naming the construct, the limit's name and its page. */
function expectBreach(app: App, path: string, limit: AwsLimitId): void {
  const { name, source } = AWS_LIMITS[limit];
  let message = '';
  try {
    app.synth();
  } catch (error) {
    message = (error as Error).message;
  }
  expect(message, `synth should fail on ${limit}`).toContain(path);
  expect(message).toContain(name);
  expect(message).toContain(source);
}

describe('AWS limits at synth: each one, exceeded, fails cdk synth naming the resource, the limit and the page', () => {
  it('event pattern size (2,048 characters)', () => {
    const { app, stack } = checkedStack();
    resource(stack, 'BigRule', 'AWS::Events::Rule', { EventPattern: { source: ['aws.iam'], detail: { eventName: Array.from({ length: 200 }, (_, index) => `EventName${index}`) } } });
    expectBreach(app, 'Limits/BigRule', 'eventPatternSize');
  });

  it('targets per rule (5)', () => {
    const { app, stack } = checkedStack();
    resource(stack, 'Rule', 'AWS::Events::Rule', { EventPattern: { source: ['aws.iam'] }, Targets: Array.from({ length: 6 }, (_, index) => ({ Id: `T${index}`, Arn: 'arn:aws:sqs:us-east-1:111122223333:q' })) });
    expectBreach(app, 'Limits/Rule', 'targetsPerRule');
  });

  it('Lambda environment variables (4 KB in all, references counted at their estimated length)', () => {
    const { app, stack } = checkedStack();
    const queue = resource(stack, 'Queue', 'AWS::SQS::Queue', {});
    resource(stack, 'Fn', 'AWS::Lambda::Function', { Role: 'arn:aws:iam::111122223333:role/r', Code: { ZipFile: 'x' }, Environment: { Variables: { BIG: 'x'.repeat(3990), URL: queue.ref } } });
    expectBreach(app, 'Limits/Fn', 'lambdaEnvironmentSize');
  });

  it('inline policies of one role (10,240 characters in total, whitespace not counted), across AWS::IAM::Policy resources', () => {
    const { app, stack } = checkedStack();
    const role = resource(stack, 'Role', 'AWS::IAM::Role', { AssumeRolePolicyDocument: trust, Policies: [{ PolicyName: 'a', PolicyDocument: policy(40) }] });
    resource(stack, 'Extra', 'AWS::IAM::Policy', { PolicyName: 'b', PolicyDocument: policy(40), Roles: [role.ref] });
    expect(policyCharacters(policy(40))).toBeLessThan(10_240);
    expectBreach(app, 'Limits/Role', 'roleInlinePoliciesSize');
  });

  it('managed policy size (6,144 characters)', () => {
    const { app, stack } = checkedStack();
    resource(stack, 'Managed', 'AWS::IAM::ManagedPolicy', { PolicyDocument: policy(60) });
    expectBreach(app, 'Limits/Managed', 'managedPolicySize');
  });

  it('role trust policy (2,048 characters)', () => {
    const { app, stack } = checkedStack();
    const principals = Array.from({ length: 80 }, (_, index) => `arn:aws:iam::${String(111122220000 + index)}:root`);
    resource(stack, 'Role', 'AWS::IAM::Role', { AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: principals }, Action: 'sts:AssumeRole' }] } });
    expectBreach(app, 'Limits/Role', 'roleTrustPolicySize');
  });

  it('StackSet template body (51,200 bytes)', () => {
    const { app, stack } = checkedStack();
    resource(stack, 'Members', 'AWS::CloudFormation::StackSet', { StackSetName: 'members', PermissionModel: 'SERVICE_MANAGED', TemplateBody: JSON.stringify({ Description: 'x'.repeat(52_000) }) });
    expectBreach(app, 'Limits/Members', 'templateBodyInRequest');
  });

  it('template size: 51,200 bytes sent in the request (no S3 upload), 1 MB through S3', () => {
    const small = checkedStack(true);
    for (let index = 0; index < 30; index++) resource(small.stack, `Q${index}`, 'AWS::SQS::Queue', { Tags: [{ Key: 'k', Value: 'v'.repeat(2000) }] });
    expectBreach(small.app, 'the template', 'templateBodyInRequest');
    const large = checkedStack();
    for (let index = 0; index < 300; index++) resource(large.stack, `Q${index}`, 'AWS::SQS::Queue', { Tags: [{ Key: 'k', Value: 'v'.repeat(3600) }] });
    expectBreach(large.app, 'the template', 'templateBodyInS3');
  });

  it('resources per template (500)', () => {
    const { app, stack } = checkedStack();
    for (let index = 0; index < 501; index++) resource(stack, `Q${index}`, 'AWS::SQS::Queue', {});
    expectBreach(app, 'the template', 'resourcesPerTemplate');
  });

  it('outputs per template (200)', () => {
    const { app, stack } = checkedStack();
    for (let index = 0; index < 201; index++) new CfnOutput(stack, `O${index}`, { value: 'x' });
    expectBreach(app, 'the template', 'outputsPerTemplate');
  });

  it('parameters per template (200)', () => {
    const { app, stack } = checkedStack();
    for (let index = 0; index < 201; index++) new CfnParameter(stack, `P${index}`, { type: 'String', default: 'x' });
    expectBreach(app, 'the template', 'parametersPerTemplate');
  });

  it('SQS visibility timeout at least 6x the function timeout (Lambda\'s SQS guidance)', () => {
    const { app, stack } = checkedStack();
    const queue = resource(stack, 'Queue', 'AWS::SQS::Queue', { VisibilityTimeout: 300 });
    const fn = resource(stack, 'Fn', 'AWS::Lambda::Function', { Role: 'arn:aws:iam::111122223333:role/r', Code: { ZipFile: 'x' }, Timeout: 120 });
    resource(stack, 'Mapping', 'AWS::Lambda::EventSourceMapping', { EventSourceArn: queue.getAtt('Arn'), FunctionName: fn.ref });
    expectBreach(app, 'Limits/Mapping', 'sqsVisibilityTimeoutMultiple');
  });

  it('event source maximum concurrency (2 to 1000), both ends', () => {
    for (const maximum of [1, 1001]) {
      const { app, stack } = checkedStack();
      resource(stack, 'Mapping', 'AWS::Lambda::EventSourceMapping', { EventSourceArn: 'arn:aws:sqs:us-east-1:111122223333:q', FunctionName: 'f', ScalingConfig: { MaximumConcurrency: maximum } });
      expectBreach(app, 'Limits/Mapping', 'eventSourceMaximumConcurrency');
    }
  });

  it('global secondary indexes per table (20)', () => {
    const { app, stack } = checkedStack();
    const index = (n: number) => ({ IndexName: `i${n}`, KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }], Projection: { ProjectionType: 'KEYS_ONLY' } });
    resource(stack, 'Table', 'AWS::DynamoDB::Table', { KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }], GlobalSecondaryIndexes: Array.from({ length: 21 }, (_, n) => index(n)) });
    expectBreach(app, 'Limits/Table', 'globalSecondaryIndexesPerTable');
  });

  it.each([
    ['AWS::Events::Rule', 'Name', 65, 'ruleNameLength'],
    ['AWS::Events::EventBus', 'Name', 257, 'eventBusNameLength'],
    ['AWS::IAM::Role', 'RoleName', 65, 'roleNameLength'],
    ['AWS::SQS::Queue', 'QueueName', 81, 'queueNameLength'],
    ['AWS::SNS::Topic', 'TopicName', 257, 'topicNameLength'],
    ['AWS::Lambda::Function', 'FunctionName', 65, 'functionNameLength'],
    ['AWS::Logs::LogGroup', 'LogGroupName', 513, 'logGroupNameLength'],
    ['AWS::DynamoDB::Table', 'TableName', 256, 'tableNameLength'],
    ['AWS::CloudWatch::Alarm', 'AlarmName', 256, 'alarmNameLength'],
    ['AWS::CloudFormation::StackSet', 'StackSetName', 129, 'stackSetNameLength'],
  ] as const)('%s %s longer than AWS allows (%i characters)', (type, property, length, limit) => {
    const { app, stack } = checkedStack();
    resource(stack, 'Named', type, { [property]: 'n'.repeat(length) });
    expectBreach(app, 'Limits/Named', limit);
    const { app: fits, stack: fitting } = checkedStack();
    resource(fitting, 'Named', type, { [property]: 'n'.repeat(length - 1) });
    expect(() => fits.synth()).not.toThrow();
  });

  it('counts a name built from the stack name at CloudFormation\'s longest stack name (128)', () => {
    const { app, stack } = checkedStack();
    resource(stack, 'Named', 'AWS::IAM::Role', { RoleName: { 'Fn::Join': ['-', [{ Ref: 'AWS::StackName' }, 'reader']] } });
    expectBreach(app, 'Limits/Named', 'roleNameLength');
  });
});

describe('the app\'s own stacks', () => {
  const accounts = Object.fromEntries(Array.from({ length: 80 }, (_, index) => [String(222200000000 + index), ['ou-ab12-abcdefgh', 'ou-ab12-ijklmnop', 'r-ab12']]));
  const routes = [
    { name: 'payments', match: { organizationalUnits: ['ou-ab12-abcdefgh'] }, slackWebhookSecretName: 'denial-alerter/payments-webhook' },
    { name: 'default', slackWebhookSecretName: 'denial-alerter/slack-webhook' },
  ];

  it('synthesizes with 80 accounts in the OU map and two routes: the configuration too large for Lambda\'s 4 KB moves to a file in a layer, which the handler reads back whole', async () => {
    const { routingFromEnvironment } = await import('../../lambdas/config/routing.js');
    const { withConfigurationFile, CONFIGURATION_FILE_ENV } = await import('../../lambdas/config/configuration-file.js');
    const { ROUTING_ENV } = await import('../../lambdas/config/env.js');
    const { readFileSync } = await import('node:fs');
    const { CONFIGURATION_FILE_PATH } = await import('../../lib/constructs/handler-configuration.js');
    const { buildCentral } = await import('./support/build.js');
    expect(JSON.stringify(accounts).length).toBeGreaterThan(4096);
    const built = buildCentral({ routes, accountOrganizationalUnits: accounts, slackWebhookSecretName: 'denial-alerter/slack-webhook' });
    const handler = built.centralStack.alerter.handler;
    expect(handler.configuration).toBeDefined();
    const [fn] = Object.values(built.central.findResources('AWS::Lambda::Function', { Properties: { Environment: { Variables: { [CONFIGURATION_FILE_ENV]: CONFIGURATION_FILE_PATH } } } })) as Array<{ Properties: any }>;
    expect(fn).toBeDefined();
    expect(fn!.Properties.Layers).toHaveLength(1);
    expect(Object.keys(fn!.Properties.Environment.Variables)).not.toContain(ROUTING_ENV.accountOrganizationalUnits);
    // The handler's view: the deployed environment plus the layer's file (read here from the layer's source directory).
    const file = `${handler.configuration!.directory}/${CONFIGURATION_FILE_PATH.slice('/opt/'.length)}`;
    const env = withConfigurationFile({ ...fn!.Properties.Environment.Variables }, (path) => {
      expect(path).toBe(CONFIGURATION_FILE_PATH);
      return readFileSync(file, 'utf8');
    });
    const routing = routingFromEnvironment(env);
    expect(Object.keys(routing.accountOrganizationalUnits ?? {})).toHaveLength(80);
    expect(routing.routes?.map((route) => route.name)).toEqual(['payments', 'default']);
  });

  it('fails synth of the central stack when routes make the handler role\'s inline policies too large, naming the role', async () => {
    const { buildCentral } = await import('./support/build.js');
    const many = Array.from({ length: 60 }, (_, index) => ({ name: `team-${index}`, match: { accounts: [String(333300000000 + index)] }, slackWebhookSecretName: `denial-alerter/team-${index}-slack-webhook`, snsTopicArn: `arn:aws:sns:eu-west-1:111122223333:team-${index}-security-alerts` }));
    // Template.fromStack synthesizes, and the limit check fails it. CDK moves what overflows a role's inline policy
    // into managed "OverflowPolicy" documents, so the breach is of one or the other of IAM's policy size limits.
    const names = [AWS_LIMITS.roleInlinePoliciesSize.name, AWS_LIMITS.managedPolicySize.name].map((name) => name.replace(/[()]/g, '.')).join('|');
    expect(() => buildCentral({ routes: [...many, { name: 'default', slackWebhookSecretName: 'denial-alerter/slack-webhook' }] })).toThrow(
      new RegExp(`DenialAlerter/Default/Handler/Role/\\S+ .*(${names}) is \\d+ characters, AWS allows at most \\d+ .https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html`),
    );
  });
});

describe('the handler\'s configuration file (lambdas/config/configuration-file.ts)', () => {
  it('adds the file\'s variables under the environment\'s own, and names the file on bad input', async () => {
    const { withConfigurationFile, CONFIGURATION_FILE_ENV } = await import('../../lambdas/config/configuration-file.js');
    expect(withConfigurationFile({ A: '1' }, () => { throw new Error('never read'); })).toEqual({ A: '1' });
    const env = { [CONFIGURATION_FILE_ENV]: '/opt/x.json', A: '1' };
    expect(withConfigurationFile(env, () => '{"A":"file","B":"2"}')).toEqual({ ...env, B: '2' });
    expect(() => withConfigurationFile(env, () => '{"B":2}')).toThrow('configuration file /opt/x.json (DENIAL_ALERTER_CONFIGURATION_FILE): expected a JSON object of strings');
    expect(() => withConfigurationFile(env, () => { throw new Error('ENOENT: no such file'); })).toThrow('configuration file /opt/x.json (DENIAL_ALERTER_CONFIGURATION_FILE): ENOENT: no such file');
  });
});
