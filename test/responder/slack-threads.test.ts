/**
 * Slack app mode against a loopback Slack Web API (the real @slack/web-api client): one thread per incident, the
 * parent kept up to date, snoozes and Expected obeyed by the next batch, and Slack's failures.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryResponderStore } from '../../lambdas/adapters/memory/responder-store.js';
import { createAlertPublisher } from '../../lambdas/adapters/notifier.js';
import { slackAppChannels } from '../../lambdas/adapters/slack-app/app-channels.js';
import type { AlertSummary } from '../../lambdas/core/alert.js';
import { applyClick } from '../../lambdas/adapters/slack-app/interactions.js';
import { RESPONSE_ACTIONS, parseClick } from '../../lambdas/core/responder/actions.js';
import { APP_SECRET_CHANNEL } from '../../lambdas/core/routing.js';
import { obeyResponders } from '../../lambdas/engine/responder-gate.js';
import { s3AccessDenied } from '../render/alerts.js';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack.js';

const HOUR = 3_600_000;
const T = Date.parse('2026-12-05T10:00:00Z');
const CHANNEL = 'C0ALERTS01';
let slack: FakeSlack | undefined;
afterEach(async () => slack?.close());

function setup(options: { channel?: string } = {}) {
  let clock = T;
  const store = new MemoryResponderStore();
  const slept: number[] = [];
  const channels = slackAppChannels({
    secret: async () => ({ botToken: 'xoxb-test-token', signingSecret: 'a'.repeat(32), channel: CHANNEL }),
    store,
    slackApiUrl: slack!.apiUrl,
    now: () => clock,
    sleep: async (ms) => void slept.push(ms),
  });
  const publisher = obeyResponders(
    createAlertPublisher({ routes: [{ name: 'default', slackChannel: options.channel ?? APP_SECRET_CHANNEL }], channel: channels, now: () => clock }),
    { store, now: () => clock },
  );
  const publish = (alert: AlertSummary) => publisher.publish([{ alert, alreadyDelivered: [] }], { deadlineMs: clock + 60_000 });
  return { store, publish, slept, advance: (ms: number) => void (clock += ms), now: () => clock };
}

const alert = (n: number, overrides: Partial<AlertSummary> = {}): AlertSummary => ({ ...s3AccessDenied, alertId: `alert-${n}`, ...overrides });

/** A block_actions payload as Slack sends it for a click on `actionId` of `posted`. */
function clickPayload(actionId: string, user: string, posted: { ts: string; fingerprint: string; alertId: string }) {
  return {
    type: 'block_actions',
    team: { id: 'T0TEAM0001', domain: 'example' },
    user: { id: user, username: user.toLowerCase(), team_id: 'T0TEAM0001' },
    api_app_id: 'A0APP00001',
    container: { type: 'message', message_ts: posted.ts, channel_id: CHANNEL, is_ephemeral: false },
    channel: { id: CHANNEL, name: 'alerts' },
    message: { type: 'message', ts: posted.ts },
    response_url: 'https://hooks.slack.com/actions/T0TEAM0001/1/abc',
    actions: [{ action_id: actionId, block_id: 'denial_alerter_respond', type: 'button', value: JSON.stringify({ f: posted.fingerprint, a: posted.alertId }), action_ts: '1764928900.1' }],
  };
}

describe('Slack app mode: one thread per incident', () => {
  it('posts a storm with escalations as one parent and its thread, and updates the parent with the latest count', async () => {
    slack = await startFakeSlack();
    const { publish, advance } = setup();
    expect(await publish(alert(1, { count: 12, reason: 'threshold' }))).toEqual([{ alertId: 'alert-1', channel: 'slack:default', status: 'delivered' }]);
    advance(10 * 60_000);
    await publish(alert(2, { count: 150, reason: 'escalation' }));
    advance(70 * 60_000);
    await publish(alert(3, { count: 1600, reason: 'escalation' }));
    const posts = slack.posts();
    expect(posts).toHaveLength(3);
    expect(posts[0]!.args.thread_ts).toBeUndefined();
    const parentTs = '1764928800.000100';
    expect(posts.slice(1).map((post) => post.args.thread_ts)).toEqual([parentTs, parentTs]);
    expect(posts.every((post) => post.args.channel === CHANNEL)).toBe(true);
    // Every alert carries the response buttons.
    for (const post of posts) {
      const actions = (post.args.blocks as Array<{ block_id?: string; elements?: Array<{ action_id: string }> }>).find((block) => block.block_id === 'denial_alerter_respond');
      expect(actions?.elements?.map((element) => element.action_id)).toEqual([RESPONSE_ACTIONS.acknowledge, RESPONSE_ACTIONS.snooze1h, RESPONSE_ACTIONS.snooze24h, RESPONSE_ACTIONS.snooze7d, RESPONSE_ACTIONS.unsnooze, RESPONSE_ACTIONS.expected]);
    }
    const updates = slack.updates();
    expect(updates.map((update) => update.args.ts)).toEqual([parentTs, parentTs]);
    expect(statusOf(updates.at(-1)!)).toContain('3 alerts in the thread · latest 1600 denials (escalation) · not acknowledged');
  });

  it('closes an incident after 6 quiet hours: a back-to-normal note in the old thread, then a new parent', async () => {
    slack = await startFakeSlack();
    const { publish, advance } = setup();
    await publish(alert(1));
    advance(6 * HOUR);
    await publish(alert(2));
    const posts = slack.posts();
    expect(posts).toHaveLength(3);
    expect(posts[1]!.args).toMatchObject({ thread_ts: '1764928800.000100', text: 'Back to normal' });
    expect(posts[2]!.args.thread_ts).toBeUndefined();
    expect(statusOf(slack.updates()[0]!)).toContain('*Closed*');
  });

  it('posts a reply whose parent is unknown top-level, never losing it', async () => {
    slack = await startFakeSlack();
    const { publish, store } = setup();
    await store.putIncident({ fingerprint: s3AccessDenied.fingerprint, channel: CHANNEL, parentTs: '1.000001', startedMs: T, lastActivityMs: T, alertCount: 1, latestCount: 5, latestReason: 'threshold' });
    slack.fail = (call) => (call.args.thread_ts === '1.000001' ? { error: 'thread_not_found' } : null);
    expect((await publish(alert(1)))[0]!.status).toBe('delivered');
    expect(slack.posts().map((post) => post.args.thread_ts)).toEqual(['1.000001', undefined]);
    expect((await store.incident(CHANNEL, s3AccessDenied.fingerprint))?.parentTs).toBe('1764928800.000100');
  });
});

describe('Slack app mode: the buttons change the next batch', () => {
  it('Acknowledge shows on the parent at the next alert', async () => {
    slack = await startFakeSlack();
    const { publish, store, advance, now } = setup();
    await publish(alert(1));
    await applyClick(store, parseClick(clickPayload(RESPONSE_ACTIONS.acknowledge, 'U0ALICE001', { ts: '1764928800.000100', fingerprint: s3AccessDenied.fingerprint, alertId: 'alert-1' })), now());
    advance(60_000);
    await publish(alert(2));
    expect(statusOf(slack.updates().at(-1)!)).toContain('acknowledged by <@U0ALICE001>');
  });

  it('a snoozed fingerprint stays silent, audited, and alerts again after the snooze ends', async () => {
    slack = await startFakeSlack();
    const { publish, store, advance, now } = setup();
    await publish(alert(1));
    await applyClick(store, parseClick(clickPayload(RESPONSE_ACTIONS.snooze1h, 'U0ALICE001', { ts: '1764928800.000100', fingerprint: s3AccessDenied.fingerprint, alertId: 'alert-1' })), now());
    advance(30 * 60_000);
    expect(await publish(alert(2))).toEqual([]);
    expect(slack.posts()).toHaveLength(1);
    const audit = await store.auditLog({ sinceMs: 0, untilMs: now(), limit: 10 });
    expect(audit.map((entry) => [entry.action, entry.user])).toEqual([['alert-suppressed', 'denial-alerter'], ['snooze', 'U0ALICE001']]);
    expect(audit[0]!.detail).toContain('snoozed by U0ALICE001 until 2026-12-05T11:00:00.000Z');
    advance(31 * 60_000);
    expect((await publish(alert(3)))[0]!.status).toBe('delivered');
    expect(slack.posts()).toHaveLength(2);
  });

  it('Unsnooze lifts a snooze at once', async () => {
    slack = await startFakeSlack();
    const { publish, store, now } = setup();
    const posted = { ts: '1764928800.000100', fingerprint: s3AccessDenied.fingerprint, alertId: 'alert-1' };
    await applyClick(store, parseClick(clickPayload(RESPONSE_ACTIONS.snooze7d, 'U0ALICE001', posted)), now());
    expect(await publish(alert(1))).toEqual([]);
    await applyClick(store, parseClick(clickPayload(RESPONSE_ACTIONS.unsnooze, 'U0BOB00001', posted)), now());
    expect(await publish(alert(2))).toHaveLength(1);
  });

  it('Expected needs two different people before it silences anything', async () => {
    slack = await startFakeSlack();
    const { publish, store, now } = setup();
    const posted = { ts: '1764928800.000100', fingerprint: s3AccessDenied.fingerprint, alertId: 'alert-1' };
    const first = await applyClick(store, parseClick(clickPayload(RESPONSE_ACTIONS.expected, 'U0ALICE001', posted)), now());
    expect(first.reply).toContain('until a second person');
    expect(await publish(alert(1))).toHaveLength(1);
    const again = await applyClick(store, parseClick(clickPayload(RESPONSE_ACTIONS.expected, 'U0ALICE001', posted)), now());
    expect(again.audit.action).toBe('expected-refused');
    expect(await publish(alert(2))).toHaveLength(1);
    await applyClick(store, parseClick(clickPayload(RESPONSE_ACTIONS.expected, 'U0BOB00001', posted)), now());
    expect(await publish(alert(3))).toEqual([]);
    expect((await store.expected(s3AccessDenied.fingerprint))).toMatchObject({ requestedBy: 'U0ALICE001', approvedBy: 'U0BOB00001' });
  });
});

describe('Slack app mode: Slack failing', () => {
  it('waits out a 429 with Retry-After within the deadline, then posts', async () => {
    slack = await startFakeSlack();
    const { publish, slept } = setup();
    slack.fail = (_call, index) => (index === 0 ? { status: 429, headers: { 'retry-after': '2' } } : null);
    expect((await publish(alert(1)))[0]!.status).toBe('delivered');
    expect(slept).toEqual([2000]);
    expect(slack.posts()).toHaveLength(2);
  });

  it('tries a 500 once more, and fails (for the outbox to dead-letter) when it persists', async () => {
    slack = await startFakeSlack();
    const { publish } = setup();
    slack.fail = () => ({ status: 500 });
    const [outcome] = await publish(alert(1));
    expect(outcome).toMatchObject({ status: 'failed', channel: 'slack:default' });
    expect(outcome!.error).toContain('HTTP 500');
    expect(slack.posts()).toHaveLength(2);
  });

  it('fails channel_not_found at once with a hint, without retrying', async () => {
    slack = await startFakeSlack();
    const { publish } = setup({ channel: 'C0NOWHERE1' });
    slack.fail = () => ({ error: 'channel_not_found' });
    const [outcome] = await publish(alert(1));
    expect(outcome!.status).toBe('failed');
    expect(outcome!.error).toContain('channel_not_found: check the channel id and invite the app');
    expect(slack.posts()).toHaveLength(1);
    expect(slack.posts()[0]!.args.channel).toBe('C0NOWHERE1');
  });
});

function statusOf(update: { args: Record<string, unknown> }): string {
  const block = (update.args.blocks as Array<{ block_id?: string; elements?: Array<{ text: string }> }>).find((candidate) => candidate.block_id === 'denial_alerter_status');
  return block?.elements?.[0]?.text ?? '';
}
