/** Operations-topic messages for tests and previews (documented shapes, SYNTHETIC values). */

/** CloudWatch's alarm notification to an SNS alarm action (the documented message fields), for the handler's error alarm. */
export const handlerErrorsAlarm = JSON.stringify({
  AlarmName: 'DenialAlerter-HandlerErrors',
  AlarmDescription: 'The denial handler failed invocations: batches are retried, then dead-lettered.',
  AWSAccountId: '111122223333',
  AlarmConfigurationUpdatedTimestamp: '2026-11-01T09:00:00.000+0000',
  NewStateValue: 'ALARM',
  NewStateReason: 'Threshold Crossed: 1 out of the last 1 datapoints [3.0 (30/11/26 10:04:00)] was greater than or equal to the threshold (1.0) (minimum 1 datapoint for OK -> ALARM transition).',
  StateChangeTime: '2026-11-30T10:05:00.123+0000',
  Region: 'US East (N. Virginia)',
  AlarmArn: 'arn:aws:cloudwatch:us-east-1:111122223333:alarm:DenialAlerter-HandlerErrors',
  OldStateValue: 'OK',
  OKActions: [],
  AlarmActions: ['arn:aws:sns:us-east-1:111122223333:DenialAlerter-Operations'],
  InsufficientDataActions: [],
  Trigger: { MetricName: 'Errors', Namespace: 'AWS/Lambda', Statistic: 'SUM', Period: 60, EvaluationPeriods: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', Threshold: 1 },
});
