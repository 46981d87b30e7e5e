/**
 * Reads the resource policy of the denied resource where the service has one: S3 bucket, KMS key, SQS queue, SNS
 * topic, Lambda function, Secrets Manager secret, ECR repository.
 */
import { GetRepositoryPolicyCommand, type ECRClient } from '@aws-sdk/client-ecr';
import { GetKeyPolicyCommand, type KMSClient } from '@aws-sdk/client-kms';
import { GetPolicyCommand as GetFunctionPolicyCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { GetBucketPolicyCommand, type S3Client } from '@aws-sdk/client-s3';
import { GetResourcePolicyCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetTopicAttributesCommand, type SNSClient } from '@aws-sdk/client-sns';
import { GetQueueAttributesCommand, GetQueueUrlCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { NamedPolicy } from '../../core/iam-policy/types.js';
import { arnIn } from '../../core/partition.js';
import { lookup, parsePolicyText, type Lookup } from './lookup-result.js';

/** The clients the reader may use; a missing one means that service's policies are not read. */
export interface ResourcePolicyClients {
  s3?: S3Client;
  kms?: KMSClient;
  sqs?: SQSClient;
  sns?: SNSClient;
  lambda?: LambdaClient;
  secretsManager?: SecretsManagerClient;
  ecr?: ECRClient;
}

const policy = (arn: string, text: string | undefined | null): NamedPolicy | null =>
  text ? { name: `resource policy of ${arn}`, arn, layer: 'resource-policy', document: parsePolicyText(text) } : null;

/** Reads the resource policy behind an ARN; `none` when the service has no resource policies. */
export function readResourcePolicy(arn: string, clients: ResourcePolicyClients): Promise<Lookup<NamedPolicy>> {
  const [, partition = 'aws', service, , account, ...rest] = arn.split(':');
  const resource = rest.join(':');
  const what = (apiAction: string) => `${apiAction} on ${arn}`;
  switch (service) {
    case 's3': {
      const bucket = resource.split('/')[0]!;
      if (!clients.s3) break;
      return lookup(what('s3:GetBucketPolicy'), async () => policy(arnIn(partition, 's3', '', '', bucket), (await clients.s3!.send(new GetBucketPolicyCommand({ Bucket: bucket }))).Policy));
    }
    case 'kms': {
      if (!clients.kms || !resource.startsWith('key/')) break;
      return lookup(what('kms:GetKeyPolicy'), async () => policy(arn, (await clients.kms!.send(new GetKeyPolicyCommand({ KeyId: arn, PolicyName: 'default' }))).Policy));
    }
    case 'sqs':
      if (!clients.sqs) break;
      return lookup(what('sqs:GetQueueAttributes'), async () => {
        const { QueueUrl } = await clients.sqs!.send(new GetQueueUrlCommand({ QueueName: resource, QueueOwnerAWSAccountId: account }));
        const { Attributes } = await clients.sqs!.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['Policy'] }));
        return policy(arn, Attributes?.Policy);
      });
    case 'sns':
      if (!clients.sns) break;
      return lookup(what('sns:GetTopicAttributes'), async () => policy(arn, (await clients.sns!.send(new GetTopicAttributesCommand({ TopicArn: arn }))).Attributes?.Policy));
    case 'lambda':
      if (!clients.lambda) break;
      return lookup(what('lambda:GetPolicy'), async () => policy(arn, (await clients.lambda!.send(new GetFunctionPolicyCommand({ FunctionName: arn }))).Policy));
    case 'secretsmanager':
      if (!clients.secretsManager) break;
      return lookup(what('secretsmanager:GetResourcePolicy'), async () => policy(arn, (await clients.secretsManager!.send(new GetResourcePolicyCommand({ SecretId: arn }))).ResourcePolicy));
    case 'ecr':
      if (!clients.ecr) break;
      return lookup(what('ecr:GetRepositoryPolicy'), async () =>
        policy(arn, (await clients.ecr!.send(new GetRepositoryPolicyCommand({ repositoryName: resource.replace(/^repository\//, ''), registryId: account }))).policyText),
      );
    default:
      break;
  }
  return Promise.resolve({ status: 'none' });
}
