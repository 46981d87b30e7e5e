/** Operations notices (alarms on the operations topic) parsed from both shapes the topic carries, rendered for Slack. */
import { describe, expect, it } from 'vitest';
import { operationsNoticeOf, operationsSlackMessage } from '../../lambdas/core/render/operations-notice.js';
import { allTexts, expectWithinBlockKit, slackAsText } from './block-kit.js';
import { handlerErrorsAlarm as alarmAction } from './operations-alarms.js';

/** EventBridge's "CloudWatch Alarm State Change" of a forwarder's dead-letter alarm, as the central bus passes it on. */
const forwardedAlarm = JSON.stringify({
  version: '0',
  id: 'c4c1c1c9-6542-e61b-6ef0-8c4d36933a92',
  'detail-type': 'CloudWatch Alarm State Change',
  source: 'aws.cloudwatch',
  account: '444455556666',
  time: '2026-11-30T10:06:00Z',
  region: 'eu-west-1',
  resources: ['arn:aws:cloudwatch:eu-west-1:444455556666:alarm:DenialAlerterForwarder-DeadLetters'],
  detail: {
    alarmName: 'DenialAlerterForwarder-DeadLetters',
    state: { value: 'OK', reason: 'Threshold Crossed: no datapoints were received for 1 period.', timestamp: '2026-11-30T10:06:00.000+0000' },
    previousState: { value: 'ALARM', reason: 'Threshold Crossed', timestamp: '2026-11-30T09:00:00.000+0000' },
    configuration: { description: 'Denials the forwarder could not deliver to the central bus.' },
  },
});

describe('operations notices', () => {
  it('reads CloudWatch\'s alarm notification: name, state, reason, account, region and time', () => {
    expect(operationsNoticeOf(alarmAction, 'ALARM: "DenialAlerter-HandlerErrors" in US East (N. Virginia)')).toEqual({
      kind: 'cloudwatch-alarm',
      title: 'DenialAlerter-HandlerErrors',
      state: 'ALARM',
      previousState: 'OK',
      reason: expect.stringMatching(/^Threshold Crossed: 1 out of the last 1 datapoints/),
      description: 'The denial handler failed invocations: batches are retried, then dead-lettered.',
      accountId: '111122223333',
      region: 'US East (N. Virginia)',
      time: '2026-11-30T10:05:00.123+0000',
    });
    const message = operationsSlackMessage(operationsNoticeOf(alarmAction));
    expectWithinBlockKit(message);
    expect(message.text).toBe('Alarm: DenialAlerter-HandlerErrors (ALARM)');
    expect(slackAsText(message)).toContain('*State* `ALARM` (was `OK`) · account `111122223333` · US East (N. Virginia) · 2026-11-30 10:05:00 UTC');
  });

  it('reads a forwarder\'s alarm state change from the central bus, and says it is resolved', () => {
    const notice = operationsNoticeOf(forwardedAlarm);
    expect(notice).toMatchObject({ kind: 'alarm-state-change', title: 'DenialAlerterForwarder-DeadLetters', state: 'OK', previousState: 'ALARM', accountId: '444455556666', region: 'eu-west-1' });
    const message = operationsSlackMessage(notice);
    expectWithinBlockKit(message);
    expect(message.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', emoji: false, text: '\u2705 Resolved: DenialAlerterForwarder-DeadLetters' } });
    expect(allTexts(message).join('\n')).toContain('*What it watches* Denials the forwarder could not deliver to the central bus.');
  });

  it('shows any other message as it came, cut, with its subject', () => {
    const notice = operationsNoticeOf('StackSet instance FAILED in 444455556666 eu-west-1', 'StackSet');
    expect(notice).toMatchObject({ kind: 'message', title: 'StackSet', state: null, reason: 'StackSet instance FAILED in 444455556666 eu-west-1' });
    expect(operationsNoticeOf('x'.repeat(10_000)).title).toBe('Operations message');
    const message = operationsSlackMessage(operationsNoticeOf('y'.repeat(10_000)));
    expectWithinBlockKit(message);
  });

  it('never lets a field mention the channel, link elsewhere or format text', () => {
    const hostile = JSON.stringify({
      AlarmName: '<!channel> pay now',
      NewStateValue: 'ALARM',
      NewStateReason: 'see <https://evil.example|the runbook> *now* @here',
      AlarmDescription: '<@U123> `code` ~strike~',
    });
    const texts = allTexts(operationsSlackMessage(operationsNoticeOf(hostile))).join('\n');
    expect(texts).not.toMatch(/<!channel>|<https:|<@U123>|(^|\s)@here\b/);
    expect(texts).toContain('&lt;!channel&gt;');
  });
});
