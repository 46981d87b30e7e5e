/**
 * `replay` recognises the alerter's own roles from its settings (`ownRoles`, issue 23 bullet 6): their denials make no
 * alert and one operations notice per role, account and action on stderr, however many there are; another principal's
 * burst in the same run still alerts. Labelled synthetic records (`test/support/records.ts`).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveSettings, SettingsError } from '../../lambdas/core/config.js';
import type { CloudTrailRecord } from '../../lambdas/core/types.js';
import { syntheticBurst } from '../support/records.js';
import { jsonLines, replayCaptured } from '../support/replay.js';

const workDir = mkdtempSync(join(tmpdir(), 'denial-own-roles-'));
const START = Date.parse('2026-12-05T10:00:00Z');

const asRole = (record: CloudTrailRecord, role: string, session: string): CloudTrailRecord =>
  JSON.parse(JSON.stringify(record).replaceAll('ci-deployer/job-42', `${role}/${session}`).replaceAll('role/ci-deployer', `role/${role}`).replaceAll('"ci-deployer"', `"${role}"`)) as CloudTrailRecord;

function write(name: string, content: string): string {
  const path = join(workDir, name);
  writeFileSync(path, content);
  return path;
}

const input = () => {
  const reader = syntheticBurst(100, START, 10).map((record) => asRole(record, 'DenialAlerterReader', 'lookup'));
  const other = syntheticBurst(6, START, 1, { principal: 'nightly-export' });
  return write('input.jsonl', [...reader, ...other].map((record) => JSON.stringify(record)).join('\n'));
};

describe('replay with ownRoles in --settings', () => {
  it('100 denials of the reader role: no alert, one operations notice; the other principal still alerts', { timeout: 120_000 }, async () => {
    const settings = write('settings.json', JSON.stringify({ ownRoles: { readerRoleArnPattern: 'arn:aws:iam::*:role/DenialAlerterReader' } }));
    const run = await replayCaptured(['--in-memory', '--json', '--batch-size', '25', '--settings', settings, input()]);
    expect(run.status).toBe(0);
    const alerts = jsonLines(run.stdout).filter((line) => line.type === 'alert');
    expect(alerts.map((alert) => alert.principalArn)).toEqual(['arn:aws:iam::111122223333:role/nightly-export']);
    const notices = run.stderr.split('\n').filter((line) => line.startsWith('Operations notice: '));
    expect(notices).toEqual([expect.stringMatching(/reader role \(arn:aws:iam::111122223333:role\/DenialAlerterReader\) was denied s3:PutObject .*allow s3:PutObject .* for the reader role in account 111122223333/)]);
  });

  it('without ownRoles the reader role is a principal like any other (it alerts)', { timeout: 120_000 }, async () => {
    const run = await replayCaptured(['--in-memory', '--json', input()]);
    const alerts = jsonLines(run.stdout).filter((line) => line.type === 'alert');
    expect(alerts.map((alert) => alert.principalArn)).toContain('arn:aws:iam::111122223333:role/DenialAlerterReader');
    expect(run.stderr).not.toContain('Operations notice');
  });

  it('a wrong ownRoles setting is a one-line usage error naming the field', async () => {
    expect(() => resolveSettings({ ownRoles: { forwarderRoleNames: 'DenialAlerterForwarder*' } })).toThrow(SettingsError);
    expect(() => resolveSettings({ ownRoles: { readerRole: 'x' } })).toThrow('setting "ownRoles" has unknown field "readerRole"');
    expect(resolveSettings({ ownRoles: { handlerFunctionName: 'f', forwarderRoleNames: ['DenialAlerterForwarder*'] } }).ownRoles).toEqual({ handlerFunctionName: 'f', forwarderRoleNames: ['DenialAlerterForwarder*'] });
    const settings = write('bad.json', JSON.stringify({ ownRoles: { forwarderRoleNames: 'DenialAlerterForwarder*' } }));
    const run = await replayCaptured(['--in-memory', '--settings', settings, input()]);
    expect(run.status).toBe(2);
    expect(run.stderr.split('\n')[0]).toBe('denial-alerter replay: setting "ownRoles.forwarderRoleNames" must be an array of role names (exact, or ending in * for a prefix)');
  });
});
