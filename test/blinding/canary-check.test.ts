/**
 * The scheduled canary check over a real table (DynamoDB Local) and a loopback SNS standing in for the operations
 * topic, with a fake clock: one "blind" notice when an account and Region goes quiet, never repeated, one "back" when
 * its canary returns; a notice SNS refuses is announced by the next check instead of being lost. The published
 * notice reaches Slack through the handler's SNS path, and the Lambda's schedule runs the same check.
 */
import type { SNSEvent } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { canaryCheckFromEnvironment, isScheduledEvent } from '../../lambdas/adapters/canary-check-wiring.js';
import { DynamoDbCanaryStore } from '../../lambdas/adapters/dynamodb-canary-store.js';
import { deliverOperationsNotices } from '../../lambdas/adapters/operations-slack.js';
import { SlackWebhookSender } from '../../lambdas/adapters/slack-webhook.js';
import { HANDLER_ENV } from '../../lambdas/config/env.js';
import { NEVER_BLIND_ENV } from '../../lambdas/config/never-blind.js';
import { runCanaryCheck } from '../../lambdas/engine/canary-check.js';
import { makeHandler } from '../../lambdas/handler.js';
import { parsePublish, PUBLISH_RESPONSE, snsClient } from '../delivery/sns-fake.js';
import { useDynamoDbLocal } from '../support/dynamodb.js';
import { startHttpServer, type LocalServer } from '../support/http-server.js';

const dynamo = useDynamoDbLocal();
const TOPIC = 'arn:aws:sns:eu-west-1:111122223333:DenialAlerter-Operations';
const T = Date.parse('2026-12-01T10:00:00Z');
const minutes = (n: number) => T + n * 60_000;
const A = '111122223333';
const B = '444455556666';

const servers: LocalServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** A loopback SNS whose answers can be switched between taking and refusing a Publish. */
async function operationsTopic() {
  const state = { refuse: false };
  const accepted: number[] = [];
  const server = await startHttpServer((_, res, index) => {
    if (!state.refuse) {
      accepted.push(index);
      return void res.writeHead(200, { 'content-type': 'text/xml' }).end(PUBLISH_RESPONSE);
    }
    res.writeHead(500, { 'content-type': 'text/xml' }).end('<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>Receiver</Type><Code>InternalError</Code><Message>boom</Message></Error><RequestId>r-1</RequestId></ErrorResponse>');
  });
  servers.push(server);
  const published = () => server.requests.filter((_, index) => accepted.includes(index)).map(parsePublish);
  return { server, state, published, accepted };
}

/** The check as the Lambda builds it, over a fresh table and the loopback topic. */
async function checkOver(extraEnv: Record<string, string> = {}) {
  const { tableName } = await dynamo.newTable();
  const topic = await operationsTopic();
  const logged: string[] = [];
  const env = { [HANDLER_ENV.tableName]: tableName, [NEVER_BLIND_ENV.operationsTopicArn]: TOPIC, ...extraEnv };
  const run = canaryCheckFromEnvironment(env, { dynamodb: () => dynamo.client(), sns: () => snsClient(topic.server.origin), log: (level, message) => logged.push(`${level}: ${message}`) });
  const store = new DynamoDbCanaryStore({ tableName, client: dynamo.client() });
  return { run, store, topic, logged, env };
}

describe('the scheduled canary check', () => {
  it('says "blind" once when a canary stops, never again while it stays away, and "back" once when it returns', async () => {
    const { run, store, topic } = await checkOver();
    await store.recordArrival(A, 'eu-west-1', minutes(0));
    await store.recordArrival(B, 'us-east-1', minutes(0));
    expect((await run(minutes(30))).announced).toEqual([]);
    // B keeps arriving every 15 minutes; A stops after 10:00.
    for (const at of [15, 30, 45, 60]) await store.recordArrival(B, 'us-east-1', minutes(at));
    expect((await run(minutes(50))).announced).toEqual([]);
    const blind = await run(minutes(51));
    expect(blind.announced.map((verdict) => [verdict.kind, verdict.state.accountId])).toEqual([['blind', A]]);
    expect(topic.published()).toHaveLength(1);
    expect(topic.published()[0]).toMatchObject({ action: 'Publish', topicArn: TOPIC, subject: `blind: nothing from account ${A} in eu-west-1 since 2026-12-01T10:00:00Z` });
    expect(topic.published()[0]!.message).toMatch(/^blind: nothing from account 111122223333 in Region eu-west-1 since 2026-12-01T10:00:00Z .*\nCheck, in order:\n1\. the trail/);

    // Still away: no repeat, however often the check runs.
    expect((await run(minutes(56))).announced).toEqual([]);
    expect((await run(minutes(61))).announced).toEqual([]);
    expect(topic.published()).toHaveLength(1);
    expect((await store.states()).find((state) => state.accountId === A)).toMatchObject({ blind: true });

    await store.recordArrival(A, 'eu-west-1', minutes(75));
    const back = await run(minutes(76));
    expect(back.announced.map((verdict) => [verdict.kind, verdict.state.accountId])).toEqual([['back', A]]);
    expect((await run(minutes(81))).announced).toEqual([]);
    expect(topic.published().map((publish) => publish.subject)).toEqual([
      `blind: nothing from account ${A} in eu-west-1 since 2026-12-01T10:00:00Z`,
      `back: account ${A} in eu-west-1 is seen again`,
    ]);
  });

  it('never reports a new account before its first canary, nor an excluded one, and uses the stack\'s threshold', async () => {
    const { run, store, topic } = await checkOver({ [NEVER_BLIND_ENV.canaryExcluded]: JSON.stringify([`${B}/*`]), [NEVER_BLIND_ENV.canaryOverdueMinutes]: '20' });
    await store.recordArrival(A, 'eu-west-1', minutes(0));
    await store.recordArrival(B, 'eu-west-1', minutes(0));
    expect((await run(minutes(20))).announced).toEqual([]);
    const result = await run(minutes(21));
    expect(result.announced.map((verdict) => verdict.state.accountId)).toEqual([A]);
    expect(topic.published()).toHaveLength(1);
  });

  it('keeps a notice SNS refused for the next check, which announces it once', async () => {
    const { run, store, topic, logged } = await checkOver();
    await store.recordArrival(A, 'eu-west-1', minutes(0));
    topic.state.refuse = true;
    await expect(run(minutes(51))).rejects.toThrow(/1 canary notice\(s\) not sent/);
    expect(logged).toContain('error: canary blind notice not sent');
    expect((await store.states())[0]).toMatchObject({ blind: false });
    topic.state.refuse = false;
    const retried = await run(minutes(56));
    expect(retried.announced.map((verdict) => verdict.kind)).toEqual(['blind']);
    // SNS was asked twice (refused, then taken); one notice was published.
    expect(topic.server.requests.map(parsePublish).filter((publish) => publish.subject?.startsWith('blind'))).toHaveLength(2);
    expect(topic.published()).toHaveLength(1);
    expect((await run(minutes(61))).announced).toEqual([]);
  });

  it('announces a transition once when two checks read the same state at once (Lambda retries, overlapping schedules)', async () => {
    const { store } = await checkOver();
    await store.recordArrival(A, 'eu-west-1', minutes(0));
    // Both checks have read the states before either writes.
    let release!: () => void;
    const bothRead = new Promise<void>((resolve) => (release = resolve));
    let reads = 0;
    const racing = {
      async states() {
        const states = await store.states();
        if (++reads === 2) release();
        await bothRead;
        return states;
      },
      transition: store.transition.bind(store),
    };
    const notices: string[] = [];
    const notify = async (notice: { subject: string }) => void notices.push(notice.subject);
    await Promise.all([runCanaryCheck({ store: racing, notify }, { nowMs: minutes(51) }), runCanaryCheck({ store: racing, notify }, { nowMs: minutes(51) })]);
    expect(notices).toEqual([`blind: nothing from account ${A} in eu-west-1 since 2026-12-01T10:00:00Z`]);
  });

  it('does not mark an account blind when its canary arrived between the check\'s read and its write', async () => {
    const { store } = await checkOver();
    await store.recordArrival(A, 'eu-west-1', minutes(0));
    const [read] = await store.states();
    await store.recordArrival(A, 'eu-west-1', minutes(52));
    expect(await store.transition(read!, true)).toBe(false);
    expect((await store.states())[0]).toMatchObject({ blind: false, lastArrivalMs: minutes(52) });
  });

  it('reaches Slack through the operations topic\'s subscription (the handler\'s SNS path)', async () => {
    const { run, store, topic } = await checkOver();
    await store.recordArrival(A, 'eu-west-1', minutes(0));
    await run(minutes(51));
    const { subject, message } = topic.published()[0]!;
    const slack = await startHttpServer((_, res) => void res.writeHead(200).end('ok'));
    servers.push(slack);
    const event = { Records: [{ EventSource: 'aws:sns', Sns: { Subject: subject, Message: message } }] } as unknown as SNSEvent;
    await deliverOperationsNotices(event, { sender: new SlackWebhookSender({ webhookUrl: `${slack.url}/services/T/B/x` }), log: () => undefined }, Date.now() + 10_000);
    expect(slack.requests).toHaveLength(1);
    const posted = JSON.stringify(JSON.parse(slack.requests[0]!.body));
    expect(posted).toContain(`blind: nothing from account ${A} in eu-west-1 since 2026-12-01T10:00:00Z`);
    expect(posted).toContain('Check, in order:');
  });

  it('runs from the Lambda\'s schedule: a Scheduled Event invokes the check, and nothing else does', async () => {
    const { store, topic, env } = await checkOver();
    await store.recordArrival(A, 'eu-west-1', Date.now() - 3 * 3_600_000);
    const handler = makeHandler(
      () => {
        throw new Error('a scheduled event must not build the SQS path');
      },
      () => {
        throw new Error('a scheduled event must not build the SNS path');
      },
      () => canaryCheckFromEnvironment(env, { dynamodb: () => dynamo.client(), sns: () => snsClient(topic.server.origin), log: () => undefined }),
    );
    const scheduled = { version: '0', id: 'e1', 'detail-type': 'Scheduled Event', source: 'aws.events', account: A, time: '2026-12-01T10:00:00Z', region: 'eu-west-1', resources: ['arn:aws:events:eu-west-1:111122223333:rule/DenialAlerter-CanaryCheck'], detail: {} };
    await handler(scheduled as never, { getRemainingTimeInMillis: () => 30_000 });
    expect(topic.published().map((publish) => publish.subject)).toEqual([expect.stringMatching(/^blind: nothing from account 111122223333 in eu-west-1 since /)]);
    expect(isScheduledEvent(scheduled)).toBe(true);
    expect(isScheduledEvent({ Records: [] })).toBe(false);
    expect(isScheduledEvent({ source: 'aws.cloudtrail', 'detail-type': 'Scheduled Event' })).toBe(false);
  });
});
