/**
 * The interaction endpoint with signed requests in Slack's documented shape (form body `payload=<block_actions JSON>`,
 * `X-Slack-Signature`, `X-Slack-Request-Timestamp`): what is accepted changes state and replies in the thread; what is
 * forged, replayed, stale, oversized, malformed or from another workspace gets 401/400 and touches nothing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryResponderStore } from '../../lambdas/adapters/memory/responder-store.js';
import { makeInteractionHandler, type InteractionRequest } from '../../lambdas/adapters/slack-app/interactions.js';
import { signSlackRequest } from '../../lambdas/adapters/slack-app/request-signature.js';
import { slackWebClient } from '../../lambdas/adapters/slack-app/web-client.js';
import { RESPONSE_ACTIONS } from '../../lambdas/core/responder/actions.js';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack.js';
import { startHttpServer } from '../support/http-server.js';

const SIGNING_SECRET = '8f742231b10e8888abcd99yyyzzz85a5'.replace(/[yz]/g, 'e');
const NOW = Date.parse('2026-12-05T10:00:00Z');
const FP = '0d5db8f520b6b1a3b678';
const CHANNEL = 'C0ALERTS01';
let slack: FakeSlack | undefined;
afterEach(async () => slack?.close());

function payload(overrides: { team?: string; user?: string; action?: string } = {}) {
  return {
    type: 'block_actions',
    team: { id: overrides.team ?? 'T0TEAM0001', domain: 'example' },
    user: { id: overrides.user ?? 'U0ALICE001', username: 'alice', team_id: overrides.team ?? 'T0TEAM0001' },
    api_app_id: 'A0APP00001',
    token: 'deprecated-verification-token',
    container: { type: 'message', message_ts: '1764928800.000100', channel_id: CHANNEL, is_ephemeral: false },
    trigger_id: '123.456.abc',
    channel: { id: CHANNEL, name: 'alerts' },
    message: { type: 'message', ts: '1764928800.000100', text: 'alert' },
    response_url: 'https://hooks.slack.com/actions/T0TEAM0001/1/abc',
    actions: [{ action_id: overrides.action ?? RESPONSE_ACTIONS.snooze24h, block_id: 'denial_alerter_respond', type: 'button', value: JSON.stringify({ f: FP, a: 'alert-1' }), action_ts: '1764928801.000200' }],
  };
}

function signed(body: string, options: { at?: number; secret?: string } = {}): InteractionRequest {
  const timestamp = String(Math.floor((options.at ?? NOW) / 1000));
  return { body, isBase64Encoded: false, headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Slack-Request-Timestamp': timestamp, 'X-Slack-Signature': signSlackRequest(options.secret ?? SIGNING_SECRET, body, timestamp) } };
}

const form = (value: unknown) => `payload=${encodeURIComponent(JSON.stringify(value))}`;

async function setup(secretExtras: { userGroup?: string } = {}) {
  slack = await startFakeSlack();
  const store = new MemoryResponderStore();
  const client = slackWebClient('xoxb-test-token', { slackApiUrl: slack.apiUrl });
  const handle = makeInteractionHandler({
    secret: async () => ({ botToken: 'xoxb-test-token', signingSecret: SIGNING_SECRET, channel: CHANNEL, ...secretExtras }),
    client: async () => client,
    store,
    now: () => NOW,
  });
  const untouched = async () => {
    expect(await store.snooze(FP, NOW)).toBeNull();
    expect(await store.auditLog({ sinceMs: 0, untilMs: NOW + 1, limit: 10 })).toEqual([]);
    expect(slack!.posts()).toEqual([]);
  };
  return { store, handle, untouched };
}

describe('Slack interaction endpoint', () => {
  it('accepts a signed click: snoozes, audits and replies in the thread', async () => {
    const { store, handle } = await setup();
    const response = await handle(signed(form(payload())));
    expect(response.statusCode).toBe(200);
    expect(await store.snooze(FP, NOW)).toEqual({ fingerprint: FP, untilMs: NOW + 24 * 3_600_000, by: 'U0ALICE001', atMs: NOW });
    expect((await store.auditLog({ sinceMs: 0, untilMs: NOW, limit: 5 }))[0]).toMatchObject({ user: 'U0ALICE001', action: 'snooze', alertId: 'alert-1', fingerprint: FP });
    expect(slack!.posts()[0]!.args).toMatchObject({ channel: CHANNEL, thread_ts: '1764928800.000100' });
    expect(slack!.posts()[0]!.args.text).toContain('@U0ALICE001 snoozed this fingerprint for 24 h');
  });

  it('asks auth.test for the workspace when the secret names none, and refuses another workspace (401)', async () => {
    const { handle, untouched } = await setup();
    expect((await handle(signed(form(payload({ team: 'T0OTHER001' }))))).statusCode).toBe(401);
    expect(slack!.calls.map((call) => call.method)).toEqual(['auth.test']);
    await untouched();
  });

  it('refuses a forged signature (401)', async () => {
    const { handle, untouched } = await setup();
    expect((await handle(signed(form(payload()), { secret: '0'.repeat(32) }))).statusCode).toBe(401);
    const tampered = signed(form(payload()));
    tampered.body = form(payload({ action: RESPONSE_ACTIONS.snooze7d }));
    expect((await handle(tampered)).statusCode).toBe(401);
    expect((await handle({ body: form(payload()), headers: {} })).statusCode).toBe(401);
    await untouched();
  });

  it('refuses a timestamp older than 5 minutes (401), even correctly signed', async () => {
    const { handle, untouched } = await setup();
    expect((await handle(signed(form(payload()), { at: NOW - 5 * 60_000 - 1000 }))).statusCode).toBe(401);
    await untouched();
  });

  it('refuses a request seen before (replay, 401): the second copy changes nothing', async () => {
    const { store, handle } = await setup();
    const request = signed(form(payload({ action: RESPONSE_ACTIONS.expected })));
    expect((await handle(request)).statusCode).toBe(200);
    expect((await handle(structuredClone(request))).statusCode).toBe(401);
    expect(await store.auditLog({ sinceMs: 0, untilMs: NOW, limit: 5 })).toHaveLength(1);
    expect(slack!.posts()).toHaveLength(1);
  });

  it('refuses a 1 MB body (400) before reading it', async () => {
    const { handle, untouched } = await setup();
    const big = `${form(payload())}&pad=${'x'.repeat(1024 * 1024)}`;
    expect((await handle(signed(big))).statusCode).toBe(400);
    await untouched();
  });

  it('refuses a non-JSON payload, a missing payload and an unknown action (400)', async () => {
    const { handle, untouched } = await setup();
    expect((await handle(signed('payload=%7Bnot%20json'))).statusCode).toBe(400);
    expect((await handle(signed('command=%2Fsnooze'))).statusCode).toBe(400);
    expect((await handle(signed(form(payload({ action: 'delete_everything' }))))).statusCode).toBe(400);
    expect((await handle(signed(form({ ...payload(), type: 'view_submission' })))).statusCode).toBe(400);
    await untouched();
  });

  it('lets only members of the configured user group act', async () => {
    const { handle, untouched } = await setup({ userGroup: 'S0RESPOND1' });
    const response = await handle(signed(form(payload({ user: 'U0MALLORY1' }))));
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body)).toMatchObject({ response_type: 'ephemeral' });
    await untouched();
    expect((await handle(signed(form(payload({ user: 'U0BOB00001' }))))).statusCode).toBe(200);
    expect(slack!.posts()).toHaveLength(1);
  });

  it('answers within the 3-second budget when Slack hangs, with the click already stored', async () => {
    const { store } = await setup();
    const hanging = await startHttpServer(() => 'hang');
    const client = slackWebClient('xoxb-test-token', { slackApiUrl: `${hanging.url}/api/`, timeoutMs: 10_000 });
    const slow = makeInteractionHandler({ secret: async () => ({ botToken: 'xoxb-test-token', signingSecret: SIGNING_SECRET, channel: CHANNEL, teamId: 'T0TEAM0001' }), client: async () => client, store, now: Date.now });
    const started = Date.now();
    const response = await slow(signed(form(payload()), { at: Date.now() }));
    const took = Date.now() - started;
    await hanging.close();
    expect(response.statusCode).toBe(200);
    expect(took).toBeLessThan(3_000);
    expect(await store.snooze(FP, Date.now())).not.toBeNull();
  }, 10_000);
});
