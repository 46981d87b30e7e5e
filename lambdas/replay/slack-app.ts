/**
 * A replay's publisher: the notifier's channels, plus Slack app mode's threads when `--slack-channel` asked for them,
 * behind the responders' gate when the table may hold responses (a table elsewhere), as the Lambda does.
 */
import { createAlertPublisher } from '../adapters/notifier.js';
import type { AlertChannel } from '../adapters/notifier.js';
import type { Route } from '../core/routing.js';
import type { AlertPublisher } from '../engine/alert-publisher.js';
import { obeyResponders } from '../engine/responder-gate.js';
import type { ReplayNotifier } from './notifier.js';
import type { ReplayStores } from './replay-stores.js';

/**
 * The replay's publisher over its table: the notifier's channels, plus the Slack app's thread when asked, behind the
 * responders' gate when the table may hold responses (a table elsewhere, or Slack app mode).
 */
export function replayPublisher(notifier: ReplayNotifier, stores: Pick<ReplayStores, 'responders' | 'sharedTable'>): AlertPublisher {
  const app = notifier.slackApp;
  if (!app && !stores.sharedTable) return notifier.publisher;
  const store = stores.responders;
  let publisher = notifier.publisher;
  if (app) {
    const threads = createAlertPublisher({
      routes: [{ name: 'slack-app', slackChannel: app.channel }],
      channel: lazyChannels(async () =>
        (await import('../adapters/slack-app/app-channels.js')).slackAppChannels({
          secret: async () => ({ botToken: app.token, signingSecret: '0'.repeat(32), channel: app.channel }),
          store,
          slackApiUrl: app.apiUrl,
        }),
      ),
    });
    const others = notifier.publisher;
    publisher = { publish: async (requests, options) => [...(await others.publish(requests, options)), ...(await threads.publish(requests, options))] };
  }
  return obeyResponders(publisher, { store, now: Date.now });
}

/**
 * A channel factory loaded on the first delivery (Slack's Web API client takes ~70 ms to import: a replay that sends
 * nothing never loads it). Each channel id is made once, as by the factory itself.
 */
function lazyChannels(load: () => Promise<(id: string, route: Route) => AlertChannel>): (id: string, route: Route) => AlertChannel {
  let factory: Promise<(id: string, route: Route) => AlertChannel> | undefined;
  const made = new Map<string, Promise<AlertChannel>>();
  return (id, route) => ({
    id,
    async deliver(alert, options) {
      let channel = made.get(id);
      if (!channel) {
        factory ??= load();
        channel = factory.then((make) => make(id, route));
        made.set(id, channel);
      }
      return (await channel).deliver(alert, options);
    },
  });
}
