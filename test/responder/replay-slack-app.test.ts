/** `replay --slack-channel` against a loopback Slack API: a storm is one thread; a replay into the table obeys Expected. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DynamoDbResponderStore } from '../../lambdas/adapters/dynamodb-responder-store.js';
import { runCli } from '../cli/run-cli.js';
import { useDynamoDbLocal } from '../support/dynamodb.js';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack.js';
import { syntheticBurst } from '../support/records.js';

const dynamo = useDynamoDbLocal();
let slack: FakeSlack | undefined;
afterEach(async () => slack?.close());
const T = Date.parse('2026-11-02T09:00:00Z');

function storm(file: string, startMs: number, counts: number[]): string {
  const records = counts.flatMap((count, index) => syntheticBurst(count, startMs + index * 5 * 60_000, 5));
  writeFileSync(file, records.map((record) => JSON.stringify(record)).join('\n'));
  return file;
}

describe('replay --slack-channel', () => {
  it('threads a storm with escalations under one parent, and a later replay into the table obeys an approved Expected', async () => {
    slack = await startFakeSlack();
    const work = mkdtempSync(join(tmpdir(), 'replay-slack-'));
    const { tableName } = await dynamo.newTable();
    const target = ['--endpoint', dynamo.emulator().endpoint, '--table', tableName, '--dead-letter', join(work, 'dl.jsonl')];
    const env = { SLACK_BOT_TOKEN: 'xoxb-test-token' };
    const first = await runCli(['replay', '--json', ...target, '--slack-channel', 'C0ALERTS01', '--slack-api-url', slack.apiUrl, storm(join(work, 'a.jsonl'), T, [20, 250, 3000])], { env });
    expect(first.status).toBe(0);
    const alerts = first.lines().filter((line) => line.type === 'alert');
    expect(alerts.length).toBeGreaterThanOrEqual(2);
    const posts = slack.posts();
    expect(posts).toHaveLength(alerts.length);
    const parents = posts.filter((post) => post.args.thread_ts === undefined);
    expect(parents).toHaveLength(1);
    expect(posts.slice(1).every((post) => post.args.thread_ts === posts[0]!.args.thread_ts || post.args.thread_ts === '1764928800.000100')).toBe(true);
    expect(slack.updates().length).toBe(alerts.length - 1);

    const fingerprint = String(alerts[0]!.fingerprint);
    const store = new DynamoDbResponderStore({ tableName, client: dynamo.client() });
    await store.putExpected({ fingerprint, requestedBy: 'U0ALICE001', requestedAtMs: Date.now(), approvedBy: 'U0BOB00001', approvedAtMs: Date.now() }, null);
    const second = await runCli(['replay', '--json', ...target, '--slack-channel', 'C0ALERTS01', '--slack-api-url', slack.apiUrl, storm(join(work, 'b.jsonl'), T + 3 * 3_600_000, [40, 600])], { env });
    expect(second.status).toBe(0);
    expect(second.lines().filter((line) => line.type === 'alert').length).toBeGreaterThan(0);
    expect(slack.posts()).toHaveLength(posts.length);
    const audit = await store.auditLog({ sinceMs: 0, untilMs: Date.now() + 1, limit: 10 });
    expect(audit.map((entry) => entry.action)).toContain('alert-suppressed');
  });

  it('refuses --slack-channel without SLACK_BOT_TOKEN, and a token flag does not exist', async () => {
    const file = storm(join(mkdtempSync(join(tmpdir(), 'replay-slack-')), 'c.jsonl'), T, [1]);
    const missing = await runCli(['replay', '--slack-channel', 'C0ALERTS01', file]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('SLACK_BOT_TOKEN');
    expect((await runCli(['replay', '--slack-token', 'xoxb-1', file])).status).toBe(2);
  });
});
