/**
 * An alert publisher whose module loads on the first alert: rendering, SNS, Slack (webhooks or the app's Web API
 * client) are a fifth of the handler's code that a cold start with nothing to deliver should neither load nor
 * evaluate. A failed load fails that delivery round (the outbox keeps the alerts pending for a later one) and is
 * tried again on the next.
 */
import type { AlertPublisher } from '../engine/alert-publisher.js';

/** The publisher `load` resolves to, loaded once, on the first `publish`. */
export function lazyAlertPublisher(load: () => Promise<AlertPublisher>): AlertPublisher {
  let loading: Promise<AlertPublisher> | undefined;
  return {
    async publish(requests, options) {
      loading ??= load().catch((error: unknown) => {
        loading = undefined;
        throw error;
      });
      return (await loading).publish(requests, options);
    },
  };
}
