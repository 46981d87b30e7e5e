/**
 * The Slack app mode's messages: an alert with its response buttons (parent or thread reply), the parent's status
 * line (latest count, state, who acknowledged), and the note that closes an incident. The alert itself renders as in
 * webhook mode (`render/slack.ts`); only the status line and the buttons are added.
 */
import type { AlertSummary } from '../alert.js';
import { buildSlackMessage, type SlackMessage } from '../render/slack.js';
import type { RenderOptions } from '../render/alert-facts.js';
import { responseButtons, slackDate } from './actions.js';
import type { ResponderVerdict } from './suppression.js';
import type { Incident } from './types.js';

/** A message as `chat.postMessage` / `chat.update` take it (the blocks may hold interactive buttons). */
export interface AppMessage {
  text: string;
  blocks: unknown[];
  attachments?: unknown[];
}

const REASONS: Record<string, string> = { threshold: 'spike', escalation: 'escalation', 'first-seen': 'first seen', 'distinct-resources': 'many resources', 'distinct-actions': 'many actions' };

/** An alert with its response buttons (as parent, or as a reply in the thread). */
export function alertWithButtons(alert: AlertSummary, render: RenderOptions = {}): AppMessage {
  const message: SlackMessage = buildSlackMessage(alert, render);
  // Block Kit allows 50 blocks; the webhook rendering stays well under, the buttons take one.
  const blocks: unknown[] = [...message.blocks.slice(0, 49), responseButtons(alert.fingerprint, alert.alertId)];
  return { text: message.text, blocks, ...(message.attachments ? { attachments: message.attachments } : {}) };
}

/** The parent message: the first alert, then one status line (alerts so far, latest count and reason, acknowledgement). */
export function parentMessage(first: AlertSummary, incident: Incident, state: { verdict?: ResponderVerdict; closed?: boolean } = {}, render: RenderOptions = {}): AppMessage {
  const message = alertWithButtons(first, render);
  const status = { type: 'context', block_id: 'denial_alerter_status', elements: [{ type: 'mrkdwn', text: statusLine(incident, state), verbatim: true }] };
  const buttonsAt = message.blocks.length - 1;
  const blocks = state.closed ? [...message.blocks.slice(0, buttonsAt), status] : [...message.blocks.slice(0, buttonsAt), status, message.blocks[buttonsAt]];
  return { ...message, blocks };
}

/** `3 alerts · latest 480 denials (escalation) · :eyes: acknowledged by @jo at …`. */
export function statusLine(incident: Incident, state: { verdict?: ResponderVerdict; closed?: boolean } = {}): string {
  const parts = [
    state.closed ? ':white_circle: *Closed* (quiet for 6 h)' : ':red_circle: *Open*',
    `${incident.alertCount} alert${incident.alertCount === 1 ? '' : 's'} in the thread`,
    `latest ${incident.latestCount} denial${incident.latestCount === 1 ? '' : 's'} (${REASONS[incident.latestReason] ?? 'alert'})`,
  ];
  parts.push(incident.acknowledgedBy ? `:eyes: acknowledged by <@${incident.acknowledgedBy}> ${slackDate(incident.acknowledgedAtMs ?? incident.lastActivityMs)}` : 'not acknowledged');
  if (state.verdict?.silent) parts.push(state.verdict.by === 'snooze' ? `:zzz: snoozed until ${slackDate(state.verdict.untilMs)}` : ':white_check_mark: expected');
  return parts.join(' · ');
}

/** The reply that closes an incident whose quiet period ran out (posted when its fingerprint alerts again). */
export function closingNote(incident: Incident): AppMessage {
  const text = `:white_circle: Back to normal: no alert for this fingerprint since ${slackDate(incident.lastActivityMs)}. The next spike starts a new thread.`;
  return { text: 'Back to normal', blocks: [{ type: 'section', text: { type: 'mrkdwn', text, verbatim: true } }] };
}

/** A plain mrkdwn message (a click's reply in the thread). */
export function noteMessage(mrkdwn: string): AppMessage {
  return { text: mrkdwn.replace(/<[^>|]*\|([^>]*)>/g, '$1').replace(/<@([A-Z0-9]+)>/g, '@$1').slice(0, 3000), blocks: [{ type: 'section', text: { type: 'mrkdwn', text: mrkdwn, verbatim: true } }] };
}
