/**
 * Issue 23, bullet 6, end to end: the Lambda handler as `dependenciesFromEnvironment` builds it, policy lookups on
 * (`test/support/handler-environment.ts`: DynamoDB Local, loopback SNS, Secrets Manager and Slack webhooks, a catch-all
 * for any other AWS call, so that a lookup would be seen).
 *
 * A hundred denials of the alerter's own roles (labelled synthetic records: `test/support/records.ts`) give one
 * operations notice (one Publish on the operations topic, which the handler's own subscription posts as one operations
 * message to the default route's Slack), no lookup, and nothing on the responders' route (its Slack and its topic).
 * Another principal's burst, in the same table and handler, still alerts that route (the control that shows the test
 * can fail).
 */
import { describe, expect, it } from 'vitest';
import { OWN_ROLES_ENV, forwarderRoleNamesFromJson } from '../../lambdas/config/own-roles.js';
import type { CloudTrailRecord } from '../../lambdas/core/types.js';
import { asSubscriptionEvent, HANDLER_ACCOUNT, HANDLER_FUNCTION_NAME, INVOCATION, OPERATIONS_TOPIC, PAYMENTS_TOPIC, postedText, sqsBatch, useHandlerEnvironment } from '../support/handler-environment.js';
import { syntheticBurst } from '../support/records.js';

const { deployment } = useHandlerEnvironment();

/** The synthetic S3 denial as made by `role` in session `session` (the handler's sessions carry its function name). */
const asRole = (record: CloudTrailRecord, role: string, session: string): CloudTrailRecord =>
  JSON.parse(JSON.stringify(record).replaceAll('ci-deployer/job-42', `${role}/${session}`).replaceAll('role/ci-deployer', `role/${role}`).replaceAll('"ci-deployer"', `"${role}"`)) as CloudTrailRecord;

describe("a denial of the alerter's own roles, through the handler", () => {
  it('a hundred denials of the handler role in two batches: one Publish on the operations topic, its Slack message once, no lookup, nothing on the responders\' route', { timeout: 120_000 }, async () => {
    const { handler, paymentsSlack, defaultSlack, publishes, lookups } = await deployment({ [OWN_ROLES_ENV.operationsTopicArn]: OPERATIONS_TOPIC });
    const own = syntheticBurst(100, Date.now() - 90_000, 1).map((record) => asRole(record, 'DenialAlerter-HandlerRole-ABC', HANDLER_FUNCTION_NAME));

    expect(await handler(sqsBatch(own.slice(0, 50), 'a'), INVOCATION)).toEqual({ batchItemFailures: [] });
    expect(await handler(sqsBatch(own.slice(50), 'b'), INVOCATION)).toEqual({ batchItemFailures: [] });

    const published = publishes();
    expect(published.map((publish) => publish.topicArn)).toEqual([OPERATIONS_TOPIC]);
    expect(published[0]!.subject).toBe("Denial Alerter: the alerter's handler role was denied s3:PutObject");
    expect(published[0]!.message).toContain(`grant s3:PutObject on arn:aws:s3:::artifacts/builds/app.zip to arn:aws:iam::${HANDLER_ACCOUNT}:role/DenialAlerter-HandlerRole-ABC`);
    expect(published[0]!.message).toContain('No alert went to the responders and no lookup was made');
    expect(lookups()).toBe(0);
    expect(paymentsSlack.requests).toHaveLength(0);
    // Nothing posted to Slack directly: the topic's subscription (the handler's SNS path) does that, once.
    expect(defaultSlack.requests).toHaveLength(0);

    await handler(asSubscriptionEvent(published[0]!), INVOCATION);
    expect(postedText(defaultSlack)).toEqual(["Operations: Denial Alerter: the alerter's handler role was denied s3:PutObject"]);
    expect(paymentsSlack.requests).toHaveLength(0);

    // The control: another principal's burst in the same deployment alerts the responders' route, and is looked up.
    await handler(sqsBatch(syntheticBurst(6, Date.now() - 60_000, 1, { principal: 'nightly-export' }), 'c'), INVOCATION);
    expect(paymentsSlack.requests).toHaveLength(1);
    expect(publishes().map((publish) => publish.topicArn)).toEqual([OPERATIONS_TOPIC, PAYMENTS_TOPIC]);
    expect(lookups()).toBeGreaterThan(0);
    expect(defaultSlack.requests).toHaveLength(1);
  });

  it('without the operations topic, the notice goes to the default route\'s Slack directly, once; a forwarder role is recognised from DENIAL_ALERTER_FORWARDER_ROLES', { timeout: 120_000 }, async () => {
    const { handler, paymentsSlack, defaultSlack, publishes, lookups } = await deployment({ [OWN_ROLES_ENV.forwarderRoleNames]: JSON.stringify(['DenialAlerterForwarder*']) });
    const own = syntheticBurst(100, Date.now() - 90_000, 1).map((record) => asRole(record, 'DenialAlerterForwarder-eu-west-1', 'forward'));
    await handler(sqsBatch(own.slice(0, 50), 'a'), INVOCATION);
    await handler(sqsBatch(own.slice(50), 'b'), INVOCATION);
    expect(postedText(defaultSlack)).toEqual(["Operations: Denial Alerter: an alerter forwarder's role was denied s3:PutObject"]);
    expect(paymentsSlack.requests).toHaveLength(0);
    expect(publishes()).toEqual([]);
    expect(lookups()).toBe(0);
  });

  it('a denial of the reader role names the permission to allow it and the account', { timeout: 120_000 }, async () => {
    const { handler, paymentsSlack, publishes, lookups } = await deployment({ [OWN_ROLES_ENV.operationsTopicArn]: OPERATIONS_TOPIC });
    const own = syntheticBurst(20, Date.now() - 60_000, 1).map((record) => asRole(record, 'DenialAlerterReader', 'lookup'));
    await handler(sqsBatch(own, 'a'), INVOCATION);
    expect(publishes().map((publish) => publish.message)).toEqual([expect.stringMatching(/allow s3:PutObject on arn:aws:s3:::artifacts\/builds\/app\.zip for the reader role in account 111122223333/)]);
    expect(paymentsSlack.requests).toHaveLength(0);
    expect(lookups()).toBe(0);
  });
});

describe('DENIAL_ALERTER_FORWARDER_ROLES', () => {
  it('is a JSON array of role names; anything else is a one-line error naming the variable', () => {
    expect(forwarderRoleNamesFromJson(undefined)).toEqual([]);
    expect(forwarderRoleNamesFromJson('["DenialAlerterForwarder*","exact-role"]')).toEqual(['DenialAlerterForwarder*', 'exact-role']);
    expect(() => forwarderRoleNamesFromJson('DenialAlerterForwarder*')).toThrow(/^DENIAL_ALERTER_FORWARDER_ROLES is not JSON/);
    expect(() => forwarderRoleNamesFromJson('[""]')).toThrow(/^DENIAL_ALERTER_FORWARDER_ROLES must be a JSON array of role names/);
    expect(() => forwarderRoleNamesFromJson('{"a":1}')).toThrow(/^DENIAL_ALERTER_FORWARDER_ROLES must be/);
  });
});
