/**
 * Operational notices for Slack: the CloudWatch alarms of a deployment (and of its forwarders) as the operations
 * topic carries them, parsed into one shape and rendered as a short Block Kit message.
 *
 * The topic holds two kinds of message: CloudWatch's own alarm notification (alarm actions: `AlarmName`,
 * `NewStateValue`, `NewStateReason`, …) and the EventBridge event "CloudWatch Alarm State Change" (forwarders' alarms,
 * through the central bus: `detail.alarmName`, `detail.state.value`, …). Anything else is shown as it came, cut.
 * Every field is untrusted text: escaped and neutralised like an alert's.
 */
import { formatTime } from './time.js';
import { cut, flatten, slackCode, slackPlain, slackProse } from './escape.js';
import type { SlackBlock, SlackMessage } from './slack.js';

/** One operational notice. */
export interface OperationsNotice {
  /** `cloudwatch-alarm` (alarm action), `alarm-state-change` (EventBridge event), `message` (anything else). */
  kind: 'cloudwatch-alarm' | 'alarm-state-change' | 'message';
  /** The alarm's name, or the SNS subject of another message. */
  title: string;
  /** `ALARM`, `OK`, `INSUFFICIENT_DATA`, or null for a message that is not an alarm. */
  state: string | null;
  previousState: string | null;
  /** CloudWatch's reason for the state, or the message's text. */
  reason: string | null;
  /** What the alarm watches (its description). */
  description: string | null;
  accountId: string | null;
  region: string | null;
  /** When the state changed (ISO 8601), as the message says. */
  time: string | null;
}

const text = (value: unknown): string | null => (typeof value === 'string' && value.trim() !== '' ? value : null);
const record = (value: unknown): Record<string, unknown> => (value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {});

/** Reads what the operations topic delivered (an SNS message body and its subject). */
export function operationsNoticeOf(message: string, subject?: string | null): OperationsNotice {
  let body: Record<string, unknown> = {};
  try {
    body = record(JSON.parse(message));
  } catch {
    // not JSON: a plain message
  }
  if (text(body.AlarmName)) {
    return {
      kind: 'cloudwatch-alarm',
      title: text(body.AlarmName)!,
      state: text(body.NewStateValue),
      previousState: text(body.OldStateValue),
      reason: text(body.NewStateReason),
      description: text(body.AlarmDescription),
      accountId: text(body.AWSAccountId),
      region: text(body.Region),
      time: text(body.StateChangeTime),
    };
  }
  const detail = record(body.detail);
  if (body['detail-type'] === 'CloudWatch Alarm State Change' && text(detail.alarmName)) {
    return {
      kind: 'alarm-state-change',
      title: text(detail.alarmName)!,
      state: text(record(detail.state).value),
      previousState: text(record(detail.previousState).value),
      reason: text(record(detail.state).reason),
      description: text(record(detail.configuration).description),
      accountId: text(body.account),
      region: text(body.region),
      time: text(record(detail.state).timestamp) ?? text(body.time),
    };
  }
  return { kind: 'message', title: text(subject) ?? 'Operations message', state: null, previousState: null, reason: text(message), description: null, accountId: null, region: null, time: null };
}

/** Emoji and word of a state. */
function stateLabel(state: string | null): { emoji: string; word: string } {
  if (state === 'ALARM') return { emoji: '\u{1F6A8}', word: 'Alarm' };
  if (state === 'OK') return { emoji: '\u2705', word: 'Resolved' };
  if (state === 'INSUFFICIENT_DATA') return { emoji: '\u26A0\uFE0F', word: 'Insufficient data' };
  return { emoji: '\u2139\uFE0F', word: 'Operations' };
}

/** The Slack message of a notice: a header, the state and where, why, and what the alarm watches. */
export function operationsSlackMessage(notice: OperationsNotice): SlackMessage {
  const { emoji, word } = stateLabel(notice.state);
  const where = [
    notice.state ? `*State* ${slackCode(notice.state, 40)}${notice.previousState ? ` (was ${slackCode(notice.previousState, 40)})` : ''}` : null,
    notice.accountId ? `account ${slackCode(notice.accountId, 40)}` : null,
    notice.region ? slackProse(notice.region, 60) : null,
    notice.time ? slackProse(formatTime(notice.time), 60) : null,
  ].filter((part): part is string => part !== null);
  const blocks: SlackBlock[] = [{ type: 'header', text: { type: 'plain_text', emoji: false, text: slackPlain(`${emoji} ${word}: ${notice.title}`, 150) } }];
  if (where.length > 0) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: where.join(' \u00b7 '), verbatim: true } });
  if (notice.reason) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: `*${notice.kind === 'message' ? 'Message' : 'Why'}* ${slackProse(notice.reason, 1500)}`, verbatim: true } });
  if (notice.description) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: `*What it watches* ${slackProse(notice.description, 800)}`, verbatim: true } });
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: 'Denial Alerter operations topic \u00b7 what each alarm means: docs/deploy.md, "Alarms reach someone"', verbatim: true }] });
  return { text: slackPlain(`${word}: ${cut(flatten(notice.title), 150)}${notice.state ? ` (${notice.state})` : ''}`, 200), blocks };
}
