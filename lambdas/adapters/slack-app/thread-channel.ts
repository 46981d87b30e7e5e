/**
 * The Slack app delivery channel: one thread per incident (issue 21).
 *
 * - The first alert of a fingerprint's incident is a `chat.postMessage`; its `ts` is kept with the incident
 *   (`ResponderStore`). Later alerts of the incident (escalations, repeats after the cooldown) are replies in that
 *   thread (`thread_ts`), and the parent is edited (`chat.update`) to show the latest count, the state and who
 *   acknowledged. An incident ends after 6 h without an alert (`core/responder/incident.ts`): the next alert posts a
 *   "back to normal" note in the old thread and starts a new one.
 * - Never lost: when the incident cannot be read, or Slack says the parent is gone, the alert is posted top-level
 *   (a new thread). A failed post rejects, so the outbox dead-letters the alert as it does a webhook's.
 * - Slack answering 429 is waited out (`Retry-After`) and a 5xx tried once more, both only within the deadline;
 *   `channel_not_found` and other permanent refusals fail at once with a hint.
 *
 * Slack's methods: https://api.slack.com/methods/chat.postMessage, https://api.slack.com/methods/chat.update
 */
import type { WebClient } from '@slack/web-api';
import type { AlertSummary } from '../../core/alert.js';
import type { RenderOptions } from '../../core/render/alert-facts.js';
import { continueIncident, placeAlert, startIncident } from '../../core/responder/incident.js';
import { alertWithButtons, closingNote, parentMessage, type AppMessage } from '../../core/responder/messages.js';
import type { Incident } from '../../core/responder/types.js';
import type { ResponderStore } from '../../engine/responder-store.js';
import type { AlertChannel } from '../notifier.js';
import { SlackApiError, slackApiError } from './web-client.js';

export interface SlackThreadChannelOptions {
  /** The Web API client (built from the bot token on first use). */
  client: () => Promise<WebClient>;
  /** The Slack channel id this channel posts to (the route's, else the app secret's). */
  slackChannel: () => Promise<string>;
  store: ResponderStore;
  render?: RenderOptions;
  /** @default Date.now */
  now?: () => number;
  /** @default setTimeout */
  sleep?: (ms: number) => Promise<void>;
  log?: (level: 'info' | 'warn' | 'error', message: string, details?: Record<string, unknown>) => void;
}

/** Slack errors that say the parent of a reply is gone: the alert then starts a new thread. */
const PARENT_GONE = new Set(['thread_not_found', 'message_not_found']);

/** Builds the Slack app channel `id` (e.g. `slack:default`). */
export function slackThreadChannel(id: string, options: SlackThreadChannelOptions): AlertChannel {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const log = options.log ?? (() => undefined);

  /** One Web API call within the deadline: 429 waited out, a 5xx tried once more. */
  async function call<T>(method: string, deadlineMs: number, run: () => Promise<T>): Promise<T> {
    let serverErrors = 0;
    for (;;) {
      if (now() >= deadlineMs) throw new SlackApiError(`Slack ${method} not tried: the delivery deadline had passed`, true, null);
      try {
        return await run();
      } catch (thrown) {
        const error = slackApiError(method, thrown);
        if (error.retryAfterMs !== null) {
          if (now() + error.retryAfterMs >= deadlineMs) throw new SlackApiError(`${error.message}, past the delivery deadline`, true, 'ratelimited');
          await sleep(error.retryAfterMs);
          continue;
        }
        if (error.retryable && error.slackError === null && serverErrors++ === 0 && now() + 1_000 < deadlineMs) {
          await sleep(1_000);
          continue;
        }
        throw error;
      }
    }
  }

  const post = (client: WebClient, channel: string, message: AppMessage, deadlineMs: number, threadTs?: string) =>
    call('chat.postMessage', deadlineMs, () => client.chat.postMessage({ channel, ...(threadTs ? { thread_ts: threadTs } : {}), text: message.text, blocks: message.blocks as never, attachments: message.attachments as never, unfurl_links: false, unfurl_media: false }));

  /** Edits the parent to the incident's state; a failure is logged (the thread itself has the news). */
  async function updateParent(client: WebClient, incident: Incident, deadlineMs: number, closed = false): Promise<void> {
    if (!incident.firstAlert) return;
    const message = parentMessage(incident.firstAlert, incident, { closed }, options.render);
    try {
      await call('chat.update', deadlineMs, () => client.chat.update({ channel: incident.channel, ts: incident.parentTs, text: message.text, blocks: message.blocks as never, attachments: message.attachments as never }));
    } catch (error) {
      log('warn', 'could not update the incident\'s parent message', { fingerprint: incident.fingerprint, error: (error as Error).message });
    }
  }

  async function remember(incident: Incident): Promise<void> {
    try {
      await options.store.putIncident(incident);
    } catch (error) {
      // The alert is in Slack; the next one starts a new thread instead of replying (nothing lost).
      log('error', 'could not store the incident thread; the next alert starts a new thread', { fingerprint: incident.fingerprint, error: (error as Error).message });
    }
  }

  return {
    id,
    async deliver(alert: AlertSummary, { deadlineMs }) {
      const client = await options.client();
      const channel = await options.slackChannel();
      let known: Incident | null = null;
      try {
        known = await options.store.incident(channel, alert.fingerprint);
      } catch (error) {
        log('warn', 'could not read the incident thread; the alert is posted top-level', { fingerprint: alert.fingerprint, error: (error as Error).message });
      }
      const placement = placeAlert(known, now());
      if (placement.kind === 'reply') {
        try {
          await post(client, channel, alertWithButtons(alert, options.render), deadlineMs, placement.incident.parentTs);
          const next = continueIncident(placement.incident, alert, now());
          await remember(next);
          await updateParent(client, next, deadlineMs);
          return;
        } catch (error) {
          if (!(error instanceof SlackApiError && error.slackError !== null && PARENT_GONE.has(error.slackError))) throw error;
          log('warn', 'the incident\'s parent message is gone; the alert starts a new thread', { fingerprint: alert.fingerprint });
        }
      } else if (placement.ended) {
        // Best effort: the old thread learns it is over; the new alert does not wait on it.
        try {
          await post(client, channel, closingNote(placement.ended), deadlineMs, placement.ended.parentTs);
          await updateParent(client, placement.ended, deadlineMs, true);
        } catch (error) {
          log('warn', 'could not close the previous incident\'s thread', { fingerprint: alert.fingerprint, error: (error as Error).message });
        }
      }
      const posted = await post(client, channel, alertWithButtons(alert, options.render), deadlineMs);
      if (typeof posted.ts !== 'string') throw new SlackApiError('Slack chat.postMessage answered without a message ts', false, null);
      await remember({ ...startIncident(alert, channel, posted.ts, now()), firstAlert: alert });
    },
  };
}
