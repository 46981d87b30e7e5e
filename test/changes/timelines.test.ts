/**
 * "What changed" end to end on DynamoDB Local: SYNTHETIC timelines (real record shapes, see support/timeline.ts) of
 * a change followed by a spike, through the engine with the change observer and enricher.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { CloudTrailRecord } from '../../lambdas/core/types.js';
import { readRecords } from '../../lambdas/io/read-records.js';
import { Readable } from 'node:stream';
import { useDynamoDbLocal } from '../support/dynamodb.js';
import { newPipeline } from './support/pipeline.js';
import { renderAlertText } from '../../lambdas/core/render/text.js';
import {
  bucketPolicyRewrite,
  explicitDenies,
  hiddenKeyDenies,
  iamGroupChange,
  iamRoleChange,
  keyPolicyChange,
  implicitDenies,
  objectDenies,
  scpUpdate,
  userDenies,
} from './support/timeline.js';

const dynamo = useDynamoDbLocal();
const T = Date.parse('2026-06-01T09:00:00Z');
const min = (n: number) => n * 60_000;
const MEMBER = '123456789012';
const OTHER = '210987654321';
const MANAGEMENT = '999988887777';
const SCP_ARN = `arn:aws:organizations::${MANAGEMENT}:policy/o-a1b2c3d4e5/service_control_policy/p-deny1234`;

const byTime = (records: CloudTrailRecord[]) => [...records].sort((a, b) => String(a.eventTime).localeCompare(String(b.eventTime)));

describe('what changed: a change before a spike is named in the alert', () => {
  it('an SCP update followed by a pipeline role\'s explicit denies names that update as the denying policy', async () => {
    const pipeline = await newPipeline(dynamo);
    const update = scpUpdate(T - min(40), MANAGEMENT, SCP_ARN);
    const alerts = await pipeline.run(byTime([update, ...explicitDenies(T, 6, MEMBER, 'pipeline-deploy', `a service control policy: ${SCP_ARN}.`)]));
    expect(alerts).toHaveLength(1);
    const [link] = alerts[0]!.changes!;
    expect(link).toMatchObject({
      eventId: update.eventID,
      eventName: 'UpdatePolicy',
      match: 'denying-policy',
      exactness: 'exact',
      layer: 'scp',
      policyArn: SCP_ARN,
      minutesBeforeFirstDenial: 40,
      actorArn: `arn:aws:iam::${MANAGEMENT}:role/OrgAdmin`,
    });
    expect(link!.summary).toBe(
      `role/OrgAdmin (session bob) called UpdatePolicy on policy/o-a1b2c3d4e5/service_control_policy/p-deny1234, account ${MANAGEMENT}: the policy the explicit deny names`,
    );
    expect(link!.consoleUrl).toBe(`https://us-east-1.console.aws.amazon.com/cloudtrailv2/home?region=us-east-1#/events/${update.eventID}`);
  });

  it('without the policy ARN in the message, the SCP update is named as applying anywhere in the organization', async () => {
    const pipeline = await newPipeline(dynamo);
    const update = scpUpdate(T - min(15), MANAGEMENT, SCP_ARN);
    const alerts = await pipeline.run(byTime([update, ...explicitDenies(T, 6, MEMBER, 'pipeline-deploy', 'a service control policy')]));
    expect(alerts[0]!.changes).toEqual([expect.objectContaining({ eventId: update.eventID, match: 'organization', exactness: 'any-in-organization' })]);
  });

  it('a bucket policy rewrite followed by object denials names the rewrite', async () => {
    const pipeline = await newPipeline(dynamo);
    const rewrite = bucketPolicyRewrite(T - min(7), MEMBER, 'reports-bucket');
    const unrelatedBucket = bucketPolicyRewrite(T - min(5), MEMBER, 'another-bucket');
    const alerts = await pipeline.run(byTime([rewrite, unrelatedBucket, ...objectDenies(T, 6, MEMBER, 'reports-bucket')]));
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.resource).toMatch(/^arn:aws:s3:::reports-bucket\//);
    expect(alerts[0]!.changes).toEqual([
      expect.objectContaining({ eventId: rewrite.eventID, match: 'resource', layer: 'resource-policy', target: 'arn:aws:s3:::reports-bucket', minutesBeforeFirstDenial: 7 }),
    ]);
  });

  it('a key policy rewrite followed by object writes refused by that key (the KMS denial behind the S3 one) names the rewrite', async () => {
    const pipeline = await newPipeline(dynamo);
    const key = 'arn:aws:kms:us-west-2:123456789012:key/1111aaaa-22bb-33cc-44dd-555555eeeeee';
    const otherKey = keyPolicyChange(T - min(3), 'arn:aws:kms:us-west-2:123456789012:key/9999ffff-22bb-33cc-44dd-555555eeeeee');
    const rewrite = keyPolicyChange(T - min(9), key);
    const alerts = await pipeline.run(byTime([rewrite, otherKey, ...hiddenKeyDenies(T, 6, key)]));
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!).toMatchObject({ action: 's3:PutObject', denyLayer: 'resource-policy', policyArn: key });
    expect(alerts[0]!.changes).toEqual([expect.objectContaining({ eventId: rewrite.eventID, eventName: 'PutKeyPolicy', match: 'resource', target: key })]);
  });

  it('a detach of a role\'s policy followed by implicit denies names the detach', async () => {
    const pipeline = await newPipeline(dynamo);
    const detach = iamRoleChange(T - min(12), 'DetachRolePolicy', MEMBER, 'nightly-backup');
    const alerts = await pipeline.run(byTime([detach, ...implicitDenies(T, 6, MEMBER, 'nightly-backup')]));
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.denyKind).toBe('implicit');
    expect(alerts[0]!.changes).toEqual([
      expect.objectContaining({
        eventId: detach.eventID,
        match: 'principal',
        exactness: 'exact',
        layer: 'identity-policy',
        target: `arn:aws:iam::${MEMBER}:role/nightly-backup`,
        policyArn: `arn:aws:iam::${MEMBER}:policy/ci-deploy-permissions`,
        actorArn: `arn:aws:iam::${MEMBER}:user/alice`,
      }),
    ]);
  });

  it('a new default version of a managed policy attached to the role days earlier names that version', async () => {
    const pipeline = await newPipeline(dynamo);
    const attach = iamRoleChange(T - min(60 * 24 * 10), 'AttachRolePolicy', MEMBER, 'nightly-backup');
    const newVersion = iamRoleChange(T - min(30), 'CreatePolicyVersion', MEMBER, 'ignored', { setAsDefault: true });
    delete (newVersion.requestParameters as Record<string, unknown>).roleName;
    const alerts = await pipeline.run(byTime([attach, newVersion, ...implicitDenies(T, 6, MEMBER, 'nightly-backup')]));
    expect(alerts[0]!.changes).toEqual([
      expect.objectContaining({ eventId: newVersion.eventID, eventName: 'CreatePolicyVersion', match: 'principal', policyArn: `arn:aws:iam::${MEMBER}:policy/ci-deploy-permissions` }),
    ]);
  });

  it('a policy detached from a group the user joined days earlier names the detach; another group\'s change is not named', async () => {
    const pipeline = await newPipeline(dynamo);
    const joined = iamGroupChange(T - min(60 * 24 * 5), 'AddUserToGroup', MEMBER, { userName: 'bob', groupName: 'analysts' });
    const detach = iamGroupChange(T - min(10), 'DetachGroupPolicy', MEMBER, { groupName: 'analysts', policyArn: `arn:aws:iam::${MEMBER}:policy/ec2-read` });
    const otherGroup = iamGroupChange(T - min(5), 'DetachGroupPolicy', MEMBER, { groupName: 'admins', policyArn: `arn:aws:iam::${MEMBER}:policy/ec2-read` });
    const alerts = await pipeline.run(byTime([joined, detach, otherGroup, ...userDenies(T, 6, MEMBER, 'bob')]));
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.principalArn).toBe(`arn:aws:iam::${MEMBER}:user/bob`);
    expect(alerts[0]!.changes).toEqual([expect.objectContaining({ eventId: detach.eventID, match: 'principal', target: `arn:aws:iam::${MEMBER}:group/analysts` })]);
  });

  it('never names a change in an unrelated account, nor one made after the spike\'s first denial', async () => {
    const pipeline = await newPipeline(dynamo);
    const otherAccount = iamRoleChange(T - min(3), 'DetachRolePolicy', OTHER, 'nightly-backup');
    const after = iamRoleChange(T + min(1), 'DeleteRolePolicy', MEMBER, 'nightly-backup');
    const tooOld = iamRoleChange(T - min(25 * 60), 'DetachRolePolicy', MEMBER, 'nightly-backup');
    const alerts = await pipeline.run(byTime([tooOld, otherAccount, ...implicitDenies(T, 6, MEMBER, 'nightly-backup'), after]));
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.changes).toBeUndefined();
  });

  it('names a change made seconds before the first denial in the same minute, and not one made seconds after it', async () => {
    const pipeline = await newPipeline(dynamo);
    // The fingerprint was first seen hours earlier, so only history tells the second the spike began (09:00:30).
    const earlier = implicitDenies(T - min(180), 1, MEMBER, 'nightly-backup');
    const detach = iamRoleChange(T + 20_000, 'DetachRolePolicy', MEMBER, 'nightly-backup');
    const after = iamRoleChange(T + 35_000, 'DeleteRolePolicy', MEMBER, 'nightly-backup');
    const alerts = await pipeline.run(byTime([...earlier, detach, after, ...implicitDenies(T + 30_000, 6, MEMBER, 'nightly-backup')]));
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.windowFirstDenial).toBe('2026-06-01T09:00:30.000Z');
    expect(alerts[0]!.changes).toEqual([expect.objectContaining({ eventId: detach.eventID, minutesBeforeFirstDenial: 0 })]);
    expect(renderAlertText(alerts[0]!)).toMatch(/changed\s+seconds before: /);
  });

  it('ranks the denying policy first, then the most recent specific change, and names at most 3', async () => {
    const pipeline = await newPipeline(dynamo);
    const scp = scpUpdate(T - min(300), MANAGEMENT, SCP_ARN);
    const roleChanges = [1, 2, 3, 4].map((n) => iamRoleChange(T - min(n * 10), 'PutRolePolicy', MEMBER, 'pipeline-deploy', { policyName: `p${n}` }));
    const alerts = await pipeline.run(byTime([scp, ...roleChanges, ...explicitDenies(T, 6, MEMBER, 'pipeline-deploy', `a service control policy: ${SCP_ARN}.`)]));
    // The layer is the SCP: identity-policy changes cannot explain it, so only the SCP update is named.
    expect(alerts[0]!.changes!.map((link) => link.eventId)).toEqual([scp.eventID]);

    const unknownLayer = await newPipeline(dynamo);
    const implicit = await unknownLayer.run(byTime([...roleChanges.map((r) => ({ ...r, eventID: `${r.eventID}-b` })), ...implicitDenies(T, 6, MEMBER, 'pipeline-deploy')]));
    expect(implicit[0]!.changes!.map((link) => link.minutesBeforeFirstDenial)).toEqual([10, 20, 30]);
  });
});

describe('regressions', () => {
  it('labels a principal that succeeded with the action before as a new failure, and one never seen as a new caller', async () => {
    const pipeline = await newPipeline(dynamo);
    const earlierSuccess = iamRoleChange(T - min(60 * 24 * 3), 'PutRolePolicy', MEMBER, 'app-role');
    earlierSuccess.userIdentity = { ...earlierSuccess.userIdentity, ...roleSessionOf(MEMBER, 'pipeline-deploy') };
    const denies = (role: string, at: number) =>
      Array.from({ length: 6 }, (_, index) => ({
        ...earlierSuccess,
        eventID: `synthetic-regression-${role}-${index}`,
        eventTime: new Date(at + index * 5_000).toISOString().replace('.000Z', 'Z'),
        userIdentity: roleSessionOf(MEMBER, role),
        errorCode: 'AccessDenied',
        errorMessage: `User: arn:aws:sts::${MEMBER}:assumed-role/${role}/run is not authorized to perform: iam:PutRolePolicy on resource: role app-role because no identity-based policy allows the iam:PutRolePolicy action`,
      }));
    const alerts = await pipeline.run(byTime([earlierSuccess, ...denies('pipeline-deploy', T), ...denies('newcomer', T + min(2))]));
    const byPrincipal = new Map(alerts.map((alert) => [alert.principalArn, alert.regression]));
    expect(byPrincipal.get(`arn:aws:iam::${MEMBER}:role/pipeline-deploy`)).toBe('new-failure');
    expect(byPrincipal.get(`arn:aws:iam::${MEMBER}:role/newcomer`)).toBe('new-caller');
  });

  it('gives no label where the change stream cannot tell (an action it does not record)', async () => {
    const pipeline = await newPipeline(dynamo);
    const alerts = await pipeline.run(implicitDenies(T, 6, MEMBER, 'nightly-backup'));
    expect(alerts[0]!.regression).toBeUndefined();
  });
});

describe('replay', () => {
  it('a directory holding the changes and the denials gives the same links as the engine fed event by event', async () => {
    const scp = scpUpdate(T - min(40), MANAGEMENT, SCP_ARN);
    const detach = iamRoleChange(T - min(12), 'DetachRolePolicy', MEMBER, 'nightly-backup');
    const rewrite = bucketPolicyRewrite(T - min(7), MEMBER, 'reports-bucket');
    const timeline = byTime([
      scp,
      detach,
      rewrite,
      iamRoleChange(T - min(3), 'DetachRolePolicy', OTHER, 'nightly-backup'),
      ...explicitDenies(T, 6, MEMBER, 'pipeline-deploy', `a service control policy: ${SCP_ARN}.`),
      ...implicitDenies(T + min(1), 6, MEMBER, 'nightly-backup'),
      ...objectDenies(T + min(2), 6, MEMBER, 'reports-bucket'),
    ]);
    const directory = mkdtempSync(join(tmpdir(), 'what-changed-'));
    // A CloudTrail log file as AWS writes it (gzip) for the first half, JSON lines for the rest.
    const half = Math.floor(timeline.length / 2);
    writeFileSync(join(directory, 'part-1.json.gz'), gzipSync(JSON.stringify({ Records: timeline.slice(0, half) })));
    writeFileSync(join(directory, 'part-2.jsonl'), timeline.slice(half).map((record) => JSON.stringify(record)).join('\n'));
    const fromDirectory: CloudTrailRecord[] = [];
    for await (const item of readRecords([directory], Readable.from([]))) if (item.kind !== 'error') fromDirectory.push(item.record as CloudTrailRecord);
    expect(fromDirectory).toHaveLength(timeline.length);

    const replayed = await (await newPipeline(dynamo)).run(fromDirectory, 500);
    const eventByEvent = await (await newPipeline(dynamo)).run(timeline, 1);
    const linksOf = (alerts: typeof replayed) =>
      Object.fromEntries(alerts.map((alert) => [alert.fingerprint, (alert.changes ?? []).map((link) => [link.eventId, link.match, link.minutesBeforeFirstDenial])]));
    expect(replayed).toHaveLength(3);
    expect(linksOf(replayed)).toEqual(linksOf(eventByEvent));
    const named = Object.fromEntries(replayed.map((alert) => [alert.action, (alert.changes ?? []).map((link) => `${link.eventId} ${link.match}`)]));
    expect(named).toEqual({
      'lambda:ListFunctions': [`${scp.eventID} denying-policy`],
      'ec2:GetPasswordData': [`${detach.eventID} principal`],
      // S3's bare "Access Denied" names no layer: an SCP change in the organization could explain it too, ranked last.
      's3:GetObject': [`${rewrite.eventID} resource`, `${scp.eventID} organization`],
    });
  });
});

function roleSessionOf(accountId: string, role: string): CloudTrailRecord['userIdentity'] {
  return {
    type: 'AssumedRole',
    arn: `arn:aws:sts::${accountId}:assumed-role/${role}/run`,
    accountId,
    sessionContext: { sessionIssuer: { type: 'Role', arn: `arn:aws:iam::${accountId}:role/${role}`, accountId, userName: role } },
  };
}
