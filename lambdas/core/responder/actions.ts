/**
 * The response buttons on every alert in Slack app mode, and what a click on one does. Pure: the interaction
 * endpoint verifies the request, reads the fingerprint's state, calls {@link planClick} and writes what it says.
 *
 * Buttons carry `{"f": fingerprint, "a": alertId}` as their value (Slack allows 2,000 characters); the action id says
 * what the button does. Slack's block_actions payload:
 * https://api.slack.com/reference/interaction-payloads/block-actions
 */
import { describeDuration } from './format.js';
import { ENGINE_USER, type AuditEntry, type ExpectedSuppression, type Incident, type Snooze } from './types.js';

/** Action ids of the response buttons (the `action_id` Slack echoes back). */
export const RESPONSE_ACTIONS = {
  acknowledge: 'denial_alerter_acknowledge',
  snooze1h: 'denial_alerter_snooze_1h',
  snooze24h: 'denial_alerter_snooze_24h',
  snooze7d: 'denial_alerter_snooze_7d',
  unsnooze: 'denial_alerter_unsnooze',
  expected: 'denial_alerter_expected',
} as const;

/** The `block_id` of the response buttons' actions block. */
export const RESPONSE_BLOCK_ID = 'denial_alerter_respond';

const HOUR_MS = 3_600_000;
/** Snooze lengths by action id. */
export const SNOOZE_DURATIONS_MS: Readonly<Record<string, number>> = {
  [RESPONSE_ACTIONS.snooze1h]: HOUR_MS,
  [RESPONSE_ACTIONS.snooze24h]: 24 * HOUR_MS,
  [RESPONSE_ACTIONS.snooze7d]: 7 * 24 * HOUR_MS,
};

/** What a button asks for. */
export type ResponderAction = { kind: 'acknowledge' } | { kind: 'snooze'; durationMs: number } | { kind: 'unsnooze' } | { kind: 'expected' };

/** One verified click, read from a block_actions payload. */
export interface Click {
  teamId: string;
  userId: string;
  channelId: string;
  /** `ts` of the message whose button was clicked (a parent or a reply). */
  messageTs: string;
  /** The thread the message is in (absent on a parent message). */
  threadTs: string | null;
  /** Where Slack accepts a message about this click for 30 minutes. */
  responseUrl: string | null;
  action: ResponderAction;
  fingerprint: string;
  alertId: string;
}

/** A Slack interactive button (Block Kit `button` element with a value). */
export interface ResponseButton {
  type: 'button';
  action_id: string;
  text: { type: 'plain_text'; text: string; emoji: boolean };
  value: string;
  style?: 'primary' | 'danger';
  confirm?: { title: PlainText; text: PlainText; confirm: PlainText; deny: PlainText };
}
type PlainText = { type: 'plain_text'; text: string; emoji?: boolean };

/** The actions block of response buttons for one alert. */
export function responseButtons(fingerprint: string, alertId: string): { type: 'actions'; block_id: string; elements: ResponseButton[] } {
  const value = JSON.stringify({ f: fingerprint, a: alertId });
  const button = (action_id: string, text: string, style?: 'primary' | 'danger'): ResponseButton => ({ type: 'button', action_id, text: { type: 'plain_text', text, emoji: true }, value, ...(style ? { style } : {}) });
  const expected = button(RESPONSE_ACTIONS.expected, 'Expected', 'danger');
  expected.confirm = {
    title: { type: 'plain_text', text: 'Mark as expected?' },
    text: { type: 'plain_text', text: 'This fingerprint stops alerting for good once a second person also clicks Expected.' },
    confirm: { type: 'plain_text', text: 'Expected' },
    deny: { type: 'plain_text', text: 'Cancel' },
  };
  return {
    type: 'actions',
    block_id: RESPONSE_BLOCK_ID,
    elements: [
      button(RESPONSE_ACTIONS.acknowledge, 'Acknowledge', 'primary'),
      button(RESPONSE_ACTIONS.snooze1h, 'Snooze 1 h'),
      button(RESPONSE_ACTIONS.snooze24h, 'Snooze 24 h'),
      button(RESPONSE_ACTIONS.snooze7d, 'Snooze 7 d'),
      button(RESPONSE_ACTIONS.unsnooze, 'Unsnooze'),
      expected,
    ],
  };
}

/** Raised when a payload is not a response click we understand (the endpoint answers 400). */
export class InteractionPayloadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InteractionPayloadError';
  }
}

const SLACK_ID = /^[A-Z0-9]{2,32}$/;
const MESSAGE_TS = /^\d{1,12}\.\d{1,9}$/;
const FINGERPRINT = /^[A-Za-z0-9:_#.-]{1,200}$/;
const ALERT_ID = /^[A-Za-z0-9:_#.-]{1,200}$/;

/**
 * Reads the click out of a parsed block_actions payload; throws {@link InteractionPayloadError} naming what is wrong.
 * Only the first action counts (Slack sends one per click).
 */
export function parseClick(payload: unknown): Click {
  const root = record(payload, 'payload');
  if (root.type !== 'block_actions') throw new InteractionPayloadError(`payload type must be block_actions, got ${JSON.stringify(String(root.type)).slice(0, 40)}`);
  const teamId = id(record(root.team, 'team').id, 'team.id');
  const userId = id(record(root.user, 'user').id, 'user.id');
  const container = root.container === undefined ? {} : record(root.container, 'container');
  const channelId = id((root.channel as { id?: unknown } | undefined)?.id ?? container.channel_id, 'channel.id');
  const message = root.message === undefined ? {} : record(root.message, 'message');
  const messageTs = ts(message.ts ?? container.message_ts, 'message.ts');
  const threadTs = message.thread_ts === undefined ? null : ts(message.thread_ts, 'message.thread_ts');
  const responseUrl = typeof root.response_url === 'string' && /^https:\/\/hooks\.slack\.com\//.test(root.response_url) ? root.response_url : null;
  if (!Array.isArray(root.actions) || root.actions.length === 0) throw new InteractionPayloadError('payload has no actions');
  const action = record(root.actions[0], 'actions[0]');
  const actionId = typeof action.action_id === 'string' ? action.action_id : '';
  const kind = actionOf(actionId);
  let value: Record<string, unknown>;
  try {
    value = record(JSON.parse(String(action.value)), 'actions[0].value');
  } catch {
    throw new InteractionPayloadError('actions[0].value is not the JSON a response button carries');
  }
  if (typeof value.f !== 'string' || !FINGERPRINT.test(value.f)) throw new InteractionPayloadError('actions[0].value has no valid fingerprint');
  if (typeof value.a !== 'string' || !ALERT_ID.test(value.a)) throw new InteractionPayloadError('actions[0].value has no valid alert id');
  return { teamId, userId, channelId, messageTs, threadTs, responseUrl, action: kind, fingerprint: value.f, alertId: value.a };
}

function actionOf(actionId: string): ResponderAction {
  if (actionId === RESPONSE_ACTIONS.acknowledge) return { kind: 'acknowledge' };
  if (actionId === RESPONSE_ACTIONS.unsnooze) return { kind: 'unsnooze' };
  if (actionId === RESPONSE_ACTIONS.expected) return { kind: 'expected' };
  const durationMs = SNOOZE_DURATIONS_MS[actionId];
  if (durationMs !== undefined) return { kind: 'snooze', durationMs };
  throw new InteractionPayloadError(`unknown action_id ${JSON.stringify(actionId.slice(0, 60))}`);
}

function record(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new InteractionPayloadError(`${what} must be an object`);
  return value as Record<string, unknown>;
}
function id(value: unknown, what: string): string {
  if (typeof value !== 'string' || !SLACK_ID.test(value)) throw new InteractionPayloadError(`${what} must be a Slack id`);
  return value;
}
function ts(value: unknown, what: string): string {
  if (typeof value !== 'string' || !MESSAGE_TS.test(value)) throw new InteractionPayloadError(`${what} must be a Slack message ts`);
  return value;
}

/** The fingerprint's responder state as read before a click. */
export interface ResponderState {
  incident: Incident | null;
  snooze: Snooze | null;
  expected: ExpectedSuppression | null;
}

/** What a click changes: at most one write of each kind, the audit line, and the thread reply. */
export interface ClickPlan {
  incident?: Incident;
  snooze?: Snooze | 'delete';
  /** The Expected suppression to write, conditional on `previous` being what is stored. */
  expected?: { next: ExpectedSuppression; previous: ExpectedSuppression | null };
  audit: AuditEntry;
  /** The reply in the thread (mrkdwn; user ids are validated Slack ids, rendered as mentions). */
  reply: string;
}

/** Decides what one click does. */
export function planClick(click: Click, state: ResponderState, nowMs: number): ClickPlan {
  const who = `<@${click.userId}>`;
  const audit = (action: AuditEntry['action'], detail: string): AuditEntry => ({ atMs: nowMs, user: click.userId, action, fingerprint: click.fingerprint, alertId: click.alertId, detail });
  switch (click.action.kind) {
    case 'acknowledge': {
      const incident = state.incident ? { ...state.incident, acknowledgedBy: click.userId, acknowledgedAtMs: nowMs } : undefined;
      return { ...(incident ? { incident } : {}), audit: audit('acknowledge', 'acknowledged'), reply: `:eyes: ${who} acknowledged this incident.` };
    }
    case 'snooze': {
      const untilMs = nowMs + click.action.durationMs;
      const length = describeDuration(click.action.durationMs);
      return {
        snooze: { fingerprint: click.fingerprint, untilMs, by: click.userId, atMs: nowMs },
        audit: audit('snooze', `for ${length}, until ${new Date(untilMs).toISOString()}`),
        reply: `:zzz: ${who} snoozed this fingerprint for ${length} (until ${slackDate(untilMs)}). Its alerts stay silent until then.`,
      };
    }
    case 'unsnooze':
      return { snooze: 'delete', audit: audit('unsnooze', state.snooze ? `snooze by ${state.snooze.by} lifted` : 'was not snoozed'), reply: `:bell: ${who} lifted the snooze: this fingerprint alerts again.` };
    case 'expected': {
      const previous = state.expected;
      if (previous?.approvedBy) return { audit: audit('expected-refused', 'already expected'), reply: `${who}: this fingerprint is already marked expected.` };
      if (previous === null) {
        return {
          expected: { next: { fingerprint: click.fingerprint, requestedBy: click.userId, requestedAtMs: nowMs }, previous },
          audit: audit('expected-requested', 'waiting for a second person'),
          reply: `:raised_hand: ${who} marked this fingerprint as expected. It keeps alerting until a second person also clicks *Expected*.`,
        };
      }
      if (previous.requestedBy === click.userId) {
        return { audit: audit('expected-refused', 'the same person cannot approve their own request'), reply: `${who}: a second, different person must click *Expected*; nobody silences an alert alone.` };
      }
      return {
        expected: { next: { ...previous, approvedBy: click.userId, approvedAtMs: nowMs }, previous },
        audit: audit('expected-approved', `asked by ${previous.requestedBy}, approved by ${click.userId}`),
        reply: `:white_check_mark: ${who} approved <@${previous.requestedBy}>'s *Expected*: this fingerprint no longer alerts.`,
      };
    }
  }
}

/** The audit line of an alert the engine kept silent. */
export function suppressedAlertAudit(fingerprint: string, alertId: string, detail: string, nowMs: number): AuditEntry {
  return { atMs: nowMs, user: ENGINE_USER, action: 'alert-suppressed', fingerprint, alertId, detail };
}

/** A date Slack renders in the reader's time zone, with a UTC fallback. */
export function slackDate(ms: number): string {
  const fallback = new Date(ms).toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
  return `<!date^${Math.floor(ms / 1000)}^{date_short_pretty} {time}|${fallback}>`;
}
