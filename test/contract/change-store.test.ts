/** The change store's contract, the same cases on DynamoDB Local and in process (SYNTHETIC changes, real shapes). */
import { describe, expect, it } from 'vitest';
import { extractChange } from '../../lambdas/core/changes/extract.js';
import { createChangeObserver } from '../../lambdas/engine/change-observer.js';
import { throttled } from '../support/dynamodb.js';
import { bucketPolicyRewrite, iamRoleChange, scpUpdate } from '../changes/support/timeline.js';
import { storeAdapters } from './adapters.js';

const { adapters } = storeAdapters();
const T = Date.parse('2026-06-01T09:00:00Z');
const NOW = Date.parse('2026-11-30T00:00:00Z');
const min = (n: number) => n * 60_000;
const ACCOUNT = '123456789012';
const ROLE = `arn:aws:iam::${ACCOUNT}:role/worker`;

describe.each(adapters)('change store contract on $name', (adapter) => {
  it('finds changes by key and time, newest first, each once, every field present, and drops expired ones', async () => {
    const { changes: store } = await adapter.newStore();
    const changes = [10, 20, 30].map((m) => extractChange(iamRoleChange(T - min(m), 'PutRolePolicy', ACCOUNT, 'worker'))!);
    await store.putChanges(changes, Math.floor(NOW / 1000) + 3600);
    await store.putChanges(changes.slice(0, 1), Math.floor(NOW / 1000) + 3600);
    const found = await store.findChanges({ targets: [ROLE, `arn:aws:iam::${ACCOUNT}:policy/ci-deploy-permissions`], organization: false, fromMs: T - min(25), untilMs: T, limitPerKey: 10 }, NOW);
    expect(found.map((change) => change.eventId)).toEqual([changes[0]!.eventId, changes[1]!.eventId]);
    expect(Object.keys(found[0]!)).toContain('organizationTargetId');
    expect(await store.findChanges({ targets: [ROLE], organization: false, fromMs: 0, untilMs: T, limitPerKey: 1 }, NOW)).toHaveLength(1);
    expect(await store.findChanges({ targets: [ROLE], organization: false, fromMs: 0, untilMs: T, limitPerKey: 10 }, NOW + 7200_000)).toEqual([]);
  });

  it('files organization-wide changes under the organization and tells whether a caller succeeded before a time', async () => {
    const { changes: store } = await adapter.newStore();
    const observer = createChangeObserver({ store, retentionDays: 90 });
    await observer.observe([iamRoleChange(T - min(60), 'PutRolePolicy', ACCOUNT, 'worker'), scpUpdate(T - min(5), '999988887777', 'arn:aws:organizations::999988887777:policy/o-x/service_control_policy/p-1'), bucketPolicyRewrite(T - min(3), ACCOUNT, 'reports')], NOW);
    const org = await store.findChanges({ targets: [], organization: true, fromMs: T - min(60), untilMs: T, limitPerKey: 10 }, NOW);
    expect(org.map((change) => change.scope)).toEqual(['organization']);
    const alice = `arn:aws:iam::${ACCOUNT}:user/alice`;
    expect(await store.succeededBefore(alice, 'iam:PutRolePolicy', T, NOW)).toBe(true);
    expect(await store.succeededBefore(alice, 'iam:PutRolePolicy', T - min(61), NOW)).toBe(false);
    expect(await store.succeededBefore(alice, 'iam:DeleteRolePolicy', T, NOW)).toBe(false);
  });

  it('rejects when the table refuses the write, so the batch is retried', async () => {
    const target = await adapter.newStore(() => throttled());
    await expect(target.changes.putChanges([extractChange(iamRoleChange(T, 'PutRolePolicy', ACCOUNT, 'worker'))!], Math.floor(NOW / 1000) + 3600)).rejects.toThrow(/could not store/);
  });
});
