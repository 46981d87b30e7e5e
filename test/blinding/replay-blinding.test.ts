/**
 * `replay` of a SYNTHETIC timeline (test/blinding/fixtures.ts): a successful StopLogging, then a burst of denials.
 * The StopLogging alerts at once, critical, first; the denials alert as before; a second replay alerts on neither.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useDynamoDbLocal } from '../support/dynamodb.js';
import { replayCaptured } from '../support/replay.js';
import { explicitDenies } from '../changes/support/timeline.js';
import { ACCOUNT, call } from './fixtures.js';
import { DynamoDbCanaryStore } from '../../lambdas/adapters/dynamodb-canary-store.js';
import { roleSession } from '../changes/support/timeline.js';

const dynamo = useDynamoDbLocal();
const workDir = mkdtempSync(join(tmpdir(), 'denial-blinding-'));
const T = Date.parse('2026-12-01T10:00:00Z');

describe('replay: a trail stopped, then denials', () => {
  it('alerts on the StopLogging at once, critical and first, with who, from where and the undo command; once only', async () => {
    const stop = call('cloudtrail.amazonaws.com', 'StopLogging', { name: 'org-trail' }, {}, T);
    const denies = explicitDenies(T + 60_000, 12, ACCOUNT, 'pipeline-deploy', 'an identity-based policy.');
    const file = join(workDir, 'timeline.jsonl');
    writeFileSync(file, [stop, ...denies].map((record) => JSON.stringify(record)).join('\n'));
    const { tableName } = await dynamo.newTable();
    const args = ['--json', '--endpoint', dynamo.emulator().endpoint, '--table', tableName, '--dead-letter', join(workDir, 'dl.jsonl'), file];
    const first = await replayCaptured(args, {});
    expect(first.status).toBe(0);
    const alerts = first.stdout.trim().split('\n').map((line) => JSON.parse(line)).filter((line) => line.type === 'alert');
    expect(alerts.length).toBeGreaterThanOrEqual(2);
    expect(alerts[0]).toMatchObject({ reason: 'blinding', count: 1, accountId: ACCOUNT, triage: { severity: 'critical', investigateFirst: true } });
    expect(alerts[0].blinding).toMatchObject({ kind: 'trail', eventName: 'StopLogging', sourceIp: '203.0.113.9', actorSession: 'mallory', undo: "aws cloudtrail start-logging --name 'org-trail' --region 'eu-west-1'" });
    expect(alerts[0].rendering.severity).toBe('critical');
    expect(alerts.slice(1).every((alert: { reason: string }) => alert.reason !== 'blinding')).toBe(true);

    const text = await replayCaptured(args.filter((arg) => arg !== '--json'), {});
    expect(text.stdout).not.toMatch(/BLINDING/); // already decided: the same event alerts once
    const fresh = await dynamo.newTable();
    const rendered = await replayCaptured(['--endpoint', dynamo.emulator().endpoint, '--table', fresh.tableName, '--dead-letter', join(workDir, 'dl2.jsonl'), file], {});
    expect(rendered.stdout.split('\n').slice(0, 3).join('\n')).toMatch(/^\[BLINDING\/critical\] StopLogging by arn:aws:iam::111122223333:role\/ops-admin \(session mallory\)\n  INVESTIGATE BEFORE ANYTHING ELSE\n  what      CloudTrail logging stopped on trail org-trail/);
  });

  it('never counts a canary denial, and keeps its last arrival per account and Region', async () => {
    const canaries = [0, 15, 30].map((minutes) => ({
      ...call('ssm.amazonaws.com', 'PutParameter', { name: '/denial-alerter/canary/probe', type: 'String', overwrite: true }, {}, T + minutes * 60_000),
      userIdentity: roleSession(ACCOUNT, 'DenialAlerterCanary-eu-west-1', 'canary'),
      errorCode: 'AccessDenied',
      errorMessage: `User: arn:aws:sts::${ACCOUNT}:assumed-role/DenialAlerterCanary-eu-west-1/canary is not authorized to perform: ssm:PutParameter with an explicit deny in an identity-based policy`,
    }));
    const file = join(workDir, 'canaries.jsonl');
    writeFileSync(file, canaries.map((record) => JSON.stringify(record)).join('\n'));
    const { tableName } = await dynamo.newTable();
    const run = await replayCaptured(['--json', '--endpoint', dynamo.emulator().endpoint, '--table', tableName, '--dead-letter', join(workDir, 'dl3.jsonl'), file], {});
    expect(run.status).toBe(0);
    const summary = JSON.parse(run.stdout.trim().split('\n').at(-1)!);
    expect(summary).toMatchObject({ type: 'summary', records: 3, denials: 0, alerts: 0 });
    const states = await new DynamoDbCanaryStore({ tableName, client: dynamo.client() }).states();
    expect(states).toEqual([{ accountId: ACCOUNT, region: 'eu-west-1', lastArrivalMs: T + 30 * 60_000, blind: false }]);
  });
});
