/**
 * The interaction endpoint (a Lambda Function URL in app mode): Slack posts a button click here.
 *
 * Refused, touching nothing (no store write, no Slack call): a body over {@link MAX_BODY_BYTES} or not a form with a
 * `payload` (400), a missing, stale or forged signature (401), a request seen before (401: replay protection, the
 * signature kept until its timestamp goes stale), another workspace (401), a payload that is not a response click
 * (400). A user outside the configured user group gets a private "not allowed" and nothing else happens.
 *
 * Slack wants an answer within 3 seconds (https://api.slack.com/interactivity/handling#acknowledgment_response): the
 * click's effect (snooze, Expected, acknowledgement, audit line) is written first, then the thread reply and the
 * parent's update are given what is left of {@link ANSWER_BUDGET_MS}; what they have not finished by then is
 * abandoned (the state change is already stored; the next alert's parent update shows it).
 */
import type { WebClient } from '@slack/web-api';
import { InteractionPayloadError, parseClick, planClick, type Click, type ClickPlan } from '../../core/responder/actions.js';
import { noteMessage, parentMessage } from '../../core/responder/messages.js';
import { responderVerdict } from '../../core/responder/suppression.js';
import type { ResponderStore } from '../../engine/responder-store.js';
import type { SlackAppSecret } from './app-secret.js';
import { MAX_REQUEST_AGE_MS, verifySlackSignature } from './request-signature.js';

/** Slack's interaction payloads are a few KB; anything near this is not one. */
export const MAX_BODY_BYTES = 64 * 1024;
/** Time from the request to the answer, under Slack's 3 s. */
export const ANSWER_BUDGET_MS = 2_500;

/** The part of a Function URL event the endpoint reads. */
export interface InteractionRequest {
  body?: string | null;
  isBase64Encoded?: boolean;
  headers?: Record<string, string | undefined>;
}
export interface InteractionResponse {
  statusCode: number;
  headers?: Record<string, string>;
  body: string;
}

export interface InteractionDeps {
  secret: () => Promise<SlackAppSecret>;
  client: () => Promise<WebClient>;
  store: ResponderStore;
  now: () => number;
  log?: (level: 'info' | 'warn' | 'error', message: string, details?: Record<string, unknown>) => void;
}

/** Builds the endpoint's handler. */
export function makeInteractionHandler(deps: InteractionDeps): (request: InteractionRequest) => Promise<InteractionResponse> {
  const log = deps.log ?? (() => undefined);
  let teamId: Promise<string> | undefined;
  const configuredTeam = async (): Promise<string> => {
    const secret = await deps.secret();
    if (secret.teamId) return secret.teamId;
    teamId ??= deps.client().then(async (client) => String((await client.auth.test()).team_id));
    teamId.catch(() => (teamId = undefined));
    return teamId;
  };

  return async function handleInteraction(request) {
    const started = deps.now();
    const raw = request.body ?? '';
    if (Buffer.byteLength(raw) > (request.isBase64Encoded ? (MAX_BODY_BYTES * 4) / 3 + 4 : MAX_BODY_BYTES)) return refuse(400, 'request body too large');
    const body = request.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
    if (Buffer.byteLength(body) > MAX_BODY_BYTES) return refuse(400, 'request body too large');
    const headers = lowerCased(request.headers ?? {});
    const secret = await deps.secret();
    const signature = verifySlackSignature(secret.signingSecret, body, headers['x-slack-request-timestamp'], headers['x-slack-signature'], deps.now());
    if (!signature.valid) {
      log('warn', 'refused a Slack interaction', { why: signature.why });
      return refuse(401, `signature ${signature.why}`);
    }
    const payloadText = new URLSearchParams(body).get('payload');
    let click: Click;
    try {
      if (payloadText === null) throw new InteractionPayloadError('the body has no payload field');
      let payload: unknown;
      try {
        payload = JSON.parse(payloadText);
      } catch {
        throw new InteractionPayloadError('payload is not JSON');
      }
      click = parseClick(payload);
    } catch (error) {
      if (error instanceof InteractionPayloadError) return refuse(400, error.message);
      throw error;
    }
    if (click.teamId !== (await configuredTeam())) {
      log('warn', 'refused a Slack interaction from another workspace', { teamId: click.teamId });
      return refuse(401, 'wrong workspace');
    }
    // Replay protection: a signed request is accepted once while its timestamp is fresh.
    const timestampMs = Number(headers['x-slack-request-timestamp']) * 1000;
    if (!(await deps.store.claimRequest(headers['x-slack-signature']!, timestampMs + MAX_REQUEST_AGE_MS, deps.now()))) {
      log('warn', 'refused a replayed Slack interaction');
      return refuse(401, 'request already seen');
    }
    if (secret.userGroup && !(await inUserGroup(deps, secret.userGroup, click.userId))) {
      return ok({ response_type: 'ephemeral', replace_original: false, text: 'Only members of the responders\' user group can act on these alerts.' });
    }
    const plan = await applyClick(deps.store, click, deps.now());
    const left = ANSWER_BUDGET_MS - (deps.now() - started);
    await withinBudget(tellSlack(deps, click, plan), left, (error) => log('warn', 'could not reply to a click in Slack', { error: (error as Error).message }));
    return ok({});
  };
}

/** Reads the fingerprint's state, plans the click and writes what it changes (audit line included). */
export async function applyClick(store: ResponderStore, click: Click, nowMs: number, attempt = 1): Promise<ClickPlan> {
  const [incident, snooze, expected] = await Promise.all([store.incident(click.channelId, click.fingerprint), store.snooze(click.fingerprint, nowMs), store.expected(click.fingerprint)]);
  const plan = planClick(click, { incident, snooze, expected }, nowMs);
  if (plan.incident) await store.putIncident(plan.incident);
  if (plan.snooze === 'delete') await store.deleteSnooze(click.fingerprint);
  else if (plan.snooze) await store.putSnooze(plan.snooze);
  if (plan.expected && !(await store.putExpected(plan.expected.next, plan.expected.previous))) {
    // Another click changed Expected in between: plan again over what is stored now (a few times at most).
    if (attempt >= 3) throw new Error('Expected kept changing under this click; try again');
    return applyClick(store, click, nowMs, attempt + 1);
  }
  await store.audit(plan.audit);
  return plan;
}

/** The click's reply in the thread, and the parent's status line. */
async function tellSlack(deps: InteractionDeps, click: Click, plan: ClickPlan): Promise<void> {
  const client = await deps.client();
  const reply = noteMessage(plan.reply);
  await client.chat.postMessage({ channel: click.channelId, thread_ts: click.threadTs ?? click.messageTs, text: reply.text, blocks: reply.blocks as never });
  const incident = plan.incident ?? (await deps.store.incident(click.channelId, click.fingerprint));
  if (!incident?.firstAlert) return;
  const now = deps.now();
  const verdict = responderVerdict(await deps.store.snooze(click.fingerprint, now), await deps.store.expected(click.fingerprint), now);
  const message = parentMessage(incident.firstAlert, incident, { verdict });
  await client.chat.update({ channel: incident.channel, ts: incident.parentTs, text: message.text, blocks: message.blocks as never, attachments: message.attachments as never });
}

async function inUserGroup(deps: InteractionDeps, userGroup: string, userId: string): Promise<boolean> {
  const client = await deps.client();
  const answer = await client.usergroups.users.list({ usergroup: userGroup });
  return (answer.users ?? []).includes(userId);
}

async function withinBudget(work: Promise<unknown>, ms: number, onError: (error: unknown) => void): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([work.catch(onError), new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.max(0, ms))))]);
  clearTimeout(timer);
}

function lowerCased(headers: Record<string, string | undefined>): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(headers).map(([key, value]) => [key.toLowerCase(), value]));
}

function refuse(statusCode: 400 | 401, why: string): InteractionResponse {
  return { statusCode, headers: { 'content-type': 'text/plain' }, body: why };
}

function ok(body: Record<string, unknown>): InteractionResponse {
  return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}
