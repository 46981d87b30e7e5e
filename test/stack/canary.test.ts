/**
 * The canary as deployed (docs/never-blind.md): in the central stack and in the StackSet's member template, a schedule
 * (every 15 minutes unless configured), a minimal inline function on Node.js 22, and its own role, named and tagged as
 * the engine recognises it, whose explicit Deny refuses the one write it makes. The handler's scheduled check, and the
 * "never blind" environment the stack gives the handler.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { afterEach, describe, expect, it } from 'vitest';
import { CANARY_SOURCE } from '../../lib/constructs/canary.js';
import { memberStack } from '../../lib/member-template.js';
import { NEVER_BLIND_ENV } from '../../lambdas/config/never-blind.js';
import { alerterResourcesFromJson, isOwn } from '../../lambdas/core/blinding/own-resources.js';
import { CANARY_PARAMETER_NAME, CANARY_ROLE_TAG, canaryArrivalOf } from '../../lambdas/core/canary/canary.js';
import { ownRoleOf } from '../../lambdas/core/service-rules/own-roles.js';
import type { CloudTrailRecord } from '../../lambdas/core/types.js';
import { AWS_LIMITS } from '../../lib/limits/aws-limits.js';
import { startHttpServer, type LocalServer } from '../support/http-server.js';
import { buildCentral, buildForwarder, FULL_CONTEXT, resourcesOf } from './support/build.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);
const central = buildCentral().central;
const organization = buildCentral(FULL_CONTEXT);
const stackSetBody = (template: Template): string => (resourcesOf(template, 'AWS::CloudFormation::StackSet')[0]!.Properties.TemplateBody as string);
const member = Template.fromJSON(JSON.parse(stackSetBody(organization.central)));

type Resources = Record<string, { Type: string; Properties: Record<string, any>; Condition?: string }>;
const resourcesIn = (template: Template): Resources => template.toJSON().Resources as Resources;

/** The canary's resources of a template: its function (inline code) and what the function refers to. */
function canaryOf(template: Template) {
  const resources = resourcesIn(template);
  const [functionId, fn] = Object.entries(resources).find(([, resource]) => resource.Type === 'AWS::Lambda::Function' && resource.Properties.Code?.ZipFile === CANARY_SOURCE)!;
  const roleId = fn.Properties.Role['Fn::GetAtt'][0] as string;
  const [ruleId, rule] = Object.entries(resources).find(([, resource]) => resource.Type === 'AWS::Events::Rule' && resource.Properties.Targets?.[0]?.Arn?.['Fn::GetAtt']?.[0] === functionId)!;
  const logGroupId = fn.Properties.LoggingConfig.LogGroup.Ref as string;
  return { functionId, fn, roleId, role: resources[roleId]!, ruleId, rule, logGroup: resources[logGroupId]!, resources };
}

/** Replaces each intrinsic of an `Fn::Join` with `«logicalId»`, to read a JSON value the stack builds from references. */
function joined(value: any): string {
  if (typeof value === 'string') return value;
  const [separator, parts] = value['Fn::Join'] as [string, any[]];
  return parts.map((part) => (typeof part === 'string' ? part : `«${part.Ref ?? part['Fn::GetAtt']?.[0]}»`)).join(separator);
}

describe('the canary in the central stack and the member template', () => {
  for (const [where, template] of [['central stack', central], ['member template', member]] as const) {
    it(`${where}: a minimal inline function on Node.js 22 (128 MB, 10 s), JSON logs kept 30 days, every 15 minutes`, () => {
      const canary = canaryOf(template);
      expect(canary.fn.Properties).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'], MemorySize: 128, Timeout: 10, Handler: 'index.handler', LoggingConfig: { LogFormat: 'JSON' } });
      expect(canary.logGroup.Properties.RetentionInDays).toBe(30);
      expect(canary.rule.Properties).toMatchObject({ ScheduleExpression: 'rate(15 minutes)', State: 'ENABLED', Targets: [{ RetryPolicy: { MaximumRetryAttempts: 0 } }] });
      expect(Object.values(canary.resources).filter((resource) => resource.Type === 'AWS::Lambda::Permission' && resource.Properties.FunctionName['Fn::GetAtt']?.[0] === canary.functionId)).toEqual([
        expect.objectContaining({ Properties: { Action: 'lambda:InvokeFunction', FunctionName: { 'Fn::GetAtt': [canary.functionId, 'Arn'] }, Principal: 'events.amazonaws.com', SourceArn: { 'Fn::GetAtt': [canary.ruleId, 'Arn'] } } }),
      ]);
    });

    it(`${where}: its own role, named and tagged as the engine recognises it, refuses ssm:PutParameter with an explicit Deny and allows only its own logs`, () => {
      const { role, logGroup, resources } = canaryOf(template);
      expect(role.Properties.RoleName).toEqual({ 'Fn::Join': ['', ['DenialAlerterCanary-', { Ref: 'AWS::Region' }]] });
      expect(role.Properties.Tags).toEqual([{ Key: CANARY_ROLE_TAG.key, Value: CANARY_ROLE_TAG.value }]);
      expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } }]);
      const logGroupId = Object.entries(resources).find(([, resource]) => resource === logGroup)![0];
      const statements = role.Properties.Policies.flatMap((policy: any) => policy.PolicyDocument.Statement);
      expect(statements).toEqual([
        { Sid: 'WriteOwnLogs', Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: { 'Fn::GetAtt': [logGroupId, 'Arn'] } },
        {
          Sid: 'CanaryWriteIsRefused',
          Effect: 'Deny',
          Action: 'ssm:PutParameter',
          Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ssm:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':parameter/denial-alerter/canary*']] },
        },
      ]);
      // No other policy is attached to the role (no managed policy, no separate AWS::IAM::Policy).
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
      const roleId = Object.entries(resources).find(([, resource]) => resource === role)![0];
      expect(Object.values(resources).filter((resource) => resource.Type === 'AWS::IAM::Policy' && JSON.stringify(resource.Properties.Roles).includes(roleId))).toEqual([]);
      // The parameter the function writes is one the Deny covers (its ARN is `…:parameter` + the name).
      expect(`parameter${CANARY_PARAMETER_NAME}`.startsWith('parameter/denial-alerter/canary')).toBe(true);
    });
  }

  it('member template: every canary resource is deployed only where the forwarder is (the central account\'s own Region has the central canary)', () => {
    const { functionId, roleId, ruleId, resources } = canaryOf(member);
    const canaryIds = Object.keys(resources).filter((id) => id.startsWith('Canary'));
    expect(canaryIds).toEqual(expect.arrayContaining([functionId, roleId, ruleId]));
    for (const id of canaryIds) expect(resources[id]!.Condition, id).toBe('ForwardsHere');
  });

  it('member template with the canary stays within the 51,200 bytes of a StackSet\'s TemplateBody (every option on)', () => {
    const bytes = Buffer.byteLength(stackSetBody(organization.central), 'utf8');
    expect(bytes).toBeLessThan(AWS_LIMITS.templateBodyInRequest.max);
    // What the canary adds, measured: the member template without it is smaller by this much.
    const without = Buffer.byteLength(JSON.stringify(Template.fromStack(memberStack({ canary: false })).toJSON()), 'utf8');
    const withCanary = Buffer.byteLength(JSON.stringify(Template.fromStack(memberStack()).toJSON()), 'utf8');
    expect(withCanary - without).toBeGreaterThan(1000);
    expect(withCanary - without).toBeLessThan(4000);
  });

  it('follows context canaryMinutes (and the handler\'s threshold with it), and is absent with canary: false', () => {
    const every5 = buildCentral({ ...FULL_CONTEXT, canaryMinutes: 5 }).central;
    expect(canaryOf(every5).rule.Properties.ScheduleExpression).toBe('rate(5 minutes)');
    expect(canaryOf(Template.fromJSON(JSON.parse(stackSetBody(every5)))).rule.Properties.ScheduleExpression).toBe('rate(5 minutes)');
    expect(handlerOf(every5).Environment.Variables[NEVER_BLIND_ENV.canaryOverdueMinutes]).toBe('20');
    expect(handlerOf(central).Environment.Variables[NEVER_BLIND_ENV.canaryOverdueMinutes]).toBe('50');

    const none = buildCentral({ ...FULL_CONTEXT, canary: false }).central;
    const zipFiles = (template: Template) => resourcesOf(template, 'AWS::Lambda::Function').filter((fn) => fn.Properties.Code.ZipFile);
    expect(zipFiles(none)).toEqual([]);
    expect(zipFiles(Template.fromJSON(JSON.parse(stackSetBody(none))))).toEqual([]);
    expect(resourcesOf(none, 'AWS::Events::Rule').filter((rule) => rule.Properties.ScheduleExpression)).toEqual([]);
    expect(Object.keys(handlerOf(none).Environment.Variables)).not.toContain(NEVER_BLIND_ENV.operationsTopicArn);
    expect(() => buildCentral({ canaryMinutes: 0 })).toThrow(/context "canaryMinutes" must be a whole number from 1 to 1440/);
    expect(() => buildCentral({ canaryExcluded: ['1234'] })).toThrow(/context "canaryExcluded"/);
  });

  it('the role name and tag the stack deploys are the ones the engine recognises, in the account of the record only', () => {
    const { role } = canaryOf(central);
    const roleName = joined(role.Properties.RoleName).replace('«AWS::Region»', 'eu-west-1');
    const record = (roleAccount: string): CloudTrailRecord => ({
      eventVersion: '1.09',
      eventTime: '2026-12-01T10:00:00Z',
      eventSource: 'ssm.amazonaws.com',
      eventName: 'PutParameter',
      awsRegion: 'eu-west-1',
      recipientAccountId: '111122223333',
      eventID: 'e-canary',
      errorCode: 'AccessDenied',
      requestParameters: { name: CANARY_PARAMETER_NAME, type: 'String', overwrite: true },
      userIdentity: {
        type: 'AssumedRole',
        arn: `arn:aws:sts::${roleAccount}:assumed-role/${roleName}/canary-fn`,
        accountId: roleAccount,
        sessionContext: { sessionIssuer: { type: 'Role', arn: `arn:aws:iam::${roleAccount}:role/${roleName}`, accountId: roleAccount, userName: roleName } },
      },
    }) as unknown as CloudTrailRecord;
    expect(canaryArrivalOf(record('111122223333'))).toMatchObject({ accountId: '111122223333', region: 'eu-west-1' });
    expect(canaryArrivalOf(record('999988887777'))).toBeNull();
  });
});

describe('the canary in the stand-alone forwarder stack (accounts outside the organization, a single account\'s other Regions)', () => {
  it('is there as in the member template, unconditioned, and follows canary and canaryMinutes', () => {
    const forwarder = buildForwarder({}).forwarder;
    const canary = canaryOf(forwarder);
    expect(canary.rule.Properties.ScheduleExpression).toBe('rate(15 minutes)');
    expect(canary.role.Properties.RoleName).toEqual({ 'Fn::Join': ['', ['DenialAlerterCanary-', { Ref: 'AWS::Region' }]] });
    expect(canary.role.Properties.Policies[0].PolicyDocument.Statement).toContainEqual(expect.objectContaining({ Effect: 'Deny', Action: 'ssm:PutParameter' }));
    expect(canary.fn.Condition).toBeUndefined();
    expect(canaryOf(buildForwarder({ canaryMinutes: 30 }).forwarder).rule.Properties.ScheduleExpression).toBe('rate(30 minutes)');
    expect(resourcesOf(buildForwarder({ canary: false }).forwarder, 'AWS::Lambda::Function')).toEqual([]);
  });
});

describe('the canary function\'s code, run against a loopback Systems Manager with the AWS SDK', () => {
  const servers: LocalServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });

  /** Runs the inline source as Lambda would (`index.handler`), its SSM client pointed at `answer`. */
  async function invoke(answer: { status: number; body: unknown }) {
    const ssm = await startHttpServer((_, res) => void res.writeHead(answer.status, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify(answer.body)));
    servers.push(ssm);
    const dir = mkdtempSync(join(tmpdir(), 'canary-'));
    writeFileSync(join(dir, 'index.js'), CANARY_SOURCE);
    const script = `require(${JSON.stringify(join(dir, 'index.js'))}).handler().then((value) => console.log('returned', value), (error) => console.log('threw', error.name, error.message));`;
    // Asynchronous: the loopback server answers from this process while the child waits.
    const result = await run(process.execPath, ['-e', script], {
      encoding: 'utf8',
      timeout: 60_000,
      env: { PATH: process.env.PATH ?? '', NODE_PATH: join(ROOT, 'node_modules'), AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'y', AWS_ENDPOINT_URL_SSM: ssm.url, AWS_MAX_ATTEMPTS: '1' },
    });
    return { output: result.stdout.trim(), stderr: result.stderr, requests: ssm.requests };
  }

  it('tries to write its one parameter and takes the refusal as success', async () => {
    const { output, requests, stderr } = await invoke({ status: 400, body: { __type: 'AccessDeniedException', message: 'User: arn:aws:sts::111122223333:assumed-role/DenialAlerterCanary-eu-west-1/fn is not authorized to perform: ssm:PutParameter with an explicit deny in an identity-based policy' } });
    expect(output, stderr).toBe('returned denied, as intended');
    expect(requests).toHaveLength(1);
    expect(requests[0]!.headers['x-amz-target']).toBe('AmazonSSM.PutParameter');
    expect(JSON.parse(requests[0]!.body)).toMatchObject({ Name: CANARY_PARAMETER_NAME, Type: 'String', Overwrite: true });
  });

  it('fails the invocation when the write is allowed (the Deny is gone) or anything else goes wrong', async () => {
    expect((await invoke({ status: 200, body: { Version: 1, Tier: 'Standard' } })).output).toBe('threw Error the canary write was allowed: the explicit Deny of its role is gone');
    expect((await invoke({ status: 400, body: { __type: 'ParameterLimitExceeded', message: 'too many' } })).output).toMatch(/^threw ParameterLimitExceeded/);
  });
});

describe('the handler\'s canary check and "never blind" environment', () => {
  it('a schedule invokes the handler every 5 minutes; the handler may publish to the operations topic, and knows it', () => {
    const handlerId = handlerIdOf(central);
    const check = resourcesOf(central, 'AWS::Events::Rule').filter((rule) => rule.Properties.Targets?.[0]?.Arn?.['Fn::GetAtt']?.[0] === handlerId);
    expect(check).toEqual([expect.objectContaining({ Properties: expect.objectContaining({ ScheduleExpression: 'rate(5 minutes)', Targets: [expect.objectContaining({ RetryPolicy: { MaximumRetryAttempts: 2 } })] }) })]);
    central.hasResourceProperties('AWS::IAM::Policy', { PolicyDocument: { Statement: Match.arrayWith([{ Sid: 'CanaryNotices', Effect: 'Allow', Action: 'sns:Publish', Resource: { Ref: Match.stringLikeRegexp('^OperationsTopic') } }]) } });
    expect(handlerOf(central).Environment.Variables[NEVER_BLIND_ENV.operationsTopicArn]).toEqual({ Ref: expect.stringMatching(/^OperationsTopic/) });
  });

  it('names the alerter\'s own rules, bus, key, StackSet and the forwarders\' names, and never the handler itself (a circular reference)', () => {
    const variables = handlerOf(organization.central).Environment.Variables;
    const own = alerterResourcesFromJson(joined(variables[NEVER_BLIND_ENV.ownResources]));
    const ids = Object.keys(resourcesIn(organization.central));
    const ruleId = (prefix: string) => `«${ids.find((id) => id.startsWith(prefix) && resourcesIn(organization.central)[id]!.Type === 'AWS::Events::Rule')}»`;
    expect(own.ruleNames).toEqual(expect.arrayContaining([ruleId('Rule'), ruleId('CentralRule'), ruleId('ChangeRule'), ruleId('CentralChangeRule'), ruleId('ForwardedAlarms'), ruleId('Canary'), ruleId('OrganizationFailedInstances')]));
    expect(own.busNames).toEqual([expect.stringMatching(/^«CentralBus/)]);
    expect(own.keyArns).toEqual([expect.stringMatching(/^«DataKey/)]);
    expect(own.stackSetNames).toEqual(['DenialAlerter-members']);
    // The StackSet's instances name their rules and roles `StackSet-DenialAlerter-members-<uuid>-…` (cut to 64 characters).
    expect(isOwn('StackSet-DenialAlerter-members-5d3e2f1a-ForwarderRule7FBD19D7-1A2B3C4D5E6F7', own.ruleNames)).toBe(true);
    const forwarderRoleNames = JSON.parse(variables[NEVER_BLIND_ENV.forwarderRoles]) as string[];
    expect(forwarderRoleNames).toEqual(['StackSet-DenialAle*', 'DenialAlerterForwarder-*']);
    const deniedRole = (name: string) => ownRoleOf({ principalArn: `arn:aws:iam::222233334444:role/${name}`, accountId: '222233334444', sessionName: 'events' }, { forwarderRoleNames });
    expect(deniedRole('StackSet-DenialAler-ForwarderPutEventsRole9C62D52F-1A2B3C4D5E6F7')).toBe('forwarder');
    expect(deniedRole('DenialAlerterForwarder-PutEventsRole9C62D52F-1A2B3C4D5E6F7')).toBe('forwarder');
    expect(deniedRole('StackSet-Other-ForwarderPutEventsRole')).toBeNull();
    // Neither the function nor its event-source mapping: the handler adds its own name at run time.
    expect(own.functionNames).toEqual([]);
    expect(own.eventSourceMappingIds).toEqual([]);
    expect(JSON.stringify(variables)).not.toContain(handlerIdOf(organization.central));
  });
});

function handlerIdOf(template: Template): string {
  return Object.entries(resourcesIn(template)).find(([, resource]) => resource.Type === 'AWS::Lambda::Function' && resource.Properties.MemorySize === 1024)![0];
}

function handlerOf(template: Template): Record<string, any> {
  return resourcesIn(template)[handlerIdOf(template)]!.Properties;
}
