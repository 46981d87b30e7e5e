/**
 * Checks a synthesized template against the documented AWS limits of `aws-limits.ts`, and attaches that check to a
 * stack as a CDK validation, so `cdk synth` fails with one line per breach: the resource (construct path and logical
 * id), the limit, the value and the page.
 *
 * Values CloudFormation only knows at deploy time (`Ref`, `Fn::GetAtt`, `Fn::ImportValue`, `Fn::Sub` variables) are
 * counted at a generous estimate of their resolved length ({@link ESTIMATED_LENGTHS}), so a template that passes here
 * fits once resolved.
 */
import { DefaultStackSynthesizer, Stack } from 'aws-cdk-lib';
import { CfnElement } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { AWS_LIMITS, type AwsLimitId } from './aws-limits.js';

/** Resolved lengths assumed for values known only at deploy time. */
export const ESTIMATED_LENGTHS = {
  /** A 12-digit account id. */
  'AWS::AccountId': 12,
  /** The longest Region name in use (`ap-southeast-5`, `us-gov-west-1` and the like are shorter or equal). */
  'AWS::Region': 14,
  /** `aws-us-gov` is the longest partition. */
  'AWS::Partition': 10,
  /** `amazonaws.com.cn`. */
  'AWS::URLSuffix': 16,
  /** CloudFormation's stack name limit. */
  'AWS::StackName': 128,
  /** Any other reference (a generated name, an ARN, a queue URL): 128 characters covers the names CDK generates within their service's ARN or URL. */
  other: 128,
} as const;

/** A template as CloudFormation reads it. */
export interface CfnTemplate {
  Resources?: Record<string, { Type: string; Properties?: Record<string, any> }>;
  Outputs?: Record<string, unknown>;
  Parameters?: Record<string, unknown>;
}

/** One breach. */
export interface LimitViolation {
  /** Logical id of the resource, or `template`. */
  readonly logicalId: string;
  readonly limit: AwsLimitId;
  /** The measured (or estimated) value. */
  readonly actual: number;
  readonly detail?: string;
}

/** How the template reaches CloudFormation: uploaded to S3 by the CDK (1 MB), or in the request (51,200 bytes). */
export interface TemplateDelivery {
  readonly uploadedToS3: boolean;
}

const isRecord = (value: unknown): value is Record<string, any> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The single key of an intrinsic function object (`Ref`, `Fn::…`), or undefined. */
function intrinsicOf(value: Record<string, unknown>): string | undefined {
  const keys = Object.keys(value);
  return keys.length === 1 && (keys[0] === 'Ref' || keys[0]!.startsWith('Fn::')) ? keys[0] : undefined;
}

const placeholder = (length: number) => 'x'.repeat(length);

/**
 * The value with every deploy-time reference replaced by a placeholder string of its estimated resolved length, and
 * `Fn::Join` / `Fn::Sub` folded into strings: what the value will look like, for measuring.
 */
export function materialize(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(materialize);
  if (!isRecord(value)) return value;
  const intrinsic = intrinsicOf(value);
  if (intrinsic === 'Ref') {
    const name = String(value.Ref);
    return placeholder(ESTIMATED_LENGTHS[name as keyof typeof ESTIMATED_LENGTHS] ?? ESTIMATED_LENGTHS.other);
  }
  if (intrinsic === 'Fn::Join') {
    const [separator, parts] = value['Fn::Join'] as [string, unknown[]];
    return (materialize(parts) as unknown[]).map((part) => (typeof part === 'string' ? part : JSON.stringify(part))).join(separator);
  }
  if (intrinsic === 'Fn::Sub') {
    const text = Array.isArray(value['Fn::Sub']) ? String(value['Fn::Sub'][0]) : String(value['Fn::Sub']);
    return text.replace(/\$\{([^}!]+)\}/g, (_all, name: string) => placeholder(ESTIMATED_LENGTHS[name as keyof typeof ESTIMATED_LENGTHS] ?? ESTIMATED_LENGTHS.other));
  }
  if (intrinsic !== undefined) return placeholder(ESTIMATED_LENGTHS.other);
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, materialize(inner)]));
}

/** Characters of a policy document as IAM counts them: compact JSON, whitespace not counted. */
export function policyCharacters(document: unknown): number {
  return JSON.stringify(materialize(document)).replace(/\s/g, '').length;
}

const textLength = (value: unknown): number => {
  const text = materialize(value);
  return typeof text === 'string' ? text.length : JSON.stringify(text).length;
};

/** Name properties and their limit, per resource type. */
const NAME_LIMITS: Record<string, Array<[property: string, limit: AwsLimitId]>> = {
  'AWS::Events::Rule': [['Name', 'ruleNameLength']],
  'AWS::Events::EventBus': [['Name', 'eventBusNameLength']],
  'AWS::IAM::Role': [['RoleName', 'roleNameLength']],
  'AWS::SQS::Queue': [['QueueName', 'queueNameLength']],
  'AWS::SNS::Topic': [['TopicName', 'topicNameLength']],
  'AWS::Lambda::Function': [['FunctionName', 'functionNameLength']],
  'AWS::Logs::LogGroup': [['LogGroupName', 'logGroupNameLength']],
  'AWS::DynamoDB::Table': [['TableName', 'tableNameLength']],
  'AWS::CloudWatch::Alarm': [['AlarmName', 'alarmNameLength']],
  'AWS::CloudFormation::StackSet': [['StackSetName', 'stackSetNameLength']],
};

/** The logical id a `{ Ref }` or `{ Fn::GetAtt }` points at, or undefined. */
function referencedId(value: unknown): string | undefined {
  if (!isRecord(value)) return undefined;
  if (typeof value.Ref === 'string') return value.Ref;
  if (Array.isArray(value['Fn::GetAtt'])) return String(value['Fn::GetAtt'][0]);
  return undefined;
}

/** Every breach of `AWS_LIMITS` in the template. */
export function limitViolations(template: CfnTemplate, delivery: TemplateDelivery): LimitViolation[] {
  const violations: LimitViolation[] = [];
  const over = (logicalId: string, limit: AwsLimitId, actual: number, detail?: string) => {
    const { max } = AWS_LIMITS[limit];
    const min = 'min' in AWS_LIMITS[limit] ? (AWS_LIMITS[limit] as { min: number }).min : undefined;
    if (actual > max || (min !== undefined && actual < min)) violations.push({ logicalId, limit, actual, ...(detail ? { detail } : {}) });
  };
  const resources = template.Resources ?? {};

  const body = JSON.stringify(template, undefined, 1);
  over('template', delivery.uploadedToS3 ? 'templateBodyInS3' : 'templateBodyInRequest', Buffer.byteLength(body, 'utf8'));
  over('template', 'resourcesPerTemplate', Object.keys(resources).length);
  over('template', 'outputsPerTemplate', Object.keys(template.Outputs ?? {}).length);
  over('template', 'parametersPerTemplate', Object.keys(template.Parameters ?? {}).length);

  const inlinePolicyChars = new Map<string, number>();
  const addInline = (roleId: string, characters: number) => inlinePolicyChars.set(roleId, (inlinePolicyChars.get(roleId) ?? 0) + characters);

  for (const [logicalId, resource] of Object.entries(resources)) {
    const properties = resource.Properties ?? {};
    for (const [property, limit] of NAME_LIMITS[resource.Type] ?? []) {
      if (properties[property] !== undefined) over(logicalId, limit, textLength(properties[property]), property);
    }
    switch (resource.Type) {
      case 'AWS::Events::Rule':
        if (properties.EventPattern !== undefined) {
          const pattern = typeof properties.EventPattern === 'string' ? properties.EventPattern : JSON.stringify(materialize(properties.EventPattern));
          over(logicalId, 'eventPatternSize', pattern.length, 'EventPattern');
        }
        over(logicalId, 'targetsPerRule', (properties.Targets ?? []).length, 'Targets');
        break;
      case 'AWS::Lambda::Function': {
        const variables = (properties.Environment?.Variables ?? {}) as Record<string, unknown>;
        const bytes = Object.entries(variables).reduce((sum, [name, value]) => {
          const text = materialize(value);
          return sum + Buffer.byteLength(name, 'utf8') + Buffer.byteLength(typeof text === 'string' ? text : JSON.stringify(text), 'utf8');
        }, 0);
        over(logicalId, 'lambdaEnvironmentSize', bytes, 'Environment.Variables');
        break;
      }
      case 'AWS::IAM::Role':
        if (properties.AssumeRolePolicyDocument !== undefined) over(logicalId, 'roleTrustPolicySize', policyCharacters(properties.AssumeRolePolicyDocument), 'AssumeRolePolicyDocument');
        for (const policy of (properties.Policies ?? []) as Array<{ PolicyDocument: unknown }>) addInline(logicalId, policyCharacters(policy.PolicyDocument));
        break;
      case 'AWS::IAM::Policy':
        for (const role of (properties.Roles ?? []) as unknown[]) {
          const roleId = referencedId(role);
          if (roleId !== undefined) addInline(roleId, policyCharacters(properties.PolicyDocument));
        }
        break;
      case 'AWS::IAM::ManagedPolicy':
        over(logicalId, 'managedPolicySize', policyCharacters(properties.PolicyDocument), 'PolicyDocument');
        break;
      case 'AWS::CloudFormation::StackSet':
        if (properties.TemplateBody !== undefined) {
          const templateBody = typeof properties.TemplateBody === 'string' ? properties.TemplateBody : JSON.stringify(materialize(properties.TemplateBody));
          over(logicalId, 'templateBodyInRequest', Buffer.byteLength(templateBody, 'utf8'), 'TemplateBody');
        }
        break;
      case 'AWS::DynamoDB::Table':
      case 'AWS::DynamoDB::GlobalTable':
        over(logicalId, 'globalSecondaryIndexesPerTable', (properties.GlobalSecondaryIndexes ?? []).length, 'GlobalSecondaryIndexes');
        break;
      case 'AWS::Lambda::EventSourceMapping': {
        const maximum = properties.ScalingConfig?.MaximumConcurrency;
        if (typeof maximum === 'number') over(logicalId, 'eventSourceMaximumConcurrency', maximum, 'ScalingConfig.MaximumConcurrency');
        const queue = resources[referencedId(properties.EventSourceArn) ?? ''];
        const fn = resources[referencedId(properties.FunctionName) ?? ''];
        if (queue?.Type === 'AWS::SQS::Queue' && fn?.Type === 'AWS::Lambda::Function') {
          // CloudFormation's defaults: a queue's visibility timeout 30 s, a function's timeout 3 s.
          const visibility = Number(queue.Properties?.VisibilityTimeout ?? 30);
          const timeout = Number(fn.Properties?.Timeout ?? 3);
          over(logicalId, 'sqsVisibilityTimeoutMultiple', visibility / timeout, `queue ${referencedId(properties.EventSourceArn)} visibility ${visibility} s, function ${referencedId(properties.FunctionName)} timeout ${timeout} s`);
        }
        break;
      }
      default:
        break;
    }
  }
  for (const [roleId, characters] of inlinePolicyChars) over(roleId, 'roleInlinePoliciesSize', characters, 'inline policies (Policies and AWS::IAM::Policy)');
  return violations;
}

/** One line for a breach: where, which limit, the value, the page. */
export function describeViolation(violation: LimitViolation, pathOf: (logicalId: string) => string = (id) => id): string {
  const limit = AWS_LIMITS[violation.limit];
  const min = 'min' in limit ? (limit as { min: number }).min : undefined;
  const bound = min !== undefined && violation.actual < min ? `at least ${min}` : `at most ${limit.max}`;
  const where = violation.logicalId === 'template' ? 'the template' : `${pathOf(violation.logicalId)} (${violation.logicalId})`;
  const value = Number.isInteger(violation.actual) ? String(violation.actual) : violation.actual.toFixed(2);
  return `${where}${violation.detail ? `, ${violation.detail}` : ''}: ${limit.name} is ${value} ${limit.unit}, AWS allows ${bound} (${limit.source})`;
}

const checked = new WeakSet<Stack>();

/**
 * Makes `cdk synth` of the stack holding `scope` fail on any breach of `AWS_LIMITS` (once per stack, however many
 * constructs ask).
 */
export function checkAwsLimits(scope: IConstruct): void {
  const stack = Stack.of(scope);
  if (checked.has(stack)) return;
  checked.add(stack);
  stack.node.addValidation({
    validate: () => {
      const template = stack.resolve((stack as unknown as { _toCloudFormation(): unknown })._toCloudFormation()) as CfnTemplate;
      const paths = new Map<string, string>();
      for (const element of stack.node.findAll()) {
        if (element instanceof CfnElement && Stack.of(element) === stack) paths.set(stack.resolve(element.logicalId) as string, element.node.path);
      }
      return limitViolations(template, { uploadedToS3: stack.synthesizer instanceof DefaultStackSynthesizer }).map((violation) =>
        describeViolation(violation, (id) => paths.get(id) ?? id),
      );
    },
  });
}
