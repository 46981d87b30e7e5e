/**
 * Publishes an operations notice (subject and plain text) to the operations topic. Its subscribers are the operations
 * path: the `opsEmails`, and, when the default route has a Slack webhook, the handler's SNS path, which posts it to
 * Slack (`operations-slack.ts`). So one publish reaches both, as the CloudWatch alarms do.
 */
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';

/** A notice for the operations path. */
export interface OperationsNoticeText {
  /** At most 100 characters, one line (SNS's limit on `Subject`, "Publish", SNS API reference). */
  subject: string;
  message: string;
}

/** The operations topic, through the caller's SNS client. */
export class OperationsTopic {
  constructor(
    private readonly client: SNSClient,
    private readonly topicArn: string,
  ) {}

  /** Publishes one notice; throws what SNS answered when it did not take it. */
  async publish(notice: OperationsNoticeText): Promise<void> {
    // SNS refuses a subject over 100 characters or with a line break ("Publish": Subject constraints).
    const subject = notice.subject.replace(/[\r\n]+/g, ' ').slice(0, 100);
    await this.client.send(new PublishCommand({ TopicArn: this.topicArn, Subject: subject, Message: notice.message }));
  }
}
