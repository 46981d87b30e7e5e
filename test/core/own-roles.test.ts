/**
 * Denials of the alerter's own roles (`lambdas/core/service-rules/own-roles.ts`): never counted towards a spike alert,
 * never looked up, one operations notice naming what to fix. Labelled synthetic records (`test/support/records.ts`).
 */
import { describe, expect, it } from 'vitest';
import { classify } from '../../lambdas/core/classify.js';
import { resolveSettings } from '../../lambdas/core/config.js';
import { ownRoleNotice, ownRoleOf, type OwnRoleNotice, type OwnRoles } from '../../lambdas/core/service-rules/own-roles.js';
import type { CloudTrailRecord } from '../../lambdas/core/types.js';
import { createSpikeEngine } from '../../lambdas/engine/spike-engine.js';
import { useDynamoDbLocal } from '../support/dynamodb.js';
import { syntheticBurst } from '../support/records.js';

const ROLES: OwnRoles = {
  handlerFunctionName: 'DenialAlerter-Handler1234',
  handlerAccountId: '111122223333',
  readerRoleArnPattern: 'arn:aws:iam::*:role/DenialAlerterReader',
  forwarderRoleNames: ['DenialAlerterForwarder*'],
};
const T0 = Date.parse('2026-12-05T10:00:00Z');

/** The synthetic S3 denial of another principal and session (the handler's sessions carry its function name). */
const asSession = (record: CloudTrailRecord, role: string, session: string): CloudTrailRecord => {
  const text = JSON.stringify(record).replaceAll('assumed-role/ci-deployer/job-42', `assumed-role/${role}/${session}`).replaceAll('role/ci-deployer', `role/${role}`).replaceAll('"ci-deployer"', `"${role}"`);
  return JSON.parse(text) as CloudTrailRecord;
};

describe('recognising the alerter\'s own roles', () => {
  const [sample] = syntheticBurst(1, T0, 1);
  it.each([
    ['the handler (its session is named after its function)', asSession(sample!, 'DenialAlerter-HandlerRole-ABC', 'DenialAlerter-Handler1234'), 'handler'],
    ['a reader role in a member account', asSession(sample!, 'DenialAlerterReader', 'lookup'), 'reader'],
    ['a forwarder role', asSession(sample!, 'DenialAlerterForwarderRole-XYZ', 'fwd'), 'forwarder'],
    ['anyone else', sample!, null],
  ])('%s', (_label, record, expected) => {
    expect(ownRoleOf(classify(record), ROLES)).toBe(expected);
  });

  it('names the permission and the account to fix', () => {
    const notice = ownRoleNotice(classify(asSession(sample!, 'DenialAlerterReader', 'lookup')), 'reader');
    expect(notice.message).toContain('s3:PutObject');
    expect(notice.message).toContain('account 111122223333');
    expect(notice.message).toMatch(/To fix: allow s3:PutObject on arn:aws:s3:::artifacts\/builds\/app\.zip for the reader role in account 111122223333 .*or exclude the account from lookups/);
    const handler = ownRoleNotice(classify(asSession(sample!, 'DenialAlerter-HandlerRole-ABC', 'DenialAlerter-Handler1234')), 'handler');
    expect(handler.message).toMatch(/grant s3:PutObject on arn:aws:s3:::artifacts\/builds\/app\.zip to arn:aws:iam::111122223333:role\/DenialAlerter-HandlerRole-ABC/);
  });
});

describe('a lookup the handler was refused in a member account', () => {
  /** The handler's session refused sts:AssumeRole on a member account's reader role (labelled synthetic record). */
  const refusedAssumeRole = (member: string): CloudTrailRecord => ({
    eventVersion: '1.09',
    eventID: `synthetic-own-role-assume-${member}`,
    eventTime: '2026-12-05T10:00:00Z',
    eventSource: 'sts.amazonaws.com',
    eventName: 'AssumeRole',
    awsRegion: 'us-east-1',
    errorCode: 'AccessDenied',
    errorMessage: `User: arn:aws:sts::111122223333:assumed-role/DenialAlerter-HandlerRole-ABC/DenialAlerter-Handler1234 is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::${member}:role/DenialAlerterReader`,
    recipientAccountId: '111122223333',
    userIdentity: {
      type: 'AssumedRole',
      arn: 'arn:aws:sts::111122223333:assumed-role/DenialAlerter-HandlerRole-ABC/DenialAlerter-Handler1234',
      accountId: '111122223333',
      sessionContext: { sessionIssuer: { type: 'Role', arn: 'arn:aws:iam::111122223333:role/DenialAlerter-HandlerRole-ABC', accountId: '111122223333', userName: 'DenialAlerter-HandlerRole-ABC' } },
    },
  });

  it('names the member account, not the central one, and says to deploy the reader role there (the reader role is missing)', () => {
    const denial = classify(refusedAssumeRole('444455556666'));
    expect(ownRoleOf(denial, ROLES)).toBe('handler');
    const notice = ownRoleNotice(denial, 'handler', ROLES);
    expect(notice.key).toBe('own-role:handler:444455556666:sts:AssumeRole');
    expect(notice.message).toMatch(/was denied sts:AssumeRole on arn:aws:iam::444455556666:role\/DenialAlerterReader in account 111122223333/);
    expect(notice.message).toMatch(/To fix: deploy the reader role in account 444455556666 .*or exclude the account from lookups\.$/);
    expect(notice.message).not.toMatch(/exclude account 111122223333/);
  });

  it('gives one notice per member account', () => {
    const keys = ['444455556666', '777788889999', '444455556666'].map((member) => ownRoleNotice(classify(refusedAssumeRole(member)), 'handler', ROLES).key);
    expect(new Set(keys).size).toBe(2);
  });
});

describe('in the engine (DynamoDB Local)', () => {
  const dynamo = useDynamoDbLocal();

  it('a burst of the handler\'s own denials raises no spike alert and no lookup, and one operations notice', async () => {
    const { store } = await dynamo.newTable();
    const notices: OwnRoleNotice[] = [];
    let lookups = 0;
    const engine = createSpikeEngine({
      store,
      settings: resolveSettings(),
      now: () => T0 + 60_000,
      ownRoles: ROLES,
      onOwnRoleDenial: (notice) => void notices.push(notice),
      diagnose: () => {
        lookups++;
        return null;
      },
    });
    const own = syntheticBurst(30, T0, 1).map((record) => asSession(record, 'DenialAlerter-HandlerRole-ABC', 'DenialAlerter-Handler1234'));
    const result = await engine.processBatch(own);
    expect(result.alerts).toEqual([]);
    expect(lookups).toBe(0);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({ role: 'handler', subject: expect.stringContaining('s3:PutObject') });
    // another principal's burst in the same table still alerts
    const others = await engine.processBatch(syntheticBurst(6, T0, 1));
    expect(others.alerts).toHaveLength(1);
  });
});
