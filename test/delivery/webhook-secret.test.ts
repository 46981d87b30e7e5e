import { describe, expect, it } from 'vitest';
import { webhookUrlFromSecret, WebhookSecretError } from '../../lambdas/adapters/slack-webhook-secret.js';

describe('Slack webhook secret', () => {
  it('accepts the URL itself or JSON with url / webhookUrl', () => {
    expect(webhookUrlFromSecret(' https://hooks.slack.com/services/T/B/x ')).toBe('https://hooks.slack.com/services/T/B/x');
    expect(webhookUrlFromSecret('{"url":"https://hooks.slack.com/services/T/B/y"}')).toBe('https://hooks.slack.com/services/T/B/y');
    expect(webhookUrlFromSecret('{"webhookUrl":"https://hooks.slack.com/services/T/B/z"}')).toBe('https://hooks.slack.com/services/T/B/z');
  });

  it('refuses anything else without echoing the value', () => {
    for (const secret of ['hunter2-not-a-url', '{"token":"hunter2"}', '{bad json hunter2']) {
      const error = (() => {
        try {
          webhookUrlFromSecret(secret);
        } catch (caught) {
          return caught as Error;
        }
        return null;
      })();
      expect(error).toBeInstanceOf(WebhookSecretError);
      expect(error!.message).not.toContain('hunter2');
    }
  });
});
