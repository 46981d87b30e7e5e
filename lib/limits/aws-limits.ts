/**
 * The documented AWS limits this app can reach, each with the page it comes from. `limit-checks.ts` checks every
 * synthesized stack against them, so that `cdk synth` fails (naming the resource, the limit and the page) instead of
 * a deploy that CloudFormation rolls back. Where a default quota can be raised through Service Quotas, the default is
 * what an ordinary account has, so the default is the limit here.
 */

/** One documented limit. */
export interface AwsLimit {
  /** What is limited, as the page names it. */
  readonly name: string;
  /** The smallest allowed value, for ranges. */
  readonly min?: number;
  /** The largest allowed value (characters, bytes or a count, as `unit` says). */
  readonly max: number;
  readonly unit: 'characters' | 'bytes' | 'count' | 'seconds';
  /** The AWS documentation page that states it. */
  readonly source: string;
}

const EVENTBRIDGE_QUOTAS = 'https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html';
const LAMBDA_QUOTAS = 'https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html';
const IAM_QUOTAS = 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html';
const CLOUDFORMATION_QUOTAS = 'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html';

export const AWS_LIMITS = {
  /** "Event pattern size: 2,048 (adjustable)": the maximum size of an event pattern, in characters. */
  eventPatternSize: { name: 'EventBridge event pattern size', max: 2048, unit: 'characters', source: EVENTBRIDGE_QUOTAS },
  /** "Targets per rule: 5", not adjustable. */
  targetsPerRule: { name: 'EventBridge targets per rule', max: 5, unit: 'count', source: EVENTBRIDGE_QUOTAS },
  /** "Environment variables: 4 KB, for all environment variables associated with the function, in aggregate". */
  lambdaEnvironmentSize: { name: 'Lambda environment variables (in aggregate)', max: 4096, unit: 'bytes', source: LAMBDA_QUOTAS },
  /** "Role policy size cannot exceed 10,240 characters" (all inline policies of a role together; whitespace not counted). */
  roleInlinePoliciesSize: { name: 'IAM inline policies of a role (total, whitespace not counted)', max: 10_240, unit: 'characters', source: IAM_QUOTAS },
  /** "Managed policy size cannot exceed 6,144 characters" (whitespace not counted). */
  managedPolicySize: { name: 'IAM managed policy size (whitespace not counted)', max: 6144, unit: 'characters', source: IAM_QUOTAS },
  /** "Role trust policy length: 2,048 characters" by default (adjustable to 4,096; whitespace not counted). */
  roleTrustPolicySize: { name: 'IAM role trust policy length (whitespace not counted)', max: 2048, unit: 'characters', source: IAM_QUOTAS },
  /** "Template body size in a request: 51,200 bytes": a StackSet's `TemplateBody`, and a template deployed without an S3 upload. */
  templateBodyInRequest: { name: 'CloudFormation template body size in a request', max: 51_200, unit: 'bytes', source: CLOUDFORMATION_QUOTAS },
  /** "Template body size in an Amazon S3 object: 1 MB": a template the CDK uploads to the bootstrap bucket. */
  templateBodyInS3: { name: 'CloudFormation template body size in an Amazon S3 object', max: 1_048_576, unit: 'bytes', source: CLOUDFORMATION_QUOTAS },
  /** "Resources: 500" per template. */
  resourcesPerTemplate: { name: 'CloudFormation resources per template', max: 500, unit: 'count', source: CLOUDFORMATION_QUOTAS },
  /** "Outputs: 200" per template. */
  outputsPerTemplate: { name: 'CloudFormation outputs per template', max: 200, unit: 'count', source: CLOUDFORMATION_QUOTAS },
  /** "Parameters: 200" per template. */
  parametersPerTemplate: { name: 'CloudFormation parameters per template', max: 200, unit: 'count', source: CLOUDFORMATION_QUOTAS },
  /**
   * "Set the source queue's visibility timeout to at least six times the configuration timeout on your function"; the
   * limit is the multiple (queue visibility timeout ÷ function timeout at least 6).
   */
  sqsVisibilityTimeoutMultiple: {
    name: 'SQS visibility timeout of an event source queue, as a multiple of the function timeout',
    min: 6,
    max: Number.POSITIVE_INFINITY,
    unit: 'count',
    source: 'https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html',
  },
  /** `ScalingConfig.MaximumConcurrency`: "Minimum value of 2. Maximum value of 1000." */
  eventSourceMaximumConcurrency: { name: 'SQS event source mapping maximum concurrency', min: 2, max: 1000, unit: 'count', source: 'https://docs.aws.amazon.com/lambda/latest/api/API_ScalingConfig.html' },
  /** "Global secondary indexes per table: 20" (default, adjustable). */
  globalSecondaryIndexesPerTable: { name: 'DynamoDB global secondary indexes per table', max: 20, unit: 'count', source: 'https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html' },
  /** PutRule `Name`: "Maximum length of 64". */
  ruleNameLength: { name: 'EventBridge rule name length', max: 64, unit: 'characters', source: 'https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutRule.html' },
  /** CreateEventBus `Name`: "Maximum length of 256". */
  eventBusNameLength: { name: 'EventBridge event bus name length', max: 256, unit: 'characters', source: 'https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_CreateEventBus.html' },
  /** CreateRole `RoleName`: "Maximum length of 64". */
  roleNameLength: { name: 'IAM role name length', max: 64, unit: 'characters', source: 'https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html' },
  /** CreateQueue `QueueName`: "A queue name can have up to 80 characters". */
  queueNameLength: { name: 'SQS queue name length', max: 80, unit: 'characters', source: 'https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html' },
  /** CreateTopic `Name`: "must be made up of only uppercase and lowercase ASCII letters, numbers, underscores, and hyphens, and must be between 1 and 256 characters long". */
  topicNameLength: { name: 'SNS topic name length', max: 256, unit: 'characters', source: 'https://docs.aws.amazon.com/sns/latest/api/API_CreateTopic.html' },
  /** CreateFunction `FunctionName`: "If you specify only the function name, it is limited to 64 characters in length." */
  functionNameLength: { name: 'Lambda function name length', max: 64, unit: 'characters', source: 'https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html' },
  /** CreateLogGroup `logGroupName`: "Maximum length of 512". */
  logGroupNameLength: { name: 'CloudWatch Logs log group name length', max: 512, unit: 'characters', source: 'https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html' },
  /** CreateTable `TableName`: "Maximum length of 255" (the ARN form 1024). */
  tableNameLength: { name: 'DynamoDB table name length', max: 255, unit: 'characters', source: 'https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_CreateTable.html' },
  /** PutMetricAlarm `AlarmName`: "Maximum length of 255". */
  alarmNameLength: { name: 'CloudWatch alarm name length', max: 255, unit: 'characters', source: 'https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html' },
  /** CreateStackSet `StackSetName`: "Maximum length of 128". */
  stackSetNameLength: { name: 'CloudFormation StackSet name length', max: 128, unit: 'characters', source: 'https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateStackSet.html' },
} as const satisfies Record<string, AwsLimit>;

export type AwsLimitId = keyof typeof AWS_LIMITS;
