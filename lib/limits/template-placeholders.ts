/**
 * Synthesized CloudFormation templates as the IAM checks read them: every policy document of a template (identity,
 * trust, resource and key policies, Lambda permissions as the statement Lambda builds from them), and CloudFormation
 * tokens (`Ref`, `Fn::GetAtt`, `Fn::Join`, `Fn::Sub`, `Fn::Select`, `Fn::Split`) resolved to representative values of
 * the shape AWS gives them, so that a statement can be matched and checked as AWS would see it after deploy.
 *
 * The shapes follow each resource's "Return values" section in the CloudFormation User Guide (e.g. `Ref` of an SQS
 * queue is its URL, of an SNS topic its ARN, of a DynamoDB table its name), with a physical name taken from the
 * template when it sets one and made from the logical id otherwise. Pure: no AWS, no clock.
 */
import type { PolicyDocument, Statement } from '../../lambdas/core/iam-policy/types.js';

/** Where the template is imagined deployed, and the values of its parameters. */
export interface PlaceholderEnvironment {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  /** Values of the template's parameters (e.g. a StackSet member template's `CentralBusArn`). @default none */
  readonly parameters?: Readonly<Record<string, string>>;
  /** `AWS::StackName`. @default 'DenialAlerter' */
  readonly stackName?: string;
}

/** A CloudFormation template, as far as these checks read it. */
export interface CfnTemplate {
  Resources?: Record<string, { Type: string; Properties?: Record<string, any>; Condition?: string }>;
  Parameters?: Record<string, unknown>;
}

/** Raised for a token the resolver has no shape for: the message names it, so the table below can grow. */
export class PlaceholderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PlaceholderError';
  }
}

/** A key id in the shape KMS gives (a UUID). */
export const PLACEHOLDER_KEY_ID = '1234abcd-12ab-34cd-56ef-1234567890ab';

interface Shape {
  /** What `Ref` returns. */
  ref: (name: string, env: Required<Omit<PlaceholderEnvironment, 'parameters'>>, properties: Record<string, any>, resolve: (value: unknown) => unknown) => string;
  /** What `Fn::GetAtt` returns, by attribute. */
  attributes: Record<string, (name: string, env: Required<Omit<PlaceholderEnvironment, 'parameters'>>, properties: Record<string, any>, resolve: (value: unknown) => unknown) => string>;
  /** The property that names the resource, when the template sets it. */
  nameProperty?: string;
}

type Env = Required<Omit<PlaceholderEnvironment, 'parameters'>>;
const arn = (env: Env, service: string, resource: string, options: { region?: boolean; account?: boolean } = {}) =>
  `arn:${env.partition}:${service}:${options.region === false ? '' : env.region}:${options.account === false ? '' : env.account}:${resource}`;

/** Return values of the resource types this app creates ("Return values" of each type in the CloudFormation User Guide). */
const SHAPES: Record<string, Shape> = {
  'AWS::SQS::Queue': {
    nameProperty: 'QueueName',
    ref: (name, env) => `https://sqs.${env.region}.amazonaws.com/${env.account}/${name}`,
    attributes: { Arn: (name, env) => arn(env, 'sqs', name), QueueName: (name) => name, QueueUrl: (name, env) => `https://sqs.${env.region}.amazonaws.com/${env.account}/${name}` },
  },
  'AWS::SNS::Topic': {
    nameProperty: 'TopicName',
    ref: (name, env) => arn(env, 'sns', name),
    attributes: { TopicArn: (name, env) => arn(env, 'sns', name), TopicName: (name) => name },
  },
  'AWS::DynamoDB::Table': {
    nameProperty: 'TableName',
    ref: (name) => name,
    attributes: { Arn: (name, env) => arn(env, 'dynamodb', `table/${name}`), StreamArn: (name, env) => arn(env, 'dynamodb', `table/${name}/stream/2026-12-06T00:00:00.000`) },
  },
  'AWS::KMS::Key': {
    ref: () => PLACEHOLDER_KEY_ID,
    attributes: { Arn: (_name, env) => arn(env, 'kms', `key/${PLACEHOLDER_KEY_ID}`), KeyId: () => PLACEHOLDER_KEY_ID },
  },
  'AWS::Logs::LogGroup': {
    nameProperty: 'LogGroupName',
    ref: (name) => name,
    // The log group's ARN "with a trailing :*" (AWS::Logs::LogGroup return values).
    attributes: { Arn: (name, env) => arn(env, 'logs', `log-group:${name}:*`) },
  },
  'AWS::IAM::Role': {
    nameProperty: 'RoleName',
    ref: (name) => name,
    attributes: { Arn: (name, env) => arn(env, 'iam', `role/${name}`, { region: false }), RoleId: () => 'AROAEXAMPLEROLEID1234' },
  },
  'AWS::IAM::ManagedPolicy': {
    nameProperty: 'ManagedPolicyName',
    ref: (name, env) => arn(env, 'iam', `policy/${name}`, { region: false }),
    attributes: { PolicyArn: (name, env) => arn(env, 'iam', `policy/${name}`, { region: false }) },
  },
  'AWS::Lambda::Function': {
    nameProperty: 'FunctionName',
    ref: (name) => name,
    attributes: { Arn: (name, env) => arn(env, 'lambda', `function:${name}`) },
  },
  'AWS::Lambda::Url': {
    ref: () => 'https://abcdefghijklmnopqrstuvwxyz012345.lambda-url.eu-west-1.on.aws/',
    attributes: { FunctionUrl: () => 'https://abcdefghijklmnopqrstuvwxyz012345.lambda-url.eu-west-1.on.aws/', FunctionArn: (name, env) => arn(env, 'lambda', `function:${name}`) },
  },
  'AWS::Events::EventBus': {
    nameProperty: 'Name',
    ref: (name) => name,
    attributes: { Arn: (name, env) => arn(env, 'events', `event-bus/${name}`), Name: (name) => name },
  },
  'AWS::Events::Rule': {
    nameProperty: 'Name',
    ref: (name) => name,
    // A rule on a custom bus has the bus's name in its ARN (Amazon EventBridge, "rule" resource type).
    attributes: {
      Arn: (name, env, properties, resolve) => {
        const bus = properties.EventBusName === undefined ? 'default' : String(resolve(properties.EventBusName));
        return arn(env, 'events', bus === 'default' ? `rule/${name}` : `rule/${bus}/${name}`);
      },
    },
  },
  'AWS::S3::Bucket': {
    nameProperty: 'BucketName',
    ref: (name) => name.toLowerCase(),
    attributes: { Arn: (name, env) => `arn:${env.partition}:s3:::${name.toLowerCase()}`, DomainName: (name) => `${name.toLowerCase()}.s3.amazonaws.com` },
  },
  'AWS::CloudWatch::Alarm': {
    nameProperty: 'AlarmName',
    ref: (name) => name,
    attributes: { Arn: (name, env) => arn(env, 'cloudwatch', `alarm:${name}`) },
  },
  'AWS::SecretsManager::Secret': {
    nameProperty: 'Name',
    ref: (name, env) => arn(env, 'secretsmanager', `secret:${name}-AbCdEf`),
    attributes: {},
  },
  'AWS::CloudTrail::Trail': {
    nameProperty: 'TrailName',
    ref: (name) => name,
    attributes: { Arn: (name, env) => arn(env, 'cloudtrail', `trail/${name}`) },
  },
  'AWS::Athena::WorkGroup': { nameProperty: 'Name', ref: (name) => name, attributes: {} },
  'AWS::CloudFormation::StackSet': { nameProperty: 'StackSetName', ref: (name) => `${name}:00000000-0000-0000-0000-000000000000`, attributes: {} },
};

const PSEUDO = (env: Env): Record<string, string> => ({
  'AWS::Partition': env.partition,
  'AWS::Region': env.region,
  'AWS::AccountId': env.account,
  'AWS::StackName': env.stackName,
  'AWS::StackId': arn(env, 'cloudformation', `stack/${env.stackName}/00000000-0000-0000-0000-000000000000`),
  'AWS::URLSuffix': env.partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com',
  'AWS::NotificationARNs': '',
});

/**
 * Replaces every CloudFormation token in `value` (deeply) by a representative value of the shape AWS gives it.
 *
 * @example resolvePlaceholders({ 'Fn::GetAtt': ['IngestQueue95F6DB49', 'Arn'] }, template, env)
 * // 'arn:aws:sqs:eu-west-1:111122223333:IngestQueue95F6DB49'
 * @throws {@link PlaceholderError} for a parameter without a value, an unknown logical id, or a type or attribute
 *   without a shape.
 */
export function resolvePlaceholders<T = unknown>(value: unknown, template: CfnTemplate, environment: PlaceholderEnvironment): T {
  const env: Env = { partition: environment.partition, region: environment.region, account: environment.account, stackName: environment.stackName ?? 'DenialAlerter' };
  const pseudo = PSEUDO(env);
  const resolve = (input: unknown): unknown => {
    if (Array.isArray(input)) return input.map(resolve);
    if (typeof input !== 'object' || input === null) return input;
    const entries = Object.entries(input);
    if (entries.length === 1) {
      const [[key, argument]] = entries as [[string, any]];
      if (key === 'Ref') return refOf(String(argument));
      if (key === 'Fn::GetAtt') {
        const [id, attribute] = Array.isArray(argument) ? argument : String(argument).split('.');
        return attributeOf(String(id), String(attribute));
      }
      if (key === 'Fn::Join') return (resolve(argument[1]) as unknown[]).map(String).join(String(argument[0]));
      if (key === 'Fn::Select') return (resolve(argument[1]) as unknown[])[Number(resolve(argument[0]))];
      if (key === 'Fn::Split') return String(resolve(argument[1])).split(String(argument[0]));
      if (key === 'Fn::Sub') return substitute(argument);
      if (key.startsWith('Fn::')) throw new PlaceholderError(`no placeholder for ${key}`);
    }
    return Object.fromEntries(entries.map(([key, inner]) => [key, resolve(inner)]));
  };
  const resourceOf = (id: string) => {
    const resource = template.Resources?.[id];
    if (!resource) throw new PlaceholderError(`no resource or parameter "${id}" in the template`);
    const shape = SHAPES[resource.Type];
    if (!shape) throw new PlaceholderError(`no placeholder shape for ${resource.Type} (${id})`);
    const properties = resource.Properties ?? {};
    const named = shape.nameProperty ? properties[shape.nameProperty] : undefined;
    return { shape, properties, name: named === undefined ? id : String(resolve(named)) };
  };
  const refOf = (id: string): string => {
    if (id in pseudo) return pseudo[id]!;
    if (template.Parameters && id in template.Parameters) {
      const parameter = environment.parameters?.[id];
      if (parameter === undefined) throw new PlaceholderError(`no value for parameter "${id}"`);
      return parameter;
    }
    const { shape, properties, name } = resourceOf(id);
    return shape.ref(name, env, properties, resolve);
  };
  const attributeOf = (id: string, attribute: string): string => {
    const { shape, properties, name } = resourceOf(id);
    const shaped = shape.attributes[attribute];
    if (!shaped) throw new PlaceholderError(`no placeholder for ${id}.${attribute} (${template.Resources?.[id]?.Type})`);
    return shaped(name, env, properties, resolve);
  };
  const substitute = (argument: unknown): string => {
    const [text, variables] = Array.isArray(argument) ? [String(argument[0]), (argument[1] ?? {}) as Record<string, unknown>] : [String(argument), {}];
    return text.replace(/\$\{([^}!][^}]*)\}/g, (_match, name: string) => {
      if (name in variables) return String(resolve(variables[name]));
      const dot = name.indexOf('.');
      return dot > 0 && !name.startsWith('AWS::') ? attributeOf(name.slice(0, dot), name.slice(dot + 1)) : refOf(name);
    });
  };
  return resolve(value) as T;
}

/** Which kind of policy a document is, as IAM evaluates it. */
export type TemplatePolicyKind = 'identity' | 'trust' | 'resource' | 'key' | 'permission';

/** One policy document of a template, with what it is attached to (still tokens). */
export interface TemplatePolicy {
  /** The logical id of the resource that holds the document. */
  readonly logicalId: string;
  readonly type: string;
  readonly kind: TemplatePolicyKind;
  /** Roles (identity policies), or the topics, queues, bus, bucket, function or key the document governs. */
  readonly attachedTo: readonly unknown[];
  readonly document: PolicyDocument;
}

const listOf = (value: unknown): unknown[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/**
 * Every policy document in a template: role trust policies, inline and attached identity policies (`AWS::IAM::Policy`,
 * `AWS::IAM::ManagedPolicy`, a role's `Policies`), topic, queue, bus and bucket policies, key policies, and each
 * `AWS::Lambda::Permission` as the resource-policy statement Lambda adds for it (Lambda developer guide, "Working with
 * resource-based IAM policies in Lambda": `SourceArn` and `SourceAccount` become `aws:SourceArn` and
 * `aws:SourceAccount` conditions, `PrincipalOrgID` `aws:PrincipalOrgID`, `FunctionUrlAuthType`
 * `lambda:FunctionUrlAuthType`, `InvokedViaFunctionUrl` `lambda:InvokedViaFunctionUrl`).
 */
export function policyDocumentsOf(template: CfnTemplate): TemplatePolicy[] {
  const policies: TemplatePolicy[] = [];
  for (const [logicalId, resource] of Object.entries(template.Resources ?? {})) {
    const properties = resource.Properties ?? {};
    const add = (kind: TemplatePolicyKind, document: PolicyDocument | undefined, attachedTo: unknown[]) => {
      if (document) policies.push({ logicalId, type: resource.Type, kind, attachedTo, document });
    };
    switch (resource.Type) {
      case 'AWS::IAM::Role':
        add('trust', properties.AssumeRolePolicyDocument, [{ Ref: logicalId }]);
        for (const inline of properties.Policies ?? []) add('identity', inline.PolicyDocument, [{ Ref: logicalId }]);
        break;
      case 'AWS::IAM::Policy':
      case 'AWS::IAM::ManagedPolicy':
        add('identity', properties.PolicyDocument, listOf(properties.Roles));
        break;
      case 'AWS::SNS::TopicPolicy':
        add('resource', properties.PolicyDocument, listOf(properties.Topics));
        break;
      case 'AWS::SQS::QueuePolicy':
        add('resource', properties.PolicyDocument, listOf(properties.Queues));
        break;
      case 'AWS::S3::BucketPolicy':
        add('resource', properties.PolicyDocument, [properties.Bucket]);
        break;
      case 'AWS::Events::EventBusPolicy':
        add('resource', { Version: '2012-10-17', Statement: [properties.Statement ?? eventBusPolicyStatement(properties)] }, [properties.EventBusName ?? 'default']);
        break;
      case 'AWS::Events::EventBus':
        if (properties.Policy) add('resource', properties.Policy, [{ Ref: logicalId }]);
        break;
      case 'AWS::KMS::Key':
        add('key', properties.KeyPolicy, [{ 'Fn::GetAtt': [logicalId, 'Arn'] }]);
        break;
      case 'AWS::Lambda::Permission':
        add('permission', { Version: '2012-10-17', Statement: [lambdaPermissionStatement(properties)] }, [properties.FunctionName]);
        break;
      default:
        break;
    }
  }
  return policies;
}

/** The legacy form of `AWS::Events::EventBusPolicy` (Action, Principal, Condition properties) as a statement. */
function eventBusPolicyStatement(properties: Record<string, any>): Statement {
  return {
    Sid: properties.StatementId,
    Effect: 'Allow',
    Action: properties.Action,
    Principal: properties.Principal === '*' ? '*' : { AWS: properties.Principal },
    ...(properties.Condition ? { Condition: { StringEquals: { [properties.Condition.Key]: properties.Condition.Value } } } : {}),
  } as Statement;
}

/** The statement Lambda writes into the function's policy for one `AWS::Lambda::Permission`. */
function lambdaPermissionStatement(properties: Record<string, any>): Statement {
  const principal = properties.Principal;
  const isService = typeof principal === 'string' && principal.endsWith('.amazonaws.com');
  const condition: Record<string, Record<string, unknown>> = {};
  if (properties.SourceArn !== undefined) condition.ArnLike = { 'aws:SourceArn': properties.SourceArn };
  if (properties.SourceAccount !== undefined) condition.StringEquals = { ...condition.StringEquals, 'aws:SourceAccount': properties.SourceAccount };
  if (properties.PrincipalOrgID !== undefined) condition.StringEquals = { ...condition.StringEquals, 'aws:PrincipalOrgID': properties.PrincipalOrgID };
  if (properties.FunctionUrlAuthType !== undefined) condition.StringEquals = { ...condition.StringEquals, 'lambda:FunctionUrlAuthType': properties.FunctionUrlAuthType };
  // "InvokedViaFunctionUrl: restricts the lambda:InvokeFunction action to function URL calls" (Lambda API reference, AddPermission).
  if (properties.InvokedViaFunctionUrl === true) condition.Bool = { 'lambda:InvokedViaFunctionUrl': 'true' };
  return {
    Effect: 'Allow',
    Action: properties.Action,
    Resource: properties.FunctionName,
    Principal: principal === '*' ? '*' : isService ? { Service: principal } : { AWS: principal },
    ...(Object.keys(condition).length > 0 ? { Condition: condition } : {}),
  } as Statement;
}

/** The statements of a document as a list. */
export function statementsOf(document: PolicyDocument): Statement[] {
  return [document.Statement].flat();
}
