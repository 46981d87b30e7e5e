import { afterEach, describe, expect, it } from 'vitest';
import { SnsDeliveryError } from '../../lambdas/adapters/delivery-errors.js';
import { SnsPublisher } from '../../lambdas/adapters/sns-publisher.js';
import { buildSnsMessage } from '../../lambdas/core/render/sns.js';
import { lambdaExplicitDeny } from '../render/alerts.js';
import { fakeSns, parsePublish, snsClient } from './sns-fake.js';
import { startHttpServer, type LocalServer } from '../support/http-server.js';

const TOPIC = 'arn:aws:sns:us-east-1:111122223333:denial-alerts';
const servers: LocalServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});
const startSns = async (status = 200) => {
  const server = await fakeSns(status);
  servers.push(server);
  return server;
};

describe('SNS publishing through the real AWS SDK to a local endpoint', () => {
  it('sends Publish with the subject, the text body and String message attributes', async () => {
    const sns = await startSns();
    const result = await new SnsPublisher(snsClient(sns.origin), TOPIC).publish(lambdaExplicitDeny);
    expect(result).toEqual({ messageId: '94f20ce6-13c5-43a0-9a9e-ca52d816e90b' });
    expect(sns.requests).toHaveLength(1);
    expect(sns.requests[0]!.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
    const publish = parsePublish(sns.requests[0]!);
    const expected = buildSnsMessage(lambdaExplicitDeny);
    expect(publish).toEqual({
      action: 'Publish',
      topicArn: TOPIC,
      subject: expected.subject,
      message: expected.message,
      attributes: Object.fromEntries(Object.entries(expected.attributes).map(([name, value]) => [name, { dataType: 'String', value }])),
    });
    expect(publish.subject).toMatch(/^\[\w+\] lambda:ListFunctions denied 12x for RscScpDisallow in 123456789012$/);
    expect(publish.attributes).toMatchObject({
      account: { dataType: 'String', value: '123456789012' },
      action: { dataType: 'String', value: 'lambda:ListFunctions' },
      denyKind: { dataType: 'String', value: 'explicit' },
    });
    expect(publish.message).toContain('Explicit deny: no Allow can override it.');
  });

  it('a failing topic: SnsDeliveryError naming the topic, after the SDK retries, retryable, cause kept', async () => {
    const sns = await startSns(500);
    const error = await new SnsPublisher(snsClient(sns.origin, 2), TOPIC).publish(lambdaExplicitDeny).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SnsDeliveryError);
    expect(error).toMatchObject({ channel: 'sns', attempts: 2, retryable: true });
    expect((error as Error).message).toMatch(/^SNS Publish to arn:aws:sns:us-east-1:111122223333:denial-alerts failed: InternalErrorException: boom \(HTTP 500\)$/);
    expect((error as Error).cause).toBeDefined();
    expect(sns.requests).toHaveLength(2);
  });

  it('a hanging endpoint: the request is aborted at the caller\'s deadline, whatever the SDK\'s retries', async () => {
    const sns = await startHttpServer(() => 'hang');
    servers.push(sns);
    const error = await new SnsPublisher(snsClient(sns.origin, 3), TOPIC).publish(lambdaExplicitDeny, { deadlineMs: Date.now() + 500 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SnsDeliveryError);
    expect((error as Error).message).toMatch(/^SNS Publish to arn:aws:sns:us-east-1:111122223333:denial-alerts failed: \w*Abort/);
    expect(sns.requests).toHaveLength(1);
  });

  it('a deadline already past: not tried at all', async () => {
    const sns = await startSns();
    const error = await new SnsPublisher(snsClient(sns.origin), TOPIC).publish(lambdaExplicitDeny, { deadlineMs: Date.now() - 1 }).catch((caught: unknown) => caught);
    expect((error as Error).message).toBe(`SNS Publish to ${TOPIC} not tried: the delivery deadline had passed`);
    expect(sns.requests).toHaveLength(0);
  });
});
