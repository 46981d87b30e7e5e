/**
 * E-mail subscriptions of the deployed stack's topics (outputs `AlertTopicArn`, `OperationsTopicArn`) still pending
 * confirmation: ListSubscriptionsByTopic gives them the SubscriptionArn "PendingConfirmation"
 * (https://docs.aws.amazon.com/sns/latest/api/API_ListSubscriptionsByTopic.html).
 */
import { ListSubscriptionsByTopicCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { CallFailure } from '../../core/preflight/checklist.js';
import type { PendingSubscriptionFacts } from '../../core/preflight/slack-secret.js';
import { attempt, isCallFailure } from './aws-call.js';
import type { DeployedStack } from './deployed-stack.js';

const TOPIC_OUTPUTS = ['AlertTopicArn', 'OperationsTopicArn'] as const;

/** The pending e-mail subscriptions of each topic of the stack (none before the first deploy). */
export async function gatherPendingSubscriptions(sns: SNSClient, stack: DeployedStack | null | CallFailure): Promise<PendingSubscriptionFacts | CallFailure> {
  if (stack === null) return { topics: [] };
  if (isCallFailure(stack)) return stack;
  const arns = [...new Set(TOPIC_OUTPUTS.map((key) => stack.outputs[key]).filter((arn): arn is string => Boolean(arn)))];
  const topics = await Promise.all(
    arns.map(async (arn) => ({
      name: arn.split(':').pop() ?? arn,
      pendingEmails: await attempt('sns:ListSubscriptionsByTopic', 'SNS', async () => {
        const pending: string[] = [];
        let NextToken: string | undefined;
        do {
          const page = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: arn, NextToken }));
          for (const subscription of page.Subscriptions ?? []) {
            if (subscription.SubscriptionArn === 'PendingConfirmation' && /^email(-json)?$/.test(subscription.Protocol ?? '')) pending.push(subscription.Endpoint ?? '(unknown address)');
          }
          NextToken = page.NextToken;
        } while (NextToken);
        return pending;
      }),
    })),
  );
  return { topics };
}
