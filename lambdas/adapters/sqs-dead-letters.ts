/**
 * Sends the handler's dead letters (a record it could not read, an alert it could not deliver) to their SQS queue.
 * Most invocations have none, so the handler loads this with the first one (`operations-module.ts`).
 */
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';

/** A sender over one SQS client, created with it and kept: `send(queueUrl, messageBody)` throws what SQS answered. */
export function sqsDeadLetterSender(client: SQSClient = new SQSClient({})): (queueUrl: string, messageBody: string) => Promise<void> {
  return async (queueUrl, messageBody) => {
    await client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: messageBody }));
  };
}
