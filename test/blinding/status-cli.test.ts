/**
 * `denial-alerter status`, end to end: the built command (bin/denial-alerter.mjs, as a user runs it) reads a real
 * table (DynamoDB Local) holding canaries of three accounts and Regions, one of them silent for three hours, and the
 * blinding change a replayed StopLogging left. It lists the blind one first, then the others, then the last blinding
 * change, and exits 1 because one is blind.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { DynamoDbCanaryStore } from '../../lambdas/adapters/dynamodb-canary-store.js';
import { useDynamoDbLocal } from '../support/dynamodb.js';
import { replayCaptured } from '../support/replay.js';
import { ACCOUNT, call } from './fixtures.js';

const BIN = fileURLToPath(new URL('../../bin/denial-alerter.mjs', import.meta.url));
const dynamo = useDynamoDbLocal();
const workDir = mkdtempSync(join(tmpdir(), 'denial-status-'));

/** Runs the command as a user would; resolves with its exit status and output (a non-zero exit is not an error here). */
async function denialAlerter(args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, NO_COLOR: '1' } });
    return { status: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    if (typeof failed.code !== 'number') throw error;
    return { status: failed.code, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

describe('denial-alerter status (the built command, over a table)', () => {
  it('shows the blind account and Region first, then those on time, then the last blinding change; exit 1', async () => {
    const { tableName } = await dynamo.newTable();
    const now = Date.now();
    const canaries = new DynamoDbCanaryStore({ tableName, client: dynamo.client() });
    await canaries.recordArrival('444455556666', 'us-east-1', now - 5 * 60_000);
    await canaries.recordArrival(ACCOUNT, 'eu-west-1', now - 3 * 3_600_000);
    await canaries.recordArrival('222233334444', 'ap-south-1', now - 12 * 60_000);
    // A StopLogging replayed into the same table: the engine keeps its blinding decision.
    const stop = { ...call('cloudtrail.amazonaws.com', 'StopLogging', { name: 'org-trail' }, {}, now - 3 * 3_600_000 + 60_000), eventID: 'e0c1d2e3-stop-logging' };
    const file = join(workDir, 'stop.jsonl');
    writeFileSync(file, JSON.stringify(stop));
    const table = ['--endpoint', dynamo.emulator().endpoint, '--table', tableName];
    expect((await replayCaptured(['--json', ...table, '--dead-letter', join(workDir, 'dl.jsonl'), file], {})).status).toBe(0);

    const shown = await denialAlerter(['status', ...table]);
    expect(shown.status, shown.stderr).toBe(1);
    const lines = shown.stdout.trim().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(new RegExp(`^BLIND  ${ACCOUNT}  eu-west-1 +last canary ${new Date(now - 3 * 3_600_000).toISOString().slice(0, 16)}`));
    expect(lines[1]).toMatch(/^seen   222233334444  ap-south-1 +last canary /);
    expect(lines[2]).toMatch(/^seen   444455556666  us-east-1 +last canary /);
    expect(lines[3]).toMatch(/^last blinding change: event e0c1d2e3-stop-logging at \d{4}-\d{2}-\d{2}T/);

    const json = await denialAlerter(['status', '--json', ...table]);
    expect(json.status).toBe(1);
    expect(json.stdout.trim().split('\n').map((line) => JSON.parse(line))).toEqual([
      expect.objectContaining({ type: 'canary', accountId: ACCOUNT, region: 'eu-west-1', state: 'blind' }),
      expect.objectContaining({ type: 'canary', accountId: '222233334444', state: 'seen' }),
      expect.objectContaining({ type: 'canary', accountId: '444455556666', state: 'seen' }),
      expect.objectContaining({ type: 'blinding', eventId: 'e0c1d2e3-stop-logging' }),
    ]);
  }, 240_000);

  it('exits 0 when every canary is on time, and says so when none has arrived', async () => {
    const { tableName } = await dynamo.newTable();
    const table = ['--endpoint', dynamo.emulator().endpoint, '--table', tableName];
    const empty = await denialAlerter(['status', ...table]);
    expect(empty).toMatchObject({ status: 0, stdout: 'last blinding change: none seen\n' });
    expect(empty.stderr).toContain('no canary has arrived yet');
    await new DynamoDbCanaryStore({ tableName, client: dynamo.client() }).recordArrival(ACCOUNT, 'eu-west-1', Date.now() - 60_000);
    const onTime = await denialAlerter(['status', ...table]);
    expect(onTime.status).toBe(0);
    expect(onTime.stdout).toMatch(new RegExp(`^seen   ${ACCOUNT}  eu-west-1 +last canary `));
  }, 240_000);

  it('judges by the stack\'s threshold when told (--overdue-minutes), and refuses a threshold that is not a number (exit 2)', async () => {
    const { tableName } = await dynamo.newTable();
    const table = ['--endpoint', dynamo.emulator().endpoint, '--table', tableName];
    await new DynamoDbCanaryStore({ tableName, client: dynamo.client() }).recordArrival(ACCOUNT, 'eu-west-1', Date.now() - 30 * 60_000);
    expect((await denialAlerter(['status', ...table])).status).toBe(0);
    const strict = await denialAlerter(['status', '--overdue-minutes', '20', ...table]);
    expect(strict.status).toBe(1);
    expect(strict.stdout).toMatch(new RegExp(`^BLIND  ${ACCOUNT}  eu-west-1 `));
    const wrong = await denialAlerter(['status', '--overdue-minutes', 'soon', ...table]);
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toMatch(/--overdue-minutes must be a whole number from 1 to 100000, got "soon"/);
    expect(wrong.stderr).not.toMatch(/\n\s+at /);
  }, 240_000);
});
