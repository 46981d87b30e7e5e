/**
 * A loopback Slack Web API recording every call (method, decoded arguments), answering like Slack: `chat.postMessage`
 * returns a fresh `ts`, `chat.update` echoes it, `auth.test` names the workspace. `fail` scripts a failure for a call.
 * The real `@slack/web-api` client talks to it through `slackApiUrl`.
 */
import type { ServerResponse } from 'node:http';
import { startHttpServer, type LocalServer } from './http-server.js';

export interface SlackCall {
  method: string;
  args: Record<string, unknown>;
}

/** A scripted failure: an HTTP status (with headers), or a Slack error (`ok: false`). */
export type SlackFailure = { status: number; headers?: Record<string, string> } | { error: string } | null;

export interface FakeSlack {
  /** Base URL for `slackApiUrl` (ends with `/api/`). */
  apiUrl: string;
  calls: SlackCall[];
  /** Posts (parents and replies) in order. */
  posts(): SlackCall[];
  updates(): SlackCall[];
  /** Decides a failure per call (index among all calls). */
  fail: (call: SlackCall, index: number) => SlackFailure;
  close(): Promise<void>;
  server: LocalServer;
}

export async function startFakeSlack(): Promise<FakeSlack> {
  let ts = 1_764_928_800;
  const calls: SlackCall[] = [];
  const fake: Partial<FakeSlack> = { fail: () => null };
  const server = await startHttpServer((request, response: ServerResponse) => {
    const method = request.url.replace(/^\/api\//, '').split('?')[0]!;
    const args: Record<string, unknown> = {};
    for (const [key, value] of new URLSearchParams(request.body)) args[key] = /^[[{]/.test(value) ? JSON.parse(value) : value;
    const call = { method, args };
    calls.push(call);
    const failure = fake.fail!(call, calls.length - 1);
    if (failure && 'status' in failure) {
      response.writeHead(failure.status, { 'content-type': 'application/json', ...failure.headers }).end(JSON.stringify({ ok: false, error: 'http' }));
      return;
    }
    const json = (body: Record<string, unknown>): void => {
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    if (failure) return json({ ok: false, error: failure.error });
    if (method === 'chat.postMessage') return json({ ok: true, channel: args.channel, ts: `${ts++}.000100`, message: {} });
    if (method === 'chat.update') return json({ ok: true, channel: args.channel, ts: args.ts });
    if (method === 'auth.test') return json({ ok: true, team_id: 'T0TEAM0001', user_id: 'U0BOT00001', team: 'Example', user: 'denial-alerter' });
    if (method === 'usergroups.users.list') return json({ ok: true, users: ['U0ALICE001', 'U0BOB00001'] });
    if (method === 'conversations.info') return json({ ok: true, channel: { id: args.channel, is_member: true, name: 'alerts' } });
    return json({ ok: true });
  });
  Object.assign(fake, {
    apiUrl: `${server.url}/api/`,
    calls,
    posts: () => calls.filter((call) => call.method === 'chat.postMessage'),
    updates: () => calls.filter((call) => call.method === 'chat.update'),
    close: () => server.close(),
    server,
  });
  return fake as FakeSlack;
}
