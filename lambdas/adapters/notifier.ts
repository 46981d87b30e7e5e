/**
 * The {@link AlertPublisher} of the Lambda and `replay`: each alert goes to the channels of its route(s)
 * (`core/routing.ts`), within the caller's deadline.
 *
 * - Channels run side by side: a Slack webhook that hangs or rate-limits never delays SNS, nor another route's Slack.
 * - Within a channel, alerts go one after another (a Slack webhook is paced: ~1 message per second).
 * - Every wait and retry ends by `deadlineMs`; an alert a channel could not take in time is reported `failed` at once
 *   (the engine dead-letters it with the alert intact) rather than waited for. A `Retry-After` past the deadline fails
 *   at once too, and so do the rest of a call's alerts on a channel that failed (down, hanging, rate limited).
 * - Channels that already took an alert (`alreadyDelivered`, on a retry from the outbox) are skipped.
 * - `publish` never rejects; errors are one line and never hold a webhook URL.
 */
import type { AlertSummary } from '../core/alert.js';
import { buildSlackMessage, type SlackMessage } from '../core/render/slack.js';
import { channelsOfRoute, routeAlert, routeLabel, type Route, type RoutingDecision, type RoutingFacts } from '../core/routing.js';
import type { AlertPublisher, ChannelOutcome, PublishRequest } from '../engine/alert-publisher.js';

/** One delivery channel (a route's Slack webhook, an SNS topic), kept for the life of the process. */
export interface AlertChannel {
  /** Stable id, never a secret: `slack:<route>`, `sns:<topic ARN>`. */
  readonly id: string;
  /** Delivers one alert; rejects when it could not by `deadlineMs` (epoch ms). */
  deliver(alert: AlertSummary, options: { deadlineMs: number }): Promise<unknown>;
}

/** Anything that sends a rendered Slack message within a deadline (a `SlackWebhookSender`). */
export interface SlackSender {
  send(message: SlackMessage, options: { deadlineMs?: number }): Promise<unknown>;
}

/** Anything that publishes an alert within a deadline (an `SnsPublisher`). */
export interface SnsSender {
  publish(alert: AlertSummary, options: { deadlineMs?: number }): Promise<unknown>;
}

/** A Slack channel: renders the alert (Block Kit) and sends it through `sender`. */
export function slackAlertChannel(id: string, sender: SlackSender, render: (alert: AlertSummary) => SlackMessage = buildSlackMessage): AlertChannel {
  return { id, deliver: (alert, { deadlineMs }) => sender.send(render(alert), { deadlineMs }) };
}

/** An SNS channel. */
export function snsAlertChannel(id: string, sender: SnsSender): AlertChannel {
  return { id, deliver: (alert, { deadlineMs }) => sender.publish(alert, { deadlineMs }) };
}

export interface RoutedPublisherOptions {
  /** The routes, in order (see `parseRoutes`); empty: alerts go nowhere and nothing fails. */
  routes: readonly Route[];
  /** The channel behind a channel id of a route, or undefined when it cannot be built (reported as a failure). */
  channel(id: string, route: Route): AlertChannel | undefined;
  /** Facts routing needs about an alert (organizational units, tags). @default none */
  facts?(alert: AlertSummary): RoutingFacts;
  /**
   * Time each channel may spend over the publisher's life, all calls together (`replay --delivery-budget`): once a
   * channel has spent it, its remaining alerts fail at once. @default unbounded (only each call's deadline)
   */
  budgetPerChannelMs?: number;
  /** @default Date.now */
  now?(): number;
  /** Channel ids every alert goes to besides its routes' (Security Hub), built with `channel`. @default none */
  everyAlert?: readonly string[];
}

/**
 * Builds the routed, deadline-bound publisher.
 *
 * @example
 * const publisher = createAlertPublisher({ routes, channel: (id) => channels.get(id) });
 * const outcomes = await publisher.publish([{ alert, alreadyDelivered: [] }], { deadlineMs: Date.now() + 60_000 });
 */
export function createAlertPublisher(options: RoutedPublisherOptions): AlertPublisher {
  const now = options.now ?? Date.now;
  const built = new Map<string, AlertChannel | string>();
  const spentByChannel = new Map<string, number>();
  const channelOf = (id: string, route: Route): AlertChannel | string => {
    if (!built.has(id)) {
      try {
        built.set(id, options.channel(id, route) ?? `channel ${id} is not configured`);
      } catch (error) {
        built.set(id, `channel ${id} could not be set up: ${oneLine(error)}`);
      }
    }
    return built.get(id)!;
  };

  return {
    async publish(requests, { deadlineMs }) {
      const deadline = absoluteDeadline(deadlineMs, now());
      const work = planDeliveries(requests, options, channelOf);
      const perChannel = await Promise.all(
        [...work].map(async ([channelId, queue]) => {
          const started = now();
          const spent = spentByChannel.get(channelId) ?? 0;
          const budget = options.budgetPerChannelMs;
          const channelDeadline = budget === undefined ? { at: deadline, why: 'the delivery deadline had passed' } : budgetDeadline(deadline, started, budget - spent, budget);
          const outcomes = await runChannel(queue, channelDeadline, now);
          spentByChannel.set(channelId, spent + (now() - started));
          return outcomes;
        }),
      );
      return perChannel.flat().sort((a, b) => a.order - b.order).map(({ order: _order, ...outcome }) => outcome);
    },
  };
}

/** One alert for one channel; `channel` is a string when the channel could not be built (why). */
type Delivery = { alert: AlertSummary; channelId: string; channel: AlertChannel | string; order: number };
type OrderedOutcome = ChannelOutcome & { order: number };

/** The alert as its channels receive it (`route` names the routes that took it), and the routing decision. */
export function routedAlert(alert: AlertSummary, routes: readonly Route[], facts: RoutingFacts = {}): { alert: AlertSummary; decision: RoutingDecision } {
  const decision = routeAlert(alert, routes, facts);
  return { alert: { ...alert, route: routeLabel(decision) ?? alert.route }, decision };
}

/** Routes every alert and groups its pending deliveries by channel, in request order. */
function planDeliveries(
  requests: readonly PublishRequest[],
  options: RoutedPublisherOptions,
  channelOf: (id: string, route: Route) => AlertChannel | string,
): Map<string, Delivery[]> {
  const work = new Map<string, Delivery[]>();
  let order = 0;
  for (const request of requests) {
    const { alert, decision } = routedAlert(request.alert, options.routes, safely(() => options.facts?.(request.alert)) ?? {});
    for (const channelId of new Set([...decision.channels, ...(options.everyAlert ?? [])])) {
      if (request.alreadyDelivered.includes(channelId)) continue;
      const route = decision.routes.find((candidate) => channelsOfRoute(candidate).includes(channelId)) ?? decision.routes[0] ?? { name: 'none' };
      const queue = work.get(channelId) ?? [];
      queue.push({ alert, channelId, channel: channelOf(channelId, route), order: order++ });
      work.set(channelId, queue);
    }
  }
  return work;
}

/** When a channel must stop: the call's deadline, or earlier when its budget runs out first. */
type ChannelDeadline = { at: number; why: string };

function budgetDeadline(callDeadline: number, nowMs: number, remainingMs: number, budgetMs: number): ChannelDeadline {
  const why = `the delivery budget of ${formatMs(budgetMs)} for this channel is spent`;
  return nowMs + remainingMs < callDeadline ? { at: nowMs + Math.max(0, remainingMs), why } : { at: callDeadline, why: 'the delivery deadline had passed' };
}

function formatMs(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

/** One channel's deliveries, one after another; whatever is left at the deadline fails without being tried. */
async function runChannel(queue: readonly Delivery[], { at: deadline, why }: ChannelDeadline, now: () => number): Promise<OrderedOutcome[]> {
  const outcomes: OrderedOutcome[] = [];
  // Set when the channel itself failed (down, hanging, rate limited past the deadline, secret unreadable): the rest of
  // this call's alerts fail at once instead of each spending the time left on the same outcome.
  let down: string | undefined;
  for (const { alert, channelId, channel, order } of queue) {
    const base = { alertId: alert.alertId, channel: channelId, order };
    if (typeof channel === 'string') {
      outcomes.push({ ...base, status: 'failed', error: channel });
    } else if (now() >= deadline) {
      outcomes.push({ ...base, status: 'failed', error: `not tried: ${why}` });
    } else if (down !== undefined) {
      outcomes.push({ ...base, status: 'failed', error: `not tried: ${channelId} failed for an earlier alert of this batch (${down})` });
    } else {
      try {
        await beforeDeadline(channel.deliver(alert, { deadlineMs: deadline }), deadline - now() + CUT_OFF_GRACE_MS);
        outcomes.push({ ...base, status: 'delivered' });
      } catch (error) {
        outcomes.push({ ...base, status: 'failed', error: oneLine(error) });
        // A refusal of one message (4xx, a renderer error) says nothing of the next one; a retryable failure does.
        if ((error as { retryable?: unknown }).retryable === true) down = oneLine(error).slice(0, 200);
      }
    }
  }
  return outcomes;
}

/**
 * `deadlineMs` is epoch milliseconds. A value before 2001 (under 10^12) cannot be one and is read as the time left
 * (a caller that passed `context.getRemainingTimeInMillis()` as is).
 */
function absoluteDeadline(deadlineMs: number, nowMs: number): number {
  if (!Number.isFinite(deadlineMs)) return nowMs;
  return deadlineMs < 1e12 ? nowMs + deadlineMs : deadlineMs;
}

/**
 * How long after the deadline a channel that ignores it is cut off. The adapters stop at the deadline themselves
 * (with a better reason); this is the backstop for one that does not.
 */
const CUT_OFF_GRACE_MS = 250;

/** Ends the wait even if a channel ignores the deadline (the late delivery may still land: a duplicate at worst). */
async function beforeDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error('did not finish by the delivery deadline'), { retryable: true })), Math.max(0, ms));
  });
  work.catch(() => undefined);
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

function safely<T>(make: () => T): T | undefined {
  try {
    return make();
  } catch {
    return undefined;
  }
}

/** `Name: message` on one line (adapter errors never hold the webhook URL). */
function oneLine(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.replace(/[\u0000-\u001f]+/g, ' ').slice(0, 500);
}
