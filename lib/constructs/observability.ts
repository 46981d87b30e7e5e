import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Dashboard, GraphWidget, Metric, TreatMissingData, type IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { Topic } from 'aws-cdk-lib/aws-sns';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { METRICS } from '../../lambdas/config/metrics.js';

export interface ObservabilityProps {
  /** The function whose errors and throttles are alarmed on. */
  readonly handler: IFunction;
  /** Where alarms notify. */
  readonly topic: Topic;
  /** Dead-letter queues whose depth must stay at zero, by name. */
  readonly deadLetterQueues: Record<string, Queue>;
}

/** Alarms (handler errors and throttles, dead-letter depth, delivery failures) to the alert topic, and a dashboard. */
export class Observability extends Construct {
  public readonly alarms: Alarm[] = [];
  public readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    const metric = (name: string, label?: string) =>
      new Metric({ namespace: METRICS.namespace, metricName: name, dimensionsMap: { service: METRICS.service }, statistic: 'Sum', period: Duration.minutes(1), label });
    const alarm = (name: string, m: IMetric, description: string) => {
      const created = new Alarm(this, name, {
        metric: m,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });
      created.addAlarmAction(new SnsAction(props.topic));
      this.alarms.push(created);
    };
    alarm('HandlerErrors', props.handler.metricErrors({ period: Duration.minutes(5) }), 'The Denial Alerter handler failed');
    alarm('HandlerThrottles', props.handler.metricThrottles({ period: Duration.minutes(5) }), 'The Denial Alerter handler was throttled');
    alarm('DeliveryFailures', metric(METRICS.names.deliveryFailures), 'An alert could not be delivered to Slack or SNS (kept in the alert dead-letter queue)');
    // An alert left in the outbox goes out with the next invocation; still pending after 15 minutes means it is stuck.
    const pending = new Alarm(this, 'AlertsPending', {
      metric: new Metric({ namespace: METRICS.namespace, metricName: METRICS.names.alertsPending, dimensionsMap: { service: METRICS.service }, statistic: 'Maximum', period: Duration.minutes(5) }),
      threshold: 1,
      evaluationPeriods: 3,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: 'Decided alerts have waited in the outbox for 15 minutes (a channel keeps failing without being dead-lettered)',
    });
    pending.addAlarmAction(new SnsAction(props.topic));
    this.alarms.push(pending);
    for (const [name, queue] of Object.entries(props.deadLetterQueues)) {
      alarm(`${name}Depth`, queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }), `Messages are waiting in the ${name} dead-letter queue`);
    }
    this.dashboard = new Dashboard(this, 'Dashboard', {
      widgets: [
        [
          new GraphWidget({ title: 'Denials per minute', left: [metric(METRICS.names.denialsProcessed, 'denials')], width: 12 }),
          new GraphWidget({ title: 'Alerts and suppressed', left: [metric(METRICS.names.alertsPublished, 'alerts'), metric(METRICS.names.suppressed, 'suppressed')], width: 12 }),
        ],
        [
          new GraphWidget({
            title: 'Errors',
            left: [props.handler.metricErrors(), metric(METRICS.names.deliveryFailures, 'delivery failures'), metric(METRICS.names.unreadableRecords, 'unreadable records')],
            width: 12,
          }),
          new GraphWidget({
            title: 'Dead-letter depth',
            left: Object.entries(props.deadLetterQueues).map(([name, queue]) => queue.metricApproximateNumberOfMessagesVisible({ label: name })),
            width: 12,
          }),
        ],
      ],
    });
  }
}
