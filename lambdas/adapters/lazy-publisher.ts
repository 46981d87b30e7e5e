/**
 * An alert publisher whose module loads on the first alert: rendering, SNS, Slack (webhooks or the app's Web API
 * client) are a fifth of the handler's code that a cold start with nothing to deliver should neither load nor
 * evaluate. A failed load fails that delivery round (the outbox keeps the alerts pending for a later one) and is
 * tried again on the next.
 */
import type { AlertPublisher } from '../engine/alert-publisher.js';
import { loadOnce } from './load-once.js';

/** The publisher `load` resolves to, loaded once, on the first `publish`. */
export function lazyAlertPublisher(load: () => Promise<AlertPublisher>): AlertPublisher {
  const loaded = loadOnce(load);
  return {
    publish: async (requests, options) => (await loaded()).publish(requests, options),
  };
}
