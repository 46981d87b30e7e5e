/** The DynamoDB change store on DynamoDB Local (SYNTHETIC changes built from real record shapes). */
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { changePagesOf, DynamoDbChangeStore } from '../../lambdas/adapters/dynamodb-change-store.js';
import { extractChange } from '../../lambdas/core/changes/extract.js';
import { createChangeObserver } from '../../lambdas/engine/change-observer.js';
import { useDynamoDbLocal } from '../support/dynamodb.js';
import { bucketPolicyRewrite, iamRoleChange, scpUpdate } from './support/timeline.js';

const dynamo = useDynamoDbLocal();
const T = Date.parse('2026-06-01T09:00:00Z');
const NOW = Date.parse('2026-11-30T00:00:00Z');
const min = (n: number) => n * 60_000;
const ACCOUNT = '123456789012';

async function newStore() {
  const { tableName } = await dynamo.newTable();
  return { tableName, store: new DynamoDbChangeStore({ tableName, client: dynamo.client() }) };
}

describe('DynamoDB change store', () => {
  it('stores each change under the keys it touches, with pk prefix CHG# and a TTL, idempotently', async () => {
    const { tableName, store } = await newStore();
    const observer = createChangeObserver({ store, retentionDays: 90 });
    const detach = iamRoleChange(T - min(10), 'DetachRolePolicy', ACCOUNT, 'worker');
    await observer.observe([detach, scpUpdate(T - min(5), '999988887777', 'arn:aws:organizations::999988887777:policy/o-x/service_control_policy/p-1')], NOW);
    await observer.observe([detach], NOW); // redelivered
    const items = (await dynamo.client().send(new ScanCommand({ TableName: tableName }))).Items ?? [];
    expect(items.map((item) => item.pk!.S).sort()).toEqual([
      `CHG#ACTOR#arn:aws:iam::${ACCOUNT}:user/alice#iam:DetachRolePolicy`,
      'CHG#ACTOR#arn:aws:iam::999988887777:role/OrgAdmin#organizations:UpdatePolicy',
      'CHG#T#ORG',
      'CHG#T#account:123456789012',
      `CHG#T#arn:aws:iam::${ACCOUNT}:policy/ci-deploy-permissions`,
      `CHG#T#arn:aws:iam::${ACCOUNT}:role/worker`,
      'CHG#T#arn:aws:organizations::999988887777:policy/o-x/service_control_policy/p-1',
    ]);
    for (const item of items) expect(Number(item.expiresAt!.N)).toBe(Math.floor(NOW / 1000) + 90 * 86_400);
    expect(observer.stored()).toBe(3);
  });

  it('finds changes by key and time, newest first, merging keys, and drops expired items', async () => {
    const { store } = await newStore();
    const changes = [10, 20, 30].map((m) => extractChange(iamRoleChange(T - min(m), 'PutRolePolicy', ACCOUNT, 'worker'))!);
    await store.putChanges(changes, Math.floor(NOW / 1000) + 3600);
    const found = await store.findChanges({ targets: [`arn:aws:iam::${ACCOUNT}:role/worker`, `arn:aws:iam::${ACCOUNT}:policy/ci-deploy-permissions`], organization: false, fromMs: T - min(25), untilMs: T, limitPerKey: 10 }, NOW);
    expect(found.map((change) => change.eventId)).toEqual([changes[0]!.eventId, changes[1]!.eventId]);
    expect(await store.findChanges({ targets: [`arn:aws:iam::${ACCOUNT}:role/worker`], organization: false, fromMs: 0, untilMs: T, limitPerKey: 1 }, NOW)).toHaveLength(1);
    // Past the TTL (DynamoDB deletes up to two days late): not returned.
    expect(await store.findChanges({ targets: [`arn:aws:iam::${ACCOUNT}:role/worker`], organization: false, fromMs: 0, untilMs: T, limitPerKey: 10 }, NOW + 7200_000)).toEqual([]);
  });

  it('tells whether a caller succeeded with an action before a time', async () => {
    const { store } = await newStore();
    await store.putChanges([extractChange(iamRoleChange(T - min(60), 'PutRolePolicy', ACCOUNT, 'worker'))!], Math.floor(NOW / 1000) + 3600);
    const alice = `arn:aws:iam::${ACCOUNT}:user/alice`;
    expect(await store.succeededBefore(alice, 'iam:PutRolePolicy', T, NOW)).toBe(true);
    expect(await store.succeededBefore(alice, 'iam:PutRolePolicy', T - min(61), NOW)).toBe(false);
    expect(await store.succeededBefore(alice, 'iam:DeleteRolePolicy', T, NOW)).toBe(false);
  });

  it('lists recent changes of a principal, a resource (an object\'s bucket), an account or the organization', async () => {
    const { store } = await newStore();
    const observer = createChangeObserver({ store, retentionDays: 1 });
    const role = iamRoleChange(T - min(10), 'DetachRolePolicy', ACCOUNT, 'worker');
    const bucket = bucketPolicyRewrite(T - min(5), ACCOUNT, 'reports');
    const scp = scpUpdate(T - min(1), '999988887777', 'arn:aws:organizations::999988887777:policy/o-x/service_control_policy/p-1');
    await observer.observe([role, bucket, scp], NOW);
    const window = { sinceMs: T - min(60), untilMs: T, limit: 10 };
    const ids = async (query: Parameters<DynamoDbChangeStore['recentChanges']>[0]) => (await store.recentChanges(query, NOW)).map((change) => change.eventId);
    expect(await ids({ ...window, principalArn: `arn:aws:iam::${ACCOUNT}:role/team/worker` })).toEqual([role.eventID]);
    expect(await ids({ ...window, resourceArn: 'arn:aws:s3:::reports/2026/x.csv' })).toEqual([bucket.eventID]);
    expect(await ids({ ...window, accountId: ACCOUNT })).toEqual([bucket.eventID, role.eventID]);
    expect(await ids({ ...window, organization: true })).toEqual([scp.eventID]);
    await expect(store.recentChanges(window, NOW)).rejects.toThrow(/say whose changes/);
  });

  it('writes one page per key and hour of a batch, not one item per change', async () => {
    const { tableName, store } = await newStore();
    // A Terraform run: 40 inline-policy writes to one role within the hour, in one batch.
    const changes = Array.from({ length: 40 }, (_, index) => extractChange(iamRoleChange(T - min(50) + index * 1000, 'PutRolePolicy', ACCOUNT, 'worker'))!);
    await store.putChanges(changes, Math.floor(NOW / 1000) + 3600);
    const items = (await dynamo.client().send(new ScanCommand({ TableName: tableName }))).Items ?? [];
    const role = items.filter((item) => item.pk!.S === `CHG#T#arn:aws:iam::${ACCOUNT}:role/worker`);
    expect(role).toHaveLength(1);
    expect(Number(role[0]!.n!.N)).toBe(40);
    // role, policy, account and the caller's page: 4 items for 40 changes (160 before paging).
    expect(items).toHaveLength(4);
    expect(store.requestCount).toBe(1);
  });

  it('returns the newest changes of a key even when they sit in a later page of the same hour (regrouped batches)', async () => {
    const { store } = await newStore();
    const role = `arn:aws:iam::${ACCOUNT}:role/worker`;
    const base = extractChange(iamRoleChange(T - min(30), 'PutRolePolicy', ACCOUNT, 'worker'))!;
    // Six changes of one hour, each stored by its own batch (six pages); page order within the hour is by page id.
    const changes = [5, 10, 15, 20, 25, 30].map((m, index) => ({ ...base, eventId: `redelivered-${index}`, eventTime: new Date(T - min(m)).toISOString() }));
    const pages = changes.map((change) => changePagesOf([change], 1).find((page) => page.pk === `CHG#T#${role}`)!.sk);
    // Precondition: the newest change's page is not the first one read (newest sort key first).
    expect([...pages].sort().at(-1)).not.toBe(pages[0]);
    for (const change of changes) await store.putChanges([change], Math.floor(NOW / 1000) + 3600);
    await store.putChanges(changes.slice(0, 3), Math.floor(NOW / 1000) + 3600); // the same events regrouped: deduplicated
    const newest = await store.findChanges({ targets: [role], organization: false, fromMs: 0, untilMs: T, limitPerKey: 2 }, NOW);
    expect(newest.map((change) => change.eventId)).toEqual(['redelivered-0', 'redelivered-1']);
    const all = await store.findChanges({ targets: [role], organization: false, fromMs: T - min(22), untilMs: T - min(6), limitPerKey: 10 }, NOW);
    expect(all.map((change) => change.eventId)).toEqual(['redelivered-1', 'redelivered-2', 'redelivered-3']);
  });
});
