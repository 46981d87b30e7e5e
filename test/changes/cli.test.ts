/**
 * "What changed" through the commands, on DynamoDB Local: `replay` of the bundled sample (its one labelled synthetic
 * change precedes the GetPasswordData spike) names the change; `history --changes` lists it.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runHistory, runReplay } from '../../lambdas/cli/main.js';
import { useDynamoDbLocal } from '../support/dynamodb.js';
import { runCaptured as run } from '../support/replay.js';

const dynamo = useDynamoDbLocal();
const SAMPLE = fileURLToPath(new URL('../../sample/cloudtrail-sample.json.gz', import.meta.url));
const ROLE = 'arn:aws:iam::457448411975:role/stratus-red-team-ec2-get-password-data-role';

describe('what changed in the commands', () => {
  it('replay of the bundled sample names the synthetic detach in the GetPasswordData alert, and history --changes lists it', async () => {
    const { tableName } = await dynamo.newTable();
    const store = ['--endpoint', dynamo.emulator().endpoint, '--table', tableName];
    const workDir = mkdtempSync(join(tmpdir(), 'what-changed-cli-'));
    const replayed = await run(runReplay, ['--json', ...store, '--dead-letter', join(workDir, 'dl.jsonl'), SAMPLE]);
    expect(replayed.status, replayed.stderr).toBe(0);
    const alerts = replayed.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((line) => line.type === 'alert');
    const byAction = new Map(alerts.map((alert) => [alert.action, alert.changes]));
    expect(byAction.get('ec2:GetPasswordData')).toEqual([
      expect.objectContaining({
        eventId: 'synthetic-what-changed-0001',
        eventName: 'DetachRolePolicy',
        actorArn: 'arn:aws:iam::457448411975:user/platform-admin',
        target: ROLE,
        policyArn: 'arn:aws:iam::457448411975:policy/ec2-password-data-reader',
        match: 'principal',
        minutesBeforeFirstDenial: 14,
      }),
    ]);
    // The other spike, another role in another account: nothing changed for it.
    expect(byAction.get('ec2:DescribeInstanceAttribute')).toBeUndefined();

    const listed = await run(runHistory, ['--changes', '--json', ...store, '--since', '2024-07-30T00:00:00Z', '--until', '2024-08-02T00:00:00Z', '--principal', ROLE]);
    expect(listed.status, listed.stderr).toBe(0);
    const lines = listed.stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.map((line) => [line.eventId, line.eventName])).toEqual([['synthetic-what-changed-0001', 'DetachRolePolicy']]);
    expect(Object.keys(lines[0]!).slice(0, 3)).toEqual(['eventId', 'eventTime', 'accountId']);

    const usage = await run(runHistory, ['--changes', ...store]);
    expect(usage.status).toBe(2);
    expect(usage.stderr).toMatch(/--changes needs --principal ARN or --resource ARN/);
  });
});
