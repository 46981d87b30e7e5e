/**
 * Offline policy evaluation end to end: `explain --policies`, a replay whose S3 denials say only "Access Denied"
 * yet whose alert names the bucket policy statement, and an S3 + KMS pair replayed as one incident.
 * All records and policies here are synthetic (built from the real corpus's shapes), as the file names say.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runExplain, runReplay } from '../../lambdas/cli/main.js';
import { buildSlackMessage } from '../../lambdas/core/render/slack.js';
import type { CloudTrailRecord } from '../../lambdas/core/types.js';
import { readJsonl } from '../support/corpus.js';
import { useDynamoDbLocal } from '../support/dynamodb.js';
import { syntheticDenial } from '../support/records.js';

const POLICIES = fileURLToPath(new URL('./fixtures/synthetic-policies', import.meta.url));
const dynamo = useDynamoDbLocal();
const work = mkdtempSync(join(tmpdir(), 'denial-policies-'));
const T0 = Date.parse('2025-04-01T08:00:00Z');

/** S3 gives callers outside the account only "Access Denied": no layer, no statement. */
const s3AccessDeniedOnly = (time: number, sourceIp: string): CloudTrailRecord => ({ ...syntheticDenial({ time, key: 'builds/app.zip', sourceIp }), errorMessage: 'Access Denied' });

async function run(command: typeof runExplain, args: string[], input = '') {
  const stdout = new PassThrough();
  const chunks: string[] = [];
  stdout.on('data', (chunk) => chunks.push(String(chunk)));
  const status = await command(args, { stdin: Readable.from([input]), stdout, stderr: new PassThrough(), env: {} } as never);
  return { status, lines: chunks.join('').trim().split('\n').filter(Boolean).map((line) => JSON.parse(line)) };
}

describe('explain --policies', () => {
  it('names the denying statement, the missing allow, or what it could not check, per denial', async () => {
    const stratus = readJsonl('stratus-red-team-detonation-logs/denied.jsonl');
    const records = [
      s3AccessDeniedOnly(T0, '203.0.113.10'),
      s3AccessDeniedOnly(T0, '198.51.100.5'),
      { ...syntheticDenial({ time: T0, key: 'x' }), eventName: 'GetObject', errorMessage: 'Access Denied', requestParameters: { bucketName: 'reports', key: 'q3.csv' } },
      stratus.find((r) => r.eventName === 'LeaveOrganization')!,
      stratus.find((r) => r.eventName === 'AssumeRole')!,
    ];
    const { status, lines } = await run(runExplain, ['--policies', POLICIES], records.map((r) => JSON.stringify(r)).join('\n'));
    expect(status).toBe(0);
    const [outsideVpn, fromVpn, reports, leave, assume] = lines.map((line) => line.diagnosis);
    expect(outsideVpn).toMatchObject({ decision: 'explicit-deny', layer: 'resource-policy', denyingStatement: { sid: 'DenyBuildsOutsideVpn', policy: 'artifacts.json' } });
    expect(fromVpn.decision).toBe('allowed');
    expect(fromVpn.summary).toMatch(/not checked/);
    expect(reports).toMatchObject({ decision: 'implicit-deny', layer: 'identity-policy' });
    expect(reports.changes[0]).toMatchObject({ layer: 'identity-policy', statement: { Action: 's3:GetObject', Resource: 'arn:aws:s3:::reports/q3.csv' } });
    expect(leave).toMatchObject({ decision: 'explicit-deny', layer: 'scp', denyingStatement: { sid: 'NoLeaving', policyArn: 'arn:aws:organizations::111111111111:policy/o-abc123/service_control_policy/p-noleave' } });
    expect(assume).toMatchObject({ decision: 'implicit-deny', layer: 'role-trust-policy' });
    expect(assume.changes.find((change: { layer: string }) => change.layer === 'role-trust-policy').statement).toEqual({
      Sid: 'AllowstsAssumeRole',
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::457448411975:user/christophe' },
      Action: 'sts:AssumeRole',
    });
  });
});

describe('replay --policies', () => {
  it('alerts on S3 denials that say only "Access Denied" and names the bucket policy statement that denied them', async () => {
    const { tableName } = await dynamo.newTable();
    const file = join(work, 'synthetic-access-denied-only.jsonl');
    writeFileSync(file, Array.from({ length: 6 }, (_, i) => JSON.stringify(s3AccessDeniedOnly(T0 + i * 10_000, '203.0.113.10'))).join('\n'));
    const { lines } = await run(runReplay as never, ['--json', '--endpoint', dynamo.emulator().endpoint, '--table', tableName, '--policies', POLICIES, '--dead-letter', join(work, 'dl.jsonl'), file]);
    const alerts = lines.filter((line) => line.type === 'alert');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ denyLayer: 'resource-policy', denyKind: 'explicit', policyArn: 'arn:aws:s3:::artifacts', diagnosis: { denyingStatement: { sid: 'DenyBuildsOutsideVpn' } } });
    const slack = JSON.stringify(buildSlackMessage(alerts[0]));
    expect(slack).toContain('DenyBuildsOutsideVpn');
    expect(slack).toContain('Explicit deny');
  });

  it('replays an S3 denial and the KMS denial behind it as one incident naming the key policy', async () => {
    const { tableName } = await dynamo.newTable();
    const keyArn = 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    const records: CloudTrailRecord[] = [];
    for (let i = 0; i < 5; i++) {
      const time = T0 + i * 20_000;
      const s3 = s3AccessDeniedOnly(time, '198.51.100.5');
      records.push(s3, {
        ...syntheticDenial({ time: time + 400 }),
        eventSource: 'kms.amazonaws.com',
        eventName: 'GenerateDataKey',
        errorCode: 'AccessDeniedException',
        sourceIPAddress: 's3.amazonaws.com',
        userAgent: 's3.amazonaws.com',
        errorMessage: `User: arn:aws:sts::111122223333:assumed-role/ci-deployer/job-42 is not authorized to perform: kms:GenerateDataKey on resource: ${keyArn} because no resource-based policy allows the kms:GenerateDataKey action`,
        requestParameters: { keyId: keyArn, encryptionContext: { 'aws:s3:arn': 'arn:aws:s3:::artifacts/builds/app.zip' } },
        userIdentity: { ...s3.userIdentity!, invokedBy: 's3.amazonaws.com' },
      });
    }
    const file = join(work, 'synthetic-s3-kms-pairs.jsonl');
    writeFileSync(file, records.map((record) => JSON.stringify(record)).join('\n'));
    const { lines } = await run(runReplay as never, ['--json', '--endpoint', dynamo.emulator().endpoint, '--table', tableName, '--dead-letter', join(work, 'dl2.jsonl'), file]);
    const alerts = lines.filter((line) => line.type === 'alert');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ action: 's3:PutObject', denyLayer: 'resource-policy', denyKind: 'implicit', policyArn: keyArn, count: 5 });
    expect(lines.at(-1)).toMatchObject({ denials: 10, suppressed: 5, alerts: 1 });
  });
});
