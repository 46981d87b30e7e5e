/**
 * The delivery of own-role notices (`lambdas/adapters/own-role-notices.ts`) against a loopback SNS: once an hour per
 * role, account and action; a notice SNS did not take is tried again with the next denial; the subject is one SNS
 * accepts whatever the denial named.
 */
import { describe, expect, it } from 'vitest';
import { ownRoleNoticeDelivery, OWN_ROLE_NOTICE_INTERVAL_MS } from '../../lambdas/adapters/own-role-notices.js';
import type { OwnRoleNotice } from '../../lambdas/core/service-rules/own-roles.js';
import { useHttpServers } from '../support/http-server.js';
import { parsePublish, PUBLISH_RESPONSE, snsClient } from './sns-fake.js';

const servers = useHttpServers();
const TOPIC = 'arn:aws:sns:us-east-1:111122223333:DenialAlerter-Operations';
const notice = (key: string, subject = "Denial Alerter: the alerter's reader role was denied iam:GetRole"): OwnRoleNotice => ({ role: 'reader', key, subject, message: `message of ${key}` });

async function delivery(failFirst: number) {
  const sns = await servers.start((_, res, index) => {
    if (index < failFirst) return void res.writeHead(500, { 'content-type': 'text/xml' }).end('<ErrorResponse><Error><Type>Receiver</Type><Code>InternalError</Code><Message>boom</Message></Error></ErrorResponse>');
    res.writeHead(200, { 'content-type': 'text/xml' }).end(PUBLISH_RESPONSE);
  });
  let nowMs = Date.parse('2026-12-05T10:00:00Z');
  const logged: string[] = [];
  const deliver = ownRoleNoticeDelivery({
    operationsTopic: { topicArn: TOPIC, client: () => snsClient(sns.url) },
    operationsSlack: () => {
      throw new Error('with an operations topic, Slack is reached through its subscription');
    },
    log: (level, message) => void logged.push(`${level}: ${message}`),
    now: () => nowMs,
  });
  return { sns, deliver: deliver.deliver, advance: (ms: number) => void (nowMs += ms), logged };
}

describe('own-role notices on the operations topic', () => {
  it('one Publish per key an hour, a new one after the hour, each logged as a warning', async () => {
    const { sns, deliver, advance, logged } = await delivery(0);
    await deliver(notice('own-role:reader:444455556666:iam:GetRole'));
    advance(60_000);
    await deliver(notice('own-role:reader:444455556666:iam:GetRole'));
    await deliver(notice('own-role:reader:777788889999:iam:GetRole'));
    advance(OWN_ROLE_NOTICE_INTERVAL_MS);
    await deliver(notice('own-role:reader:444455556666:iam:GetRole'));
    expect(sns.requests.map((request) => parsePublish(request).message)).toEqual([
      'message of own-role:reader:444455556666:iam:GetRole',
      'message of own-role:reader:777788889999:iam:GetRole',
      'message of own-role:reader:444455556666:iam:GetRole',
    ]);
    expect(sns.requests.every((request) => parsePublish(request).topicArn === TOPIC)).toBe(true);
    expect(logged).toHaveLength(4);
  });

  it('a notice SNS refused is tried again with the next denial, not an hour later', async () => {
    const { sns, deliver } = await delivery(1);
    await expect(deliver(notice('k'))).rejects.toThrow();
    await deliver(notice('k'));
    expect(sns.requests).toHaveLength(2);
    await deliver(notice('k'));
    expect(sns.requests).toHaveLength(2);
  });

  it('sends a subject SNS accepts: printable ASCII under 100 characters, whatever the denial named', async () => {
    const { sns, deliver } = await delivery(0);
    await deliver(notice('u', `Denial Alerter: the alerter's handler role was denied s3:GetObject\u202e\n${'x'.repeat(200)}`));
    const subject = parsePublish(sns.requests[0]!).subject!;
    expect(subject).toMatch(/^[\x20-\x7e]{1,99}$/);
    expect(subject.startsWith("Denial Alerter: the alerter's handler role was denied s3:GetObject?")).toBe(true);
  });
});
