import { describe, expect, it } from 'vitest';
import { storageKeysOf } from '../../lambdas/core/changes/change-store.js';
import { CHANGE_CATALOG } from '../../lambdas/core/changes/catalog.js';
import { extractChange, MAX_PARAMETERS_CHARS } from '../../lambdas/core/changes/extract.js';
import { formatChangeLine } from '../../lambdas/core/changes/format.js';
import { targetKey } from '../../lambdas/core/changes/targets.js';
import type { CloudTrailRecord } from '../../lambdas/core/types.js';
import { corpusFoldersWith, readJsonl } from '../support/corpus.js';
import { TEMPLATES, variant } from './support/timeline.js';

const stratus = readJsonl('stratus-red-team-detonation-logs/all_events.jsonl');
const real = (eventName: string) => stratus.find((record) => record.eventName === eventName && !record.errorCode)!;

describe('extracting a compact change from a real CloudTrail record', () => {
  it('AttachRolePolicy (stratus-red-team): who, when, where, which role and policy', () => {
    const record = real('AttachRolePolicy');
    expect(extractChange(record)).toEqual({
      eventId: record.eventID,
      eventTime: record.eventTime,
      accountId: '609418236337',
      region: 'sagov-west-2r',
      actorArn: 'arn:aws:iam::609418236337:user/christophe',
      actorType: 'IAMUser',
      actorSession: null,
      sourceIp: record.sourceIPAddress,
      userAgent: record.userAgent,
      eventSource: 'iam.amazonaws.com',
      eventName: 'AttachRolePolicy',
      action: 'iam:AttachRolePolicy',
      layer: 'identity-policy',
      scope: 'principal',
      principalArn: 'arn:aws:iam::609418236337:role/stratus-red-team-malicious-iam-role',
      resourceArn: null,
      policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess',
      policyName: null,
      organizationPolicyId: null,
      organizationPolicyType: null,
      organizationTargetId: null,
      parameters: { roleName: 'stratus-red-team-malicious-iam-role', policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' },
    });
  });

  it('UpdateAssumeRolePolicy: the role\'s trust policy, with the document kept', () => {
    const change = extractChange(real('UpdateAssumeRolePolicy'))!;
    expect(change).toMatchObject({ layer: 'role-trust-policy', principalArn: 'arn:aws:iam::751203476945:role/stratus-red-team-backdoor-r-role' });
    expect(change.parameters.policyDocument).toContain('sts:AssumeRole');
  });

  it('Lambda AddPermission20150331v2: the function\'s resource policy', () => {
    expect(extractChange(real('AddPermission20150331v2'))).toMatchObject({
      layer: 'resource-policy',
      scope: 'resource',
      resourceArn: 'arn:aws:lambda:ca-centralnorth-1r:880896431042:function:stratus-red-team-backdoor-f-func',
      parameters: { functionName: 'stratus-red-team-backdoor-f-func', principal: '*', statementId: 'backdoor', action: 'lambda:InvokeFunction' },
    });
  });

  it('KMS CreateGrant (AWS docs example): the key ARN from the request', () => {
    const record = readJsonl('aws-docs-examples/negatives.jsonl').find((r) => r.eventName === 'CreateGrant')!;
    expect(extractChange(record)).toMatchObject({ resourceArn: 'arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab' });
  });

  it('ignores failed calls, reads and denials', () => {
    for (const record of readJsonl('stratus-red-team-detonation-logs/denied.jsonl')) expect(extractChange(record)).toBeNull();
    const failed = variant(real('AttachRolePolicy'), { errorCode: 'NoSuchEntity' });
    expect(extractChange(failed)).toBeNull();
    expect(extractChange(real('GetCallerIdentity'))).toBeNull();
  });
});

describe('conditions and shapes (SYNTHETIC variants of real records)', () => {
  const base = TEMPLATES.iamChange();
  const call = (eventSource: string, eventName: string, requestParameters: Record<string, unknown>, responseElements: unknown = null): CloudTrailRecord =>
    variant(base, { eventSource, eventName, requestParameters, responseElements, awsRegion: 'eu-west-1', recipientAccountId: '123456789012' }, { success: true });

  it('SQS and SNS attribute calls are changes only for the Policy attribute', () => {
    const queue = 'https://sqs.eu-west-1.amazonaws.com/123456789012/orders';
    expect(extractChange(call('sqs.amazonaws.com', 'SetQueueAttributes', { queueUrl: queue, attributes: { Policy: '{}' } }))).toMatchObject({
      resourceArn: 'arn:aws:sqs:eu-west-1:123456789012:orders',
    });
    expect(extractChange(call('sqs.amazonaws.com', 'SetQueueAttributes', { queueUrl: queue, attributes: { VisibilityTimeout: '30' } }))).toBeNull();
    const topicArn = 'arn:aws:sns:eu-west-1:123456789012:alerts';
    expect(extractChange(call('sns.amazonaws.com', 'SetTopicAttributes', { topicArn, attributeName: 'Policy', attributeValue: '{}' }))?.resourceArn).toBe(topicArn);
    expect(extractChange(call('sns.amazonaws.com', 'SetTopicAttributes', { topicArn, attributeName: 'DisplayName' }))).toBeNull();
  });

  it('ModifyVpcEndpoint is a change only with a policy document or a policy reset, in both parameter shapes', () => {
    const nested = call('ec2.amazonaws.com', 'ModifyVpcEndpoint', { ModifyVpcEndpointRequest: { VpcEndpointId: 'vpce-0abc', PolicyDocument: '{"Statement":[]}' } });
    expect(extractChange(nested)).toMatchObject({ scope: 'vpc-endpoint', layer: 'vpc-endpoint-policy', resourceArn: 'vpce-0abc', parameters: { VpcEndpointId: 'vpce-0abc' } });
    expect(extractChange(call('ec2.amazonaws.com', 'ModifyVpcEndpoint', { VpcEndpointId: 'vpce-0abc', ResetPolicy: true }))?.resourceArn).toBe('vpce-0abc');
    expect(extractChange(call('ec2.amazonaws.com', 'ModifyVpcEndpoint', { ModifyVpcEndpointRequest: { VpcEndpointId: 'vpce-0abc', AddSubnetId: ['subnet-1'] } }))).toBeNull();
  });

  it('Organizations: SCPs and RCPs only; the type from the request or the response; attachments keep their target', () => {
    const rcp = call('organizations.amazonaws.com', 'CreatePolicy', { name: 'r', type: 'RESOURCE_CONTROL_POLICY', content: '{}' }, {
      policy: { policySummary: { id: 'p-rcp1', arn: 'arn:aws:organizations::999988887777:policy/o-x/resource_control_policy/p-rcp1', type: 'RESOURCE_CONTROL_POLICY' } },
    });
    expect(extractChange(rcp)).toMatchObject({ layer: 'rcp', organizationPolicyType: 'rcp', organizationPolicyId: 'p-rcp1' });
    expect(extractChange(call('organizations.amazonaws.com', 'CreatePolicy', { name: 't', type: 'TAG_POLICY', content: '{}' }))).toBeNull();
    expect(extractChange(call('organizations.amazonaws.com', 'AttachPolicy', { policyId: 'p-1', targetId: '123456789012' }))).toMatchObject({
      layer: 'scp',
      organizationPolicyType: null,
      organizationPolicyId: 'p-1',
      organizationTargetId: '123456789012',
    });
    expect(extractChange(call('organizations.amazonaws.com', 'EnablePolicyType', { rootId: 'r-ab12', policyType: 'BACKUP_POLICY' }))).toBeNull();
  });

  it('resource ARNs from names: secrets (with the random suffix stripped on both sides), repositories, buses, vaults', () => {
    const secret = extractChange(call('secretsmanager.amazonaws.com', 'PutResourcePolicy', { secretId: 'prod/db', resourcePolicy: '{}' }))!;
    expect(targetKey(secret.resourceArn!)).toBe(targetKey('arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-AbCdEf'));
    expect(extractChange(call('ecr.amazonaws.com', 'SetRepositoryPolicy', { repositoryName: 'app', policyText: '{}' }))?.resourceArn).toBe(
      'arn:aws:ecr:eu-west-1:123456789012:repository/app',
    );
    expect(extractChange(call('events.amazonaws.com', 'RemovePermission', { statementId: 's' }))?.resourceArn).toBe('arn:aws:events:eu-west-1:123456789012:event-bus/default');
    expect(extractChange(call('backup.amazonaws.com', 'PutBackupVaultAccessPolicy', { backupVaultName: 'v', policy: '{}' }))?.resourceArn).toBe(
      'arn:aws:backup:eu-west-1:123456789012:backup-vault:v',
    );
  });

  it('keeps the stored change small: a huge policy document is cut', () => {
    const huge = JSON.stringify({ Statement: Array.from({ length: 500 }, (_, i) => ({ Sid: `S${i}`, Effect: 'Deny', Action: '*', Resource: '*' })) });
    const change = extractChange(call('iam.amazonaws.com', 'PutRolePolicy', { roleName: 'r', policyName: 'p', policyDocument: huge }))!;
    expect(change.parameters.policyDocument!.length).toBeLessThanOrEqual(600);
    expect(change.parameters.policyDocument!.endsWith('…')).toBe(true);
    expect(Object.values(change.parameters).join('').length).toBeLessThanOrEqual(MAX_PARAMETERS_CHARS);
    expect(JSON.stringify(change).length).toBeLessThan(4000);
  });

  it('files a change under the role (path-less), its policy and its account; SCPs under the organization key', () => {
    const change = extractChange(call('iam.amazonaws.com', 'DetachRolePolicy', { roleName: 'ci', policyArn: 'arn:aws:iam::123456789012:policy/p' }))!;
    expect(storageKeysOf(change)).toEqual(['arn:aws:iam::123456789012:role/ci', 'arn:aws:iam::123456789012:policy/p', 'account:123456789012']);
    expect(targetKey('arn:aws:iam::123456789012:role/service/ci')).toBe('arn:aws:iam::123456789012:role/ci');
    const scp = extractChange(call('organizations.amazonaws.com', 'DetachPolicy', { policyId: 'p-1', targetId: 'ou-ab-12' }))!;
    expect(storageKeysOf(scp)).toEqual(['ORG']);
  });
});

describe('a change as one line (history --changes on a terminal)', () => {
  it('says when, who, which call, on what and which policy, with event text made safe', () => {
    const record = real('AttachRolePolicy');
    expect(formatChangeLine(extractChange(record)!)).toBe(
      `${record.eventTime}  arn:aws:iam::609418236337:user/christophe  iam:AttachRolePolicy  arn:aws:iam::609418236337:role/stratus-red-team-malicious-iam-role  arn:aws:iam::aws:policy/AdministratorAccess`,
    );
    const hostile = { ...extractChange(record)!, actorSession: 'x\u001b[31m\nred' };
    expect(formatChangeLine(hostile)).not.toMatch(/[\u0000-\u001f]/);
  });
});

describe('odd shapes', () => {
  it('never throws and stays bounded on any corpus record dressed as any catalogue call (SYNTHETIC: names swapped in)', () => {
    const records = corpusFoldersWith('negatives.jsonl').flatMap((folder) => [...readJsonl(`${folder}/negatives.jsonl`), ...readJsonl(`${folder}/denied.jsonl`)]);
    const odd: CloudTrailRecord[] = [
      { eventID: 'x', eventTime: '2026-01-01T00:00:00Z', requestParameters: null },
      { eventID: 'y', eventTime: '2026-01-01T00:00:00Z', requestParameters: { roleName: 42, queueUrl: {}, attributes: 'Policy', bucketName: ['b'] } as Record<string, unknown> },
      { eventID: 'z', eventTime: '2026-01-01T00:00:00Z', userIdentity: {}, responseElements: 'not an object' },
      { eventID: 'w', eventTime: '2026-01-01T00:00:00Z', resources: { ARN: 'arn:aws:kms:us-east-1:1:key/k' }, requestParameters: { keyId: 'alias/x' } } as unknown as CloudTrailRecord,
      { eventID: 'v', eventTime: '2026-01-01T00:00:00Z', resources: [null, 'arn'], userIdentity: { type: 'AssumedRole', sessionContext: {} } } as unknown as CloudTrailRecord,
    ];
    let extracted = 0;
    for (const entry of CHANGE_CATALOG) {
      for (const base of [...records, ...odd]) {
        const { errorCode: _code, ...record } = base;
        const change = extractChange({ ...record, eventSource: entry.eventSource, eventName: entry.eventNames[0] } as CloudTrailRecord);
        if (!change) continue;
        extracted++;
        expect(JSON.stringify(change).length).toBeLessThan(4000);
        for (const value of Object.values(change.parameters)) expect(typeof value).toBe('string');
      }
    }
    expect(extracted).toBeGreaterThan(1000);
  });
});
