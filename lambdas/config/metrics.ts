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
  },
} as const;
