/** The CLI side of Slack app mode: `history --responses`, `slack manifest`, `slack check` against a loopback Slack. */
import { afterEach, describe, expect, it } from 'vitest';
import { DynamoDbResponderStore } from '../../lambdas/adapters/dynamodb-responder-store.js';
import { runCli } from '../cli/run-cli.js';
import { useDynamoDbLocal } from '../support/dynamodb.js';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack.js';

const dynamo = useDynamoDbLocal();
let slack: FakeSlack | undefined;
afterEach(async () => slack?.close());

describe('denial-alerter history --responses', () => {
  it('lists who did what to which alert, newest first, with the alerts kept silent', async () => {
    const { tableName } = await dynamo.newTable();
    const store = new DynamoDbResponderStore({ tableName, client: dynamo.client() });
    const now = Date.now();
    await store.audit({ atMs: now - 120_000, user: 'U0ALICE001', action: 'snooze', fingerprint: 'fp1', alertId: 'a1', detail: 'for 1 h, until …' });
    await store.audit({ atMs: now - 60_000, user: 'denial-alerter', action: 'alert-suppressed', fingerprint: 'fp1', alertId: 'a2', detail: 'snoozed by U0ALICE001 until …' });
    await store.audit({ atMs: now - 30_000, user: 'U0BOB00001', action: 'acknowledge', fingerprint: 'fp2', alertId: 'b1', detail: 'acknowledged' });
    const target = ['--endpoint', dynamo.emulator().endpoint, '--table', tableName];
    const all = await runCli(['history', '--responses', '--json', '--since', '1h', ...target]);
    expect(all.status).toBe(0);
    expect(all.lines().map((line) => [line.action, line.user, line.alertId])).toEqual([
      ['acknowledge', 'U0BOB00001', 'b1'],
      ['alert-suppressed', 'denial-alerter', 'a2'],
      ['snooze', 'U0ALICE001', 'a1'],
    ]);
    const one = await runCli(['history', '--responses', '--json', '--fingerprint', 'fp2', ...target]);
    expect(one.lines()).toHaveLength(1);
  });
});

describe('denial-alerter slack', () => {
  it('prints a manifest asking for chat:write only, with the interactivity URL', async () => {
    const result = await runCli(['slack', 'manifest', '--interactions-url', 'https://abc.lambda-url.eu-west-1.on.aws/']);
    expect(result.status).toBe(0);
    const manifest = JSON.parse(result.stdout);
    expect(manifest.oauth_config.scopes.bot).toEqual(['chat:write']);
    expect(manifest.settings.interactivity).toEqual({ is_enabled: true, request_url: 'https://abc.lambda-url.eu-west-1.on.aws/' });
    expect((await runCli(['slack', 'manifest', '--interactions-url', 'http://plain'])).status).toBe(2);
  });

  it('checks the token and the channel, the token from SLACK_BOT_TOKEN only', async () => {
    slack = await startFakeSlack();
    const ok = await runCli(['slack', 'check', '--channel', 'C0ALERTS01', '--slack-api-url', slack.apiUrl], { env: { SLACK_BOT_TOKEN: 'xoxb-test-token' } });
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain('ok  token: bot U0BOT00001 in workspace Example (T0TEAM0001)');
    expect(ok.stdout).toContain('ok  channel: the bot is in C0ALERTS01');
    expect(slack.calls.map((call) => call.method)).toEqual(['auth.test', 'conversations.info']);
    slack.fail = (call) => (call.method === 'auth.test' ? { error: 'invalid_auth' } : null);
    const bad = await runCli(['slack', 'check', '--channel', 'C0ALERTS01', '--slack-api-url', slack.apiUrl], { env: { SLACK_BOT_TOKEN: 'xoxb-test-token' } });
    expect(bad.status).toBe(1);
    expect(bad.stdout).toContain('FAIL token: Slack auth.test answered invalid_auth');
    expect((await runCli(['slack', 'check', '--channel', 'C0ALERTS01'])).status).toBe(2);
  });
});
