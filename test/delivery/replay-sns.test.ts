/**
 * `replay --sns-topic`: the alert is published to the topic through the AWS SDK, which a replay loads only when it
 * first sends (a replay that only prints never imports it).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createReplayNotifier } from '../../lambdas/replay/notifier.js';
import { ec2GetPasswordData } from '../render/alerts.js';
import { fakeSns, parsePublish } from './sns-fake.js';

const TOPIC = 'arn:aws:sns:eu-west-1:111122223333:denial-alerts';

afterEach(() => vi.unstubAllEnvs());

describe('replay --sns-topic', () => {
  it('publishes each alert to the topic, the SDK loaded on the first alert', async () => {
    const sns = await fakeSns();
    try {
      vi.stubEnv('AWS_ENDPOINT_URL_SNS', sns.url);
      vi.stubEnv('AWS_ACCESS_KEY_ID', 'x');
      vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'y');
      const notifier = createReplayNotifier({ 'sns-topic': TOPIC }, {});
      expect(sns.requests).toHaveLength(0);
      const failures = await notifier.publish([{ ...ec2GetPasswordData, alertId: 'a-1' }, { ...ec2GetPasswordData, alertId: 'a-2' }]);
      expect(failures).toEqual([]);
      expect(sns.requests.map((request) => parsePublish(request))).toMatchObject([
        { action: 'Publish', topicArn: TOPIC },
        { action: 'Publish', topicArn: TOPIC },
      ]);
    } finally {
      await sns.close();
    }
  });

  it('a topic that fails is a failure of that alert, not of the run', async () => {
    const sns = await fakeSns(500);
    try {
      vi.stubEnv('AWS_ENDPOINT_URL_SNS', sns.url);
      vi.stubEnv('AWS_ACCESS_KEY_ID', 'x');
      vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'y');
      vi.stubEnv('AWS_MAX_ATTEMPTS', '1');
      const failures = await createReplayNotifier({ 'sns-topic': TOPIC, 'delivery-budget': '5s' }, {}).publish([{ ...ec2GetPasswordData, alertId: 'a-1' }]);
      expect(failures.map((failure) => failure.channel)).toEqual([`sns:${TOPIC}`]);
    } finally {
      await sns.close();
    }
  });
});
