import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { MEMBER_READER_ROLE_NAME } from '../../lambdas/adapters/policy-sources/member-account-credentials.js';
import { MEMBER_ACCOUNTS_ENV, ROUTING_ENV } from '../../lambdas/config/env.js';
import { changeEventPatterns } from '../../lib/change-pattern.js';
import { alarmStatePattern } from '../../lib/constructs/denial-forwarder.js';
import { denialEventPattern } from '../../lib/event-pattern.js';
import { MEMBER_TEMPLATE_PARAMETERS, memberStack } from '../../lib/member-template.js';
import { POLICY_LOOKUP_ACTIONS, policyLookupGrants } from '../../lib/policy-lookups.js';
import { buildCentral, buildTemplates, FULL_CONTEXT, iamStatementsOf, resourcesOf } from './support/build.js';

const ORGANIZATION = { organizationId: 'o-a1b2c3d4e5', organization: { targets: ['ou-ab12-abcdefgh'], regions: ['eu-west-1'] } };
const org = buildCentral(ORGANIZATION).central;
const full = buildCentral(FULL_CONTEXT).central;
const stackSetOf = (template: Template) => {
  const sets = resourcesOf(template, 'AWS::CloudFormation::StackSet');
  expect(sets).toHaveLength(1);
  return sets[0]!.Properties;
};
const memberOf = (template: Template) => Template.fromJSON(JSON.parse(stackSetOf(template).TemplateBody));
const member = memberOf(org);
const handlerRoleId = Object.keys(org.findResources('AWS::IAM::Role', { Properties: { Description: 'Denial Alerter handler (least privilege)' } }))[0]!;

describe('organization rollout: the StackSet', () => {
  it('is service-managed, deploys automatically to current and future accounts and removes stacks of accounts that leave', () => {
    expect(stackSetOf(org)).toMatchObject({
      PermissionModel: 'SERVICE_MANAGED',
      AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: false },
      CallAs: 'DELEGATED_ADMIN',
      Capabilities: ['CAPABILITY_NAMED_IAM'],
      StackSetName: 'DenialAlerter-members',
    });
  });

  it('targets the given units in the given Regions, us-east-1 always first (IAM and STS global events land there)', () => {
    expect(stackSetOf(org).StackInstancesGroup).toEqual([{ DeploymentTargets: { OrganizationalUnitIds: ['ou-ab12-abcdefgh'] }, Regions: ['us-east-1', 'eu-west-1'] }]);
    expect(stackSetOf(buildCentral({ ...ORGANIZATION, organization: { ...ORGANIZATION.organization, regions: ['eu-west-1', 'us-east-1'] } }).central).StackInstancesGroup[0].Regions).toEqual(['us-east-1', 'eu-west-1']);
  });

  it('leaves excluded accounts out (DIFFERENCE filter) and is called as SELF from the management account when told', () => {
    expect(stackSetOf(full).StackInstancesGroup[0].DeploymentTargets).toEqual({
      OrganizationalUnitIds: ['ou-ab12-abcdefgh', 'r-ab12'],
      Accounts: ['999988887777'],
      AccountFilterType: 'DIFFERENCE',
    });
    const self = buildCentral({ ...ORGANIZATION, organization: { ...ORGANIZATION.organization, callAs: 'SELF' } }).central;
    expect(stackSetOf(self).CallAs).toBe('SELF');
  });

  it('fills the template\'s parameters from the central stack: its bus, the handler role, the organization, its account and Region', () => {
    const parameters = Object.fromEntries(stackSetOf(org).Parameters.map((parameter: { ParameterKey: string; ParameterValue: unknown }) => [parameter.ParameterKey, parameter.ParameterValue]));
    expect(parameters).toEqual({
      [MEMBER_TEMPLATE_PARAMETERS.centralBusArn]: { 'Fn::GetAtt': [expect.stringMatching(/^CentralBus/), 'Arn'] },
      [MEMBER_TEMPLATE_PARAMETERS.handlerRoleArn]: { 'Fn::GetAtt': [handlerRoleId, 'Arn'] },
      [MEMBER_TEMPLATE_PARAMETERS.organizationId]: 'o-a1b2c3d4e5',
      [MEMBER_TEMPLATE_PARAMETERS.centralAccountId]: { Ref: 'AWS::AccountId' },
      [MEMBER_TEMPLATE_PARAMETERS.centralRegion]: { Ref: 'AWS::Region' },
    });
  });

  it('reports failed stack instances of this StackSet to the operations topic', () => {
    const opsTopic = Object.keys(org.findResources('AWS::SNS::Topic', { Properties: { DisplayName: 'Denial Alerter operations' } }))[0];
    org.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.cloudformation'],
        'detail-type': ['CloudFormation StackSet StackInstance Status Change'],
        detail: { 'stack-set-arn': [{ wildcard: '*:stackset/DenialAlerter-members:*' }], 'status-details': { 'detailed-status': ['FAILED', 'INOPERABLE'] } },
      },
      Targets: [Match.objectLike({ Arn: { Ref: opsTopic } })],
    });
  });

  it('is absent without context organization', () => {
    buildCentral().central.resourceCountIs('AWS::CloudFormation::StackSet', 0);
  });
});

describe('organization rollout: the member template', () => {
  it('has no assets and no bootstrap-version parameter (members need no cdk bootstrap), only the StackSet\'s parameters', () => {
    const json = member.toJSON();
    expect(Object.keys(json.Parameters).sort()).toEqual(Object.values(MEMBER_TEMPLATE_PARAMETERS).sort());
    expect(JSON.stringify(json)).not.toMatch(/cdk-bootstrap|BootstrapVersion|AssetParameters|S3Key/);
    expect(JSON.stringify(json).length).toBeLessThan(51_200); // CloudFormation's limit for TemplateBody
  });

  it('forwards denials with the central pattern (AWS sources only) to the central bus through a role, with retries and a dead-letter queue', () => {
    member.hasResourceProperties('AWS::Events::Rule', {
      State: 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS',
      EventPattern: denialEventPattern(),
      Targets: [
        Match.objectLike({
          Arn: { Ref: MEMBER_TEMPLATE_PARAMETERS.centralBusArn },
          RoleArn: Match.anyValue(),
          DeadLetterConfig: Match.anyValue(),
          RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86400 },
        }),
      ],
    });
    expect((denialEventPattern() as { source: unknown }).source).toEqual([{ prefix: 'aws.' }]);
    member.hasResourceProperties('AWS::IAM::Policy', { PolicyDocument: { Statement: [Match.objectLike({ Action: 'events:PutEvents', Resource: { Ref: MEMBER_TEMPLATE_PARAMETERS.centralBusArn } })] } });
  });

  it('alarms on its dead-letter queue, and forwards that alarm to the central bus, where a rule sends it to the operations topic', () => {
    member.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'ApproximateNumberOfMessagesVisible', AlarmName: { 'Fn::Join': ['', ['DenialAlerter-ForwardDeadLetter-', { Ref: 'AWS::StackName' }]] } });
    member.hasResourceProperties('AWS::Events::Rule', { EventPattern: { source: [{ prefix: 'aws.' }], ...alarmStatePattern() }, Targets: [Match.objectLike({ Arn: { Ref: MEMBER_TEMPLATE_PARAMETERS.centralBusArn } })] });
    const opsTopic = Object.keys(org.findResources('AWS::SNS::Topic', { Properties: { DisplayName: 'Denial Alerter operations' } }))[0];
    org.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: { Ref: Match.stringLikeRegexp('^CentralBus') },
      EventPattern: { source: ['aws.cloudwatch'], ...alarmStatePattern() },
      Targets: [Match.objectLike({ Arn: { Ref: opsTopic } })],
    });
  });

  it('forwards nowhere in the central account\'s own Region, and creates the reader role only in its partition\'s IAM Region (IAM is global)', () => {
    const resources = member.toJSON().Resources as Record<string, { Type: string; Condition?: string }>;
    for (const resource of Object.values(resources)) expect(['ForwardsHere', 'ReaderRoleRegion'], resource.Type).toContain(resource.Condition);
    const readerResources = Object.values(resources).filter((resource) => resource.Condition === 'ReaderRoleRegion').map((resource) => resource.Type).sort();
    expect(readerResources).toEqual(['AWS::IAM::Policy', 'AWS::IAM::Role']);
    expect(member.toJSON().Conditions).toEqual({
      ForwardsHere: {
        'Fn::Not': [{ 'Fn::And': [{ 'Fn::Equals': [{ Ref: 'AWS::AccountId' }, { Ref: 'CentralAccountId' }] }, { 'Fn::Equals': [{ Ref: 'AWS::Region' }, { Ref: 'CentralRegion' }] }] }],
      },
      ReaderRoleRegion: {
        'Fn::Or': [
          { 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'us-east-1'] },
          { 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'us-gov-west-1'] },
          { 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'cn-north-1'] },
        ],
      },
    });
  });

  it('forwards the "what changed" events with one rule per pattern shard (the central stack\'s patterns, each within 2,048 characters), none without', () => {
    const shards = changeEventPatterns();
    for (const eventPattern of shards) member.hasResourceProperties('AWS::Events::Rule', { EventPattern: eventPattern, Targets: [Match.objectLike({ Arn: { Ref: 'CentralBusArn' } })] });
    // Pattern rules (the canary's schedule rule has none: test/stack/canary.test.ts).
    const patternRules = (template: Template) => resourcesOf(template, 'AWS::Events::Rule').filter((rule) => rule.Properties.EventPattern);
    expect(patternRules(member)).toHaveLength(2 + shards.length);
    for (const rule of patternRules(member)) expect(JSON.stringify(rule.Properties.EventPattern).length).toBeLessThanOrEqual(2048);
    const without = memberOf(buildCentral({ ...ORGANIZATION, whatChanged: false }).central);
    expect(patternRules(without)).toHaveLength(2);
    expect(patternRules(Template.fromStack(memberStack()))).toHaveLength(2);
  });
});

describe('organization rollout: the DenialAlerterReader role', () => {
  const role = resourcesOf(member, 'AWS::IAM::Role').find((resource) => resource.Properties.RoleName === MEMBER_READER_ROLE_NAME)!;
  const statements = iamStatementsOf(member).filter((statement) => String(statement.Sid).startsWith('PolicyLookup'));

  it('is trusted only by the central handler\'s role, from inside the organization', () => {
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      {
        Effect: 'Allow',
        Action: 'sts:AssumeRole',
        Principal: { AWS: { Ref: MEMBER_TEMPLATE_PARAMETERS.handlerRoleArn } },
        Condition: { StringEquals: { 'aws:PrincipalOrgID': { Ref: MEMBER_TEMPLATE_PARAMETERS.organizationId } } },
      },
    ]);
  });

  it('may make exactly the lookups (Organizations excepted: read centrally), no wildcard action, scoped to its own account', () => {
    const actions = statements.flatMap((statement) => [statement.Action].flat()).sort();
    expect(actions).toEqual(POLICY_LOOKUP_ACTIONS.filter((action) => !action.startsWith('organizations:')).sort());
    for (const action of actions) expect(action).not.toContain('*');
    expect(iamStatementsOf(member).filter((statement) => statement.Sid?.startsWith('PolicyLookup')).length).toBe(statements.length);
    const roleLookups = statements.find((statement) => statement.Sid === 'PolicyLookupIamRole');
    expect(roleLookups?.Resource).toEqual({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':role/*']] });
    const everything = statements.filter((statement) => [statement.Resource].flat().includes('*')).map((statement) => statement.Sid);
    const unscopable = policyLookupGrants({ partition: 'aws', account: '111122223333' }).filter((grant) => grant.resources.includes('*') && !grant.actions.some((action) => action.startsWith('organizations:')));
    expect(everything.sort()).toEqual(unscopable.map((grant) => grant.sid).sort());
  });
});

describe('organization rollout: the central handler', () => {
  const handler = resourcesOf(org, 'AWS::Lambda::Function').find((fn) => fn.Properties.Runtime === 'nodejs22.x')!.Properties;

  it('turns policy lookups on and knows the reader role\'s ARN pattern and its own account', () => {
    expect(handler.Environment.Variables).toMatchObject({
      POLICY_LOOKUPS: 'true',
      [MEMBER_ACCOUNTS_ENV.readerRoleArnPattern]: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::*:role/${MEMBER_READER_ROLE_NAME}`]] },
      [MEMBER_ACCOUNTS_ENV.ownAccountId]: { Ref: 'AWS::AccountId' },
    });
  });

  it('may assume the reader role only in accounts of the organization', () => {
    expect(iamStatementsOf(org).find((statement) => statement.Sid === 'AssumeMemberReaderRoles')).toEqual({
      Sid: 'AssumeMemberReaderRoles',
      Effect: 'Allow',
      Action: 'sts:AssumeRole',
      Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::*:role/${MEMBER_READER_ROLE_NAME}`]] },
      Condition: { StringEquals: { 'aws:ResourceOrgID': 'o-a1b2c3d4e5' } },
    });
    expect(iamStatementsOf(buildCentral().central).some((statement) => statement.Sid === 'AssumeMemberReaderRoles')).toBe(false);
  });
});

describe('routes', () => {
  const handler = resourcesOf(full, 'AWS::Lambda::Function').find((fn) => fn.Properties.Runtime === 'nodejs22.x')!.Properties;

  it('go to the handler as JSON, validated, with the account → OU map', () => {
    expect(JSON.parse(handler.Environment.Variables[ROUTING_ENV.routes])).toEqual(FULL_CONTEXT.routes);
    expect(JSON.parse(handler.Environment.Variables[ROUTING_ENV.accountOrganizationalUnits])).toEqual(FULL_CONTEXT.accountOrganizationalUnits);
  });

  it('grant GetSecretValue on each route\'s webhook secret and Publish on each route\'s topic, nothing more', () => {
    const secrets = iamStatementsOf(full).find((statement) => statement.Sid === 'RouteSlackWebhookSecrets')!;
    expect(secrets.Action).toBe('secretsmanager:GetSecretValue');
    const resources = JSON.stringify(secrets.Resource);
    expect(resources).toContain(':secret:denial-alerter/payments-webhook-??????');
    expect(resources).toContain(':secret:denial-alerter/slack-webhook-??????');
    expect(resources).toContain('arn:aws:secretsmanager:eu-west-1:111122223333:secret:platform-webhook-AbCdEf');
    expect([secrets.Resource].flat()).toHaveLength(4);
    expect(iamStatementsOf(full).find((statement) => statement.Sid === 'RouteTopics')).toMatchObject({ Action: 'sns:Publish', Resource: 'arn:aws:sns:eu-west-1:111122223333:payments-security' });
  });
});

describe('alarms reach someone', () => {
  it('watch every dead-letter queue, the forwarders\' included (as the SQS3 acknowledgements say)', () => {
    const { forwarder } = buildTemplates();
    for (const [name, template] of [['central', org], ['forwarder', forwarder], ['member', member]] as const) {
      const queues = template.findResources('AWS::SQS::Queue');
      const deadLetters = Object.keys(queues).filter((id) => !queues[id]!.Properties?.RedrivePolicy);
      expect(deadLetters.length, name).toBeGreaterThan(0);
      const watched = resourcesOf(template, 'AWS::CloudWatch::Alarm').flatMap((alarm) => (alarm.Properties.Dimensions ?? []).map((dimension: any) => dimension.Value?.['Fn::GetAtt']?.[0]));
      for (const id of deadLetters) expect(watched, `${name} ${id}`).toContain(id);
    }
  });

  it('warns at synth (so --strict fails) about a route the handler can never take: resource tags, or principal tags without policy lookups', () => {
    const warnings = (context: Record<string, unknown>) =>
      buildCentral(context)
        .centralStack.node.findAll()
        .flatMap((construct) => construct.node.metadata.filter((entry) => entry.type === 'aws:cdk:warning').map((entry) => String(entry.data)))
        .filter((text) => text.includes('can never match'));
    const fallback = { name: 'default', snsTopicArn: 'arn:aws:sns:eu-west-1:111122223333:all' };
    const byTeam = { name: 'team', match: { principalTags: { team: 'payments' } }, snsTopicArn: 'arn:aws:sns:eu-west-1:111122223333:payments' };
    const byBucketTag = { name: 'data', match: { resourceTags: { classification: 'pii' } }, snsTopicArn: 'arn:aws:sns:eu-west-1:111122223333:data' };
    expect(warnings({ routes: [byTeam, fallback], policyLookups: false })).toEqual([expect.stringContaining('Route "team" can never match: it matches principalTags, and without "policyLookups"')]);
    expect(warnings({ routes: [byTeam, fallback], policyLookups: true })).toEqual([]);
    expect(warnings({ routes: [byBucketTag, fallback], policyLookups: true })).toEqual([expect.stringContaining('Route "data" can never match: it matches resourceTags')]);
  });

  it('warns at synth (so --strict fails) when the operations topic has no subscriber, and not otherwise', () => {
    const warnings = (context: Record<string, unknown>) =>
      buildCentral(context)
        .centralStack.node.findAll()
        .flatMap((construct) => construct.node.metadata.filter((entry) => entry.type === 'aws:cdk:warning').map((entry) => String(entry.data)));
    expect(warnings({}).filter((text) => text.includes('would reach no one'))).toHaveLength(1);
    expect(warnings({ alertEmails: 'secops@example.com' }).filter((text) => text.includes('would reach no one'))).toEqual([]);
    expect(warnings({ opsEmails: ['ops@example.com'] }).filter((text) => text.includes('would reach no one'))).toEqual([]);
    // The default route's Slack takes the alarms too; a Slack webhook on another route only does not.
    expect(warnings({ slackWebhookSecretName: 'denial-alerter/slack-webhook' }).filter((text) => text.includes('would reach no one'))).toEqual([]);
    expect(warnings({ routes: [{ name: 'payments', match: { accounts: ['222233334444'] }, slackWebhookSecretName: 'payments' }, { name: 'default', snsTopicArn: 'arn:aws:sns:eu-west-1:111122223333:all' }] }).filter((text) => text.includes('would reach no one'))).toHaveLength(1);
  });
});
