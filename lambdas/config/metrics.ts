/** CloudWatch metrics the handler emits (Powertools Metrics) and the stack alarms and graphs on. */
export const METRICS = {
  namespace: 'DenialAlerter',
  service: 'denial-alerter',
  names: {
    denialsProcessed: 'DenialsProcessed',
    alertsPublished: 'AlertsPublished',
    suppressed: 'Suppressed',
    deliveryFailures: 'DeliveryFailures',
    unreadableRecords: 'UnreadableRecords',
    /** Events dated too far ahead of arrival or older than the counters: stored, flagged, counted nowhere. */
    untrustedEvents: 'UntrustedEvents',
    /** Decided alerts still in the outbox after an invocation (sent again by the next one). */
    alertsPending: 'AlertsPending',
    /** Operations-topic alarms posted to the default route's Slack. */
    operationsNoticesSent: 'OperationsNoticesSent',
  },
} as const;
